import type { FastifyInstance } from "fastify";
import { ConfigError } from "./config.js";

export interface RunServerOptions {
  readonly host: string;
  readonly port: number;
  /** After this long a shutdown that is still draining requests gives up and exits 1. */
  readonly shutdownTimeoutMs: number;
}

/** Owns the process: listens, and on SIGTERM or SIGINT finishes in-flight requests before exiting. */
export async function runServer(app: FastifyInstance, options: RunServerOptions): Promise<void> {
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, "shutting down: draining in-flight requests");
    const timer = setTimeout(() => {
      app.log.error({ timeoutMs: options.shutdownTimeoutMs }, "shutdown timed out");
      process.exit(1);
    }, options.shutdownTimeoutMs);
    timer.unref();
    await app.close();
    app.log.info("shutdown complete");
    process.exit(0);
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  await app.listen({ host: options.host, port: options.port });
}

/** Runs a service's entry point; a bad configuration or failed start prints one clear message and exits 1. */
export function main(start: () => Promise<void>): void {
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(
        `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
    }
    process.exit(1);
  });
}
