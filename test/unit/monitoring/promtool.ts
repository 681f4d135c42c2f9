// Runs Debian's promtool (package `prometheus`). Tier 1 validates the shipped rules with it, so a machine without
// it fails the tests with the command that installs it, rather than skipping them.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";

const run = promisify(execFile);

/** Where Debian installs promtool; PROMTOOL overrides it. */
export const PROMTOOL = process.env.PROMTOOL ?? "/usr/bin/promtool";

/** Runs `promtool <args>` and returns its output; throws with promtool's own output when it fails. */
export async function promtool(...args: string[]): Promise<string> {
  if (!existsSync(PROMTOOL)) {
    throw new Error(
      `promtool not found at ${PROMTOOL}: install it with \`apt-get install prometheus\` (or set PROMTOOL)`,
    );
  }
  try {
    const { stdout, stderr } = await run(PROMTOOL, args, { maxBuffer: 16 * 1024 * 1024 });
    return `${stdout}${stderr}`;
  } catch (error) {
    const { stdout = "", stderr = "" } = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(" ")} failed:\n${stdout}${stderr}`, { cause: error });
  }
}
