import { createLogger, loadConfig, main, runServer } from "@shop/service-kit";
import { buildApp } from "./app.js";
import { configSchema } from "./config.js";

main(async () => {
  const config = loadConfig(configSchema);
  const logger = createLogger({ service: "storefront", level: config.LOG_LEVEL });
  const app = await buildApp(config, { logger });
  await runServer(app, { host: config.HOST, port: config.PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
});
