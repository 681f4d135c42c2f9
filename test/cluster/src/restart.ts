import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createApiClient } from "./api.js";
import { type componentNames, layoutOf } from "./components.js";
import { ClusterError } from "./errors.js";
import { canListenOn } from "./ports.js";
import { startProcess, stopProcess } from "./processes.js";
import { readState, writeState } from "./state.js";
import { notYet, waitFor } from "./wait.js";

/** A stopped component of a running cluster, to be started again with the arguments it had. */
export interface StoppedComponent {
  readonly name: string;
  /** Starts it again (same binary, arguments and log), records the new pid and waits until it is healthy. */
  start(): Promise<void>;
}

/**
 * Stops one component of the cluster in `runDir`, for tests of what clients do while it is gone
 * (an API server restart in the middle of a rollout, say). `graceMs: 0` kills it at once, as a crash would.
 * Only kube-apiserver is waited on after start.
 */
export async function stopComponent(
  runDir: string,
  name: (typeof componentNames)[number],
  options: { graceMs?: number } = {},
): Promise<StoppedComponent> {
  const layout = layoutOf(runDir);
  const state = await readState(layout.stateFile);
  const record = state?.processes.find((p) => p.name === name);
  if (!state || !record) throw new ClusterError("state", `no ${name} recorded in ${layout.stateFile}`);
  // The arguments it runs with, as the kernel has them: the same ports and certificates after the restart.
  const args = (await readFile(`/proc/${record.pid}/cmdline`, "utf8")).split("\0").slice(1, -1);
  await stopProcess(record, options.graceMs);
  return {
    name,
    async start() {
      if (name === "kube-apiserver") await portReleased(state.server);
      const started = startProcess(name, record.bin, args, record.logFile);
      const latest = (await readState(layout.stateFile)) ?? state;
      await writeState(layout.stateFile, {
        ...latest,
        processes: latest.processes.map((p) => (p.name === name ? started.record : p)),
      });
      if (name !== "kube-apiserver") return;
      const client = createApiClient({
        server: state.server,
        caCert: join(layout.pkiDir, "ca.crt"),
        clientCert: join(layout.pkiDir, "admin.crt"),
        clientKey: join(layout.pkiDir, "admin.key"),
      });
      await Promise.race([
        started.exited,
        waitFor(
          `kube-apiserver /readyz (${state.server}) after a restart`,
          async () => {
            const response = await client.get("/readyz");
            return response.status === 200 ? true : notYet(`HTTP ${response.status}`);
          },
          { timeoutMs: 90_000 },
        ),
      ]);
    },
  };
}

// The kernel closes a killed process's sockets after the process is gone (deferred file release), so a restart
// straight after a kill could find the port still taken: "bind: address already in use" (seen on a loaded machine).
async function portReleased(server: string): Promise<void> {
  const { hostname, port } = new URL(server);
  await waitFor(
    `${hostname}:${port} released by the stopped kube-apiserver`,
    async () => ((await canListenOn(hostname, Number(port))) ? true : notYet("still bound")),
    { timeoutMs: 30_000 },
  );
}
