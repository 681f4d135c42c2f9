import { describe, expect, it } from "vitest";
import { describeSupervisorEvent } from "../lib/supervisor-report.js";

const LINE = '{"level":50,"time":1,"pid":7,"hostname":"h","msg":"payment provider unreachable"}';

describe("describeSupervisorEvent", () => {
  it("names the service, the signal or exit code, its uptime and its last lines, made readable", () => {
    expect(
      describeSupervisorEvent({
        type: "exited",
        service: "payments",
        exit: { code: null, signal: "SIGKILL" },
        uptimeMs: 61_250,
        lastLines: [LINE, "plain text"],
      }),
    ).toEqual([
      "[dev] payments died (signal SIGKILL) after 61.3 s; its last log lines:",
      "    [payments] error payment provider unreachable",
      "    [payments] plain text",
    ]);
    expect(
      describeSupervisorEvent({
        type: "exited",
        service: "api",
        exit: { code: 1, signal: null },
        uptimeMs: 0,
        lastLines: [],
      }),
    ).toEqual(["[dev] api died (exit code 1) after 0.0 s; it printed nothing"]);
  });

  it("says why a restart failed with the first line of the reason and the new process's last lines", () => {
    expect(
      describeSupervisorEvent({
        type: "restart-failed",
        service: "payments",
        reason: "payments exited with code 1 before it was healthy:\nError: listen EADDRINUSE",
        lastLines: ["Error: listen EADDRINUSE"],
      }),
    ).toEqual([
      "[dev] payments did not come back (payments exited with code 1 before it was healthy); its last log lines:",
      "    [payments] Error: listen EADDRINUSE",
    ]);
  });

  it("announces a planned restart and a service that is back", () => {
    expect(describeSupervisorEvent({ type: "restarting", service: "checkout", delayMs: 2_000, attempt: 3 })).toEqual([
      "[dev] restarting checkout in 2.0 s (attempt 3)",
    ]);
    expect(describeSupervisorEvent({ type: "restarted", service: "checkout", pid: 4242 })).toEqual([
      "[dev] checkout is back (pid 4242)",
    ]);
  });
});
