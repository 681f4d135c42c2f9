import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmbeddedPostgres } from "@shop/embedded-db";
import { startPlatform } from "./lib/platform.js";
import { formatLogLine } from "./lib/pretty-log.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const dataDir = join(root, ".data", "postgres");

process.stdout.write(`Starting PostgreSQL (data in ${dataDir})…\n`);
const postgres = await startEmbeddedPostgres({ dataDir, port: Number(process.env.POSTGRES_PORT ?? 54329) });
process.stdout.write("Starting api, payments, checkout and storefront…\n");
const platform = await startPlatform({
  postgres,
  logDir: join(root, ".data", "logs"),
  onLogLine: (service, line) => process.stdout.write(`${formatLogLine(service, line)}\n`),
}).catch(async (error) => {
  await postgres.stop();
  throw error;
});

process.stdout.write(
  [
    "",
    `  The shop is open: ${platform.urls.storefront}`,
    `  api ${platform.urls.api}  checkout ${platform.urls.checkout}  payments ${platform.urls.payments}`,
    `  Test cards: 4242 4242 4242 4242 (approved), 4000 0000 0000 0002 (declined). Ctrl-C stops everything.`,
    "",
  ].join("\n"),
);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  process.stdout.write("\nStopping services…\n");
  await platform.stop();
  await postgres.stop();
  process.stdout.write("Stopped.\n");
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
