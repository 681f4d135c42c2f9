// e2e(): the real-browser suite (test/e2e) run in a container with Debian's Chromium, against the integration
// services (shopServices) started with the settings its stories need, in the suite's external-target mode.
import { CacheSharingMode, type Container, type Directory, dag, ReturnType } from "@dagger.io/dagger";
import { APP_DIR, dependencyLayer, withSource } from "../../modules/node-service/src/lib.js";
import {
  BROWSER_PACKAGES,
  E2E_API_DATABASE_VARIABLE,
  E2E_CONFIG,
  E2E_SCREENSHOT_DIR,
  E2E_SERVICE_ENV,
  E2E_URL_VARIABLES,
} from "../plan/e2e.js";
import { POSTGRES_HOST } from "../plan/wiring.js";
import type { Delivery } from "./context.js";
import { shopServices, shopWiring, withShopUrls } from "./integration.js";

/** apt's download cache and package lists, kept between runs so Chromium is downloaded once. */
const APT_CACHES = { "/var/cache/apt/archives": "e2e-apt-archives", "/var/lib/apt/lists": "e2e-apt-lists" };

// Debian's container images delete every downloaded package after an install (docker-clean), which would leave
// the cache volume empty; the base images of this repository have no such hook, the official ones do.
const INSTALL_BROWSER = [
  "rm -f /etc/apt/apt.conf.d/docker-clean",
  "apt-get update",
  `DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${BROWSER_PACKAGES.join(" ")}`,
].join(" && ");

/**
 * The development container's dependency layer with Debian's Chromium and fonts installed by apt, then the source.
 * The browser comes after `npm ci` so that this container shares the install with test and integration.
 */
export function browserContainer(delivery: Delivery): Container {
  const { source } = delivery.settings;
  let container = dependencyLayer(source, delivery.manifests, delivery.toolchain);
  for (const [path, name] of Object.entries(APT_CACHES)) {
    container = container.withMountedCache(path, dag.cacheVolume(name), { sharing: CacheSharingMode.Locked });
  }
  return withSource(container.withExec(["sh", "-c", INSTALL_BROWSER]), source);
}

/**
 * The suite run once against the services bound by name. It exits as it likes (see e2eReport), so the screenshots
 * of a failed run can still be exported.
 */
export function e2eRun(delivery: Delivery): Container {
  const services = shopServices(delivery, { env: E2E_SERVICE_ENV });
  const apiDatabase = shopWiring(delivery).api?.secrets.DATABASE_URL;
  const postgres = services[POSTGRES_HOST];
  if (!apiDatabase || !postgres) throw new Error('e2e needs an "api" service with a database in pipeline.yaml');
  const runner = withShopUrls(
    browserContainer(delivery)
      .withServiceBinding(POSTGRES_HOST, postgres)
      .withSecretVariable(E2E_API_DATABASE_VARIABLE, dag.setSecret("e2e-api-database-url", apiDatabase)),
    delivery,
    services,
    { step: "e2e", urlVariables: E2E_URL_VARIABLES },
  );
  return (
    runner
      .withEnvVariable("CI", "true")
      // The report is returned as text; vitest colours it whenever CI is set.
      .withEnvVariable("NO_COLOR", "1")
      .withDirectory(`${APP_DIR}/${E2E_SCREENSHOT_DIR}`, dag.directory())
      .withExec(["node_modules/.bin/vitest", "run", "--config", E2E_CONFIG], { expect: ReturnType.Any })
  );
}

/** vitest's report of the run; rejects with the report (and vitest's stderr) when the suite failed. */
export async function e2eReport(run: Container): Promise<string> {
  const [exitCode, stdout, stderr] = await Promise.all([run.exitCode(), run.stdout(), run.stderr()]);
  if (exitCode === 0) return stdout;
  throw new Error(
    `e2e failed (vitest exited with ${exitCode}); e2e-screenshots has every step's screenshot\n${stdout}\n${stderr}`,
  );
}

/** The screenshots the run saved: `<story>/<NN>-<step>.png`, a failed step's ending in -FAILED. */
export function e2eScreenshots(run: Container): Directory {
  return run.directory(`${APP_DIR}/${E2E_SCREENSHOT_DIR}`);
}
