const LEVELS: Record<number, string> = { 10: "trace", 20: "debug", 30: "info", 40: "warn", 50: "error", 60: "fatal" };

/** Turns one pino JSON line into `[service] level message key=value` for a terminal; other lines pass through. */
export function formatLogLine(service: string, line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line);
  } catch {
    return `[${service}] ${line}`;
  }
  const { level, msg, time, pid, hostname, name, ...rest } = entry;
  const fields = Object.entries(rest)
    .filter(([, value]) => typeof value !== "object" || value === null)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(" ");
  return `[${service}] ${LEVELS[level as number] ?? level} ${msg ?? ""}${fields ? ` ${fields}` : ""}`;
}
