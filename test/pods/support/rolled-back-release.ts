// A release that must fail on the real node: every good image with checkout replaced, deployed by the library while
// the Deployments' availability is sampled, expected to be rolled back as a whole. Checks what every such test
// checks (the error, availability never under its floor, checkout serving the image it served before) and returns the
// moments a caller times.
import { expect } from "vitest";
import { ReleaseFailedError } from "../../../src/delivery/errors.js";
import type { Logger } from "../../../src/delivery/kube.js";
import { deployRelease } from "../../../src/delivery/release-deploy.js";
import { sampleAvailability } from "../../cluster/delivery/helpers.js";
import { SHOP_SERVICES } from "../images/pod-images.js";
import type { ShopOnNode } from "./shop-on-node.js";

export interface FailingRelease {
  /** The checkout image (`<reference>@<digest>`) the release carries instead of the good one. */
  readonly checkout: string;
  readonly revision: string;
  /** With an analysis: where Prometheus and the storefront for synthetic shoppers are. */
  readonly prometheusUrl?: string;
  readonly loadUrl?: string;
  readonly logger?: Logger;
}

export interface RolledBackRelease {
  readonly error: ReleaseFailedError;
  /** When the bad checkout revision's rollout was reported done (Ready), if it ever was. */
  readonly checkoutReadyAt: number | undefined;
  /** When the rollout was first reported failed (the progress deadline), if it was. */
  readonly failureVisibleAt: number | undefined;
  /** When the deploy returned: the rollback done and the previous checkout serving again. */
  readonly rolledBackAt: number;
}

/** Deploys `release`, expecting it to fail at checkout and be rolled back with availability at or above its floor. */
export async function expectRolledBack(shop: ShopOnNode, release: FailingRelease): Promise<RolledBackRelease> {
  const previous = await shop.liveImage("checkout");
  const sampler = sampleAvailability(shop.kubeConfig, shop.namespace, { everyMs: 200 });
  let checkoutReadyAt: number | undefined;
  let failureVisibleAt: number | undefined;
  const error = await deployRelease({
    config: shop.config,
    env: "dev",
    kubeConfig: shop.kubeConfig,
    release: { images: { ...shop.goodImages, checkout: release.checkout }, revision: release.revision },
    // The same defect build goes out again in each run; a rollback recorded it as bad.
    force: true,
    ...(release.prometheusUrl === undefined ? {} : { prometheusUrl: release.prometheusUrl }),
    ...(release.loadUrl === undefined ? {} : { loadUrl: release.loadUrl }),
    ...(release.logger === undefined ? {} : { logger: release.logger }),
    onProgress: (progress) => {
      // The first done rollout of checkout is the bad revision's; the rollback's comes after it.
      if (progress.name === "checkout" && progress.done) checkoutReadyAt ??= Date.now();
      if (progress.failed) failureVisibleAt ??= Date.now();
    },
  }).catch((e: unknown) => e);
  const rolledBackAt = Date.now();
  const samples = (await sampler.stop()).filter((s) => SHOP_SERVICES.includes(s.name as never));

  expect(error, error instanceof Error ? error.message : `deployed: ${JSON.stringify(error)}`).toBeInstanceOf(
    ReleaseFailedError,
  );
  expect((error as ReleaseFailedError).failedService).toBe("checkout");
  const belowFloor = samples.filter((s) => s.available < s.floor);
  expect(belowFloor, JSON.stringify(belowFloor.slice(0, 3))).toEqual([]);
  expect(await shop.liveImage("checkout")).toBe(previous);
  const live = await shop.apps.readNamespacedDeployment({ namespace: shop.namespace, name: "checkout" });
  expect(live.status).toMatchObject({ availableReplicas: 1, updatedReplicas: 1 });
  return { error: error as ReleaseFailedError, checkoutReadyAt, failureVisibleAt, rolledBackAt };
}

/** `label: a, b, c ms; median m ms, worst w ms` for durations in ms. */
export function describeTimes(label: string, times: readonly number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  return `${label}, ${times.length} runs: ${times.join(", ")} ms; median ${median} ms, worst ${sorted.at(-1)} ms`;
}
