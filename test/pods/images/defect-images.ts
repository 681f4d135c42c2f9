// Defect builds of checkout: the real checkout image plus one layer with a preload file, run by
// `node --import <file> services/checkout/dist/server.js`. A preload changes process.env after the pod's env is
// applied, so the defect survives the ConfigMap (envFrom), which overrides any env baked into the image.
import { copyFile, mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { APP_DIR } from "../../../modules/node-service/src/lib.js";
import { SERVICE_ENTRYPOINT } from "../../../src/plan/plan.js";
import { formatDuration } from "../../cluster/src/log.js";
import { contentKey } from "./content-key.js";
import { findDigest, type PushedImage, pushLayer, repositoryOf, tarLayer } from "./registry-image.js";
import { type ImageBuild, POD_IMAGE_KEY_LABEL } from "./service-image.js";

/** Label naming the defect an image carries. */
export const DEFECT_LABEL = "org.ecommerce-delivery.pod-image.defect";

/** The defects, by the tag prefix they get: which preload file each adds. */
export const CHECKOUT_DEFECTS = {
  /** Exits 1 at start: RECONCILE_INTERVAL_MS=-1 fails checkout's config validation. */
  "exits-at-start": "invalid-reconcile-interval.mjs",
  /** Starts and answers /healthz; /readyz fails because payments is unreachable. */
  unready: "unreachable-payments.mjs",
  /** Answers every fifth POST /checkout with a 503 from inside Fastify, so its own metrics count the 5xx. */
  "fails-fifth": "fails-every-fifth-checkout.mjs",
  /** Delays every request inside Fastify: p99 2-4× the good build's, still inside dev's absolute SLO. */
  slower: "slower-requests.mjs",
  /** Serves one request at a time, 40 ms each: at most 25 a second per pod, saturation without CPU (deliver watch). */
  "one-lane": "one-lane.mjs",
  /** A good checkout with a digest of its own, for good releases that follow one another. */
  "good-variant": "good-variant.mjs",
} as const;

export type CheckoutDefect = keyof typeof CHECKOUT_DEFECTS;

/** `<checkout repository>:<defect>-<key>` on top of `checkout` (its workspace is `workspace`). */
export async function ensureDefectImage(
  build: ImageBuild,
  checkout: PushedImage,
  workspace: string,
  defect: CheckoutDefect,
): Promise<PushedImage> {
  const file = fileURLToPath(new URL(`./defects/${CHECKOUT_DEFECTS[defect]}`, import.meta.url));
  const key = await contentKey(checkout.digest, defect, await readFile(file));
  const reference = `${repositoryOf(checkout.reference)}:${defect}-${key}`;
  const found = await findDigest(build.crane, reference);
  if (found) return { reference, digest: found };

  const started = Date.now();
  const stage = join(build.workDir, `checkout-${defect}`);
  const preload = `${APP_DIR}/defects/${CHECKOUT_DEFECTS[defect]}`;
  await rm(stage, { recursive: true, force: true });
  await mkdir(join(stage, APP_DIR, "defects"), { recursive: true });
  await copyFile(file, join(stage, preload));
  await tarLayer(stage, [APP_DIR.slice(1)], `${stage}.tar`);
  const pushed = await pushLayer(
    build.crane,
    `${stage}.tar`,
    reference,
    {
      labels: { [POD_IMAGE_KEY_LABEL]: key, [DEFECT_LABEL]: defect },
      entrypoint: ["node", "--import", preload, `${workspace}/${SERVICE_ENTRYPOINT}`],
    },
    `${repositoryOf(checkout.reference)}@${checkout.digest}`,
  );
  await rm(stage, { recursive: true, force: true });
  build.logger.info(`pod images: pushed ${reference} (${formatDuration(Date.now() - started)})`);
  return pushed;
}
