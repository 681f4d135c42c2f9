import { formatLogLine } from "./pretty-log.js";
import type { SupervisorEvent } from "./supervisor.js";

/** `0.5 s`: one decimal, as the backoff's delays and a service's uptime read best. */
export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const withLastLines = (header: string, service: string, lastLines: readonly string[]): string[] =>
  lastLines.length === 0
    ? [`${header}; it printed nothing`]
    : [`${header}; its last log lines:`, ...lastLines.map((line) => `    ${formatLogLine(service, line)}`)];

/** Terminal lines for one supervisor event: `[dev] payments died (signal SIGKILL) …` and the service's last lines. */
export function describeSupervisorEvent(event: SupervisorEvent): string[] {
  switch (event.type) {
    case "exited": {
      const how = event.exit.signal ? `signal ${event.exit.signal}` : `exit code ${event.exit.code}`;
      return withLastLines(
        `[dev] ${event.service} died (${how}) after ${seconds(event.uptimeMs)}`,
        event.service,
        event.lastLines,
      );
    }
    case "restarting":
      return [`[dev] restarting ${event.service} in ${seconds(event.delayMs)} (attempt ${event.attempt})`];
    case "restarted":
      return [`[dev] ${event.service} is back (pid ${event.pid})`];
    case "restart-failed":
      return withLastLines(
        // The first line of ServiceProcess.start's error ends with a colon before the stderr it quotes.
        `[dev] ${event.service} did not come back (${event.reason.split("\n")[0]?.replace(/:$/, "")})`,
        event.service,
        event.lastLines,
      );
  }
}
