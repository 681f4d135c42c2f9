/** Where progress goes; the CLI prints it, tests may collect or drop it. */
export interface Logger {
  info(message: string): void;
}

const loadedAt = Date.now();

/** A logger that prints `[<prefix> +12.3s] message` lines to standard error, timed from when this module loaded. */
export function prefixedLogger(prefix: string): Logger {
  return {
    info: (message) =>
      process.stderr.write(`[${prefix} +${((Date.now() - loadedAt) / 1000).toFixed(1)}s] ${message}\n`),
  };
}

/** The cluster's progress lines: `[cluster +12.3s] message`. */
export const consoleLogger: Logger = prefixedLogger("cluster");

/** A logger that drops everything. */
export const silentLogger: Logger = { info: () => {} };

/** Formats milliseconds as `4m05s` or `12.3s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, "0")}s`;
}
