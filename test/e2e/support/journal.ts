import { mkdir, rm } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";

const REPO_ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const SCREENSHOT_ROOT = join(REPO_ROOT, ".tmp", "e2e");

/** Runs a test's steps and keeps a full-page screenshot of each under `.tmp/e2e/<journal>/`. */
export interface Journal {
  /** Runs `action`, then screenshots `page`; if it throws, screenshots the failure and names that file in the error. */
  step<T>(page: Page, title: string, action: () => Promise<T>): Promise<T>;
}

const slug = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");

/** A journal whose screenshots replace those of the journal's previous run. */
export async function createJournal(name: string): Promise<Journal> {
  const dir = join(SCREENSHOT_ROOT, slug(name));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  let count = 0;
  return {
    async step(page, title, action) {
      count += 1;
      const base = join(dir, `${String(count).padStart(2, "0")}-${slug(title)}`);
      try {
        const result = await action();
        await page.screenshot({ path: `${base}.png`, fullPage: true });
        return result;
      } catch (error) {
        const path = `${base}-FAILED.png`;
        const shot = await page.screenshot({ path, fullPage: true }).then(
          () => `screenshot: ${relative(REPO_ROOT, path)}`,
          (reason: Error) => `no screenshot: ${reason.message}`,
        );
        const message = `step "${title}" failed (${shot}; page ${page.url()}): ${(error as Error).message}`;
        console.error(`e2e: ${message.split("\n")[0]}`);
        throw new Error(message, { cause: error });
      }
    },
  };
}
