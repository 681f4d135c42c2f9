import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { CHROMIUM_PATH } from "./chromium-path.js";

// Nothing but loopback: no updates, sync, field trials or QUIC probes leave the machine during a test.
const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-quic",
];

/** One headless Chromium with a profile of its own, as a shopper's browser. */
export interface ShopperBrowser {
  readonly context: BrowserContext;
  /** The first tab. */
  readonly page: Page;
  /** Every answer of 400 or more the browser received, e.g. a missing icon or stylesheet: `STATUS METHOD URL`. */
  readonly failedAnswers: string[];
  close(): Promise<void>;
}

/** Starts Chromium with a fresh user-data-dir; `javaScriptEnabled: false` is a browser with scripts turned off. */
export async function openBrowser(options: { javaScriptEnabled?: boolean } = {}): Promise<ShopperBrowser> {
  const profile = await mkdtemp(join(tmpdir(), "e2e-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    javaScriptEnabled: options.javaScriptEnabled ?? true,
    viewport: { width: 1024, height: 800 },
    locale: "en-US",
  });
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(60_000);
  const failedAnswers: string[] = [];
  context.on("response", (response) => {
    if (response.status() >= 400) {
      failedAnswers.push(`${response.status()} ${response.request().method()} ${response.url()}`);
    }
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    failedAnswers,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
