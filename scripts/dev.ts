import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "@shop/embedded-db";
import { devConfig } from "./lib/dev-config.js";
import { startPlatform } from "./lib/platform.js";
import { formatLogLine } from "./lib/pretty-log.js";
import { DEFAULT_BACKOFF } from "./lib/restart-backoff.js";
import { supervise } from "./lib/supervisor.js";
import { describeSupervisorEvent, seconds } from "./lib/supervisor-report.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const config = devConfig(process.env, root);
const print = (lines: readonly string[]) => process.stdout.write(`${lines.join("\n")}\n`);

print(["Starting PostgreSQL…"]);
const postgres = await startEmbeddedPostgres({ dataDir: join(config.dataDir, "postgres"), port: config.postgresPort });
print([`PostgreSQL is up on ${postgres.host}:${postgres.port} (data in ${postgres.dataDir})`]);
print(["Starting api, payments, checkout and storefront…"]);
const platform = await startPlatform({
  postgres,
  ports: config.ports,
  logDir: join(config.dataDir, "logs"),
  onLogLine: (service, line) => print([formatLogLine(service, line)]),
}).catch(async (error) => {
  await postgres.stop();
  throw error;
});
const supervisor = supervise(Object.values(platform.services), {
  onEvent: (event) => print(describeSupervisorEvent(event)),
});

print([
  "",
  `  The shop is open: ${platform.urls.storefront}`,
  `  api ${platform.urls.api}  checkout ${platform.urls.checkout}  payments ${platform.urls.payments}`,
  "  Test cards: 4242 4242 4242 4242 (approved), 4000 0000 0000 0002 (declined). Ctrl-C stops everything.",
  `  A service that dies is reported and restarted (after ${seconds(DEFAULT_BACKOFF.initialMs)}, doubling to ${seconds(DEFAULT_BACKOFF.maxMs)} while it keeps dying).`,
  "",
]);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  print(["", "Stopping services…"]);
  await supervisor.stop();
  await platform.stop();
  await postgres.stop();
  print(["Stopped."]);
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
