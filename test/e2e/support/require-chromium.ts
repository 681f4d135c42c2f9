import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { CHROMIUM_PATH } from "./chromium-path.js";

/** Stops the tier before any shop starts when there is no browser to drive: one line that says what to install. */
export async function setup(): Promise<void> {
  try {
    await access(CHROMIUM_PATH, constants.X_OK);
  } catch {
    console.error(
      `e2e: cannot run: ${CHROMIUM_PATH} is missing (install Debian's chromium: apt-get install -y chromium)`,
    );
    process.exit(1);
  }
}
