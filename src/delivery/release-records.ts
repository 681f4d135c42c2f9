// The releases ConfigMap of an environment's namespace: what is current, what came before, what failed, what is
// being deployed, and for each its analysis verdict and approval. The annotations are read back through zod, so a
// record edited by hand or written by an older version is refused as a whole instead of half-trusted.
import { z } from "zod";
import { applyObjects } from "./apply.js";
import { isNotFound, type KubeOptions, withOutageRetry } from "./kube.js";
import { CoreV1Api, type V1ConfigMap } from "./kube-client.js";
import { MANAGED_BY, PART_OF } from "./manifests/index.js";

/** ConfigMap in each environment's namespace that records the current and previous release. */
export const RELEASES_CONFIGMAP = "ecommerce-delivery-releases";
export const RELEASE_ANNOTATIONS = {
  current: "ecommerce-delivery/current-release",
  previous: "ecommerce-delivery/previous-release",
  lastFailed: "ecommerce-delivery/last-failed-release",
  inProgress: "ecommerce-delivery/in-progress-release",
} as const;

const phase = z.enum(["Successful", "Failed", "Inconclusive", "Error"]);

/** One metric of one service's analysis: its phase and the measurement that decided it (value and condition). */
const metricSummarySchema = z.object({
  metric: z.string(),
  phase,
  measurements: z.int(),
  /** The deciding measurement's values (one per series); absent when its query failed. */
  value: z.array(z.number().or(z.null())).optional(),
  /** That measurement's message: the value against the condition, e.g. `result [0.2] did not meet successCondition result <= 0.01`. */
  message: z.string(),
});

/** One service's analysis in a release. `Cancelled`: stopped because another service's analysis failed. */
const serviceAnalysisSchema = z.object({
  /** Label value of the revision judged (first 12 hex of its digest). */
  revision: z.string(),
  previousRevision: z.string().optional(),
  phase: phase.or(z.literal("Cancelled")),
  message: z.string(),
  metrics: z.array(metricSummarySchema),
});

/**
 * The analysis verdict on a release. `NotRun`: the environment has analysis configured but the deploy was given
 * no Prometheus URL. Only `Successful` makes a release verified (and promotable from an environment with analysis).
 */
const releaseAnalysisSchema = z.object({
  outcome: phase.or(z.literal("NotRun")),
  verified: z.boolean(),
  /** ISO time the verdict was reached. */
  at: z.string(),
  /** Why, in one line. */
  message: z.string(),
  services: z.record(z.string(), serviceAnalysisSchema),
});

const releaseRecordSchema = z.object({
  id: z.string(),
  /** service → full image reference (with digest), exactly as deployed. */
  images: z.record(z.string(), z.string()),
  /** service → `sha256:…` */
  digests: z.record(z.string(), z.string()),
  revision: z.string().optional(),
  gitSha: z.string().optional(),
  deployedAt: z.string(),
  /** Deployment revision per service once the release was healthy. */
  revisions: z.record(z.string(), z.string().optional()).optional(),
  /** The analysis of the services this release changed, when the environment has analysis configured. */
  analysis: releaseAnalysisSchema.optional(),
  /** Who approved the deploy (promotion into an environment with promotion.requiresApproval) and when. */
  approval: z.object({ by: z.string(), at: z.string() }).optional(),
  /** The environment and release this one was promoted from. */
  promotedFrom: z.object({ env: z.string(), release: z.string() }).optional(),
});

const failedReleaseRecordSchema = releaseRecordSchema.extend({
  failedService: z.string(),
  rolledBack: z.array(z.string()),
  error: z.string(),
});

const inProgressReleaseRecordSchema = releaseRecordSchema.extend({
  /** The deploy Lease holder that started it. */
  holder: z.string(),
});

export type MetricSummary = z.infer<typeof metricSummarySchema>;
export type ServiceAnalysis = z.infer<typeof serviceAnalysisSchema>;
export type ReleaseAnalysis = z.infer<typeof releaseAnalysisSchema>;
/** What the releases ConfigMap records about one release. */
export type ReleaseRecord = z.infer<typeof releaseRecordSchema>;
/** A failed release attempt, as recorded. */
export type FailedReleaseRecord = z.infer<typeof failedReleaseRecordSchema>;
/** A release being deployed; still there after the deploy ended means it was interrupted (and half-applied). */
export type InProgressReleaseRecord = z.infer<typeof inProgressReleaseRecordSchema>;

export interface ReleaseRecords {
  current: ReleaseRecord | undefined;
  previous: ReleaseRecord | undefined;
  lastFailed: FailedReleaseRecord | undefined;
  inProgress: InProgressReleaseRecord | undefined;
}

/** Read the release records of a namespace (all undefined when nothing was deployed yet). */
export async function readReleaseRecords(namespace: string, options: KubeOptions): Promise<ReleaseRecords> {
  return recordsOf(await readReleasesConfigMap(namespace, options));
}

/**
 * Read, change and write back the records. Call it under the deploy lock only, so the read-modify-write (a
 * server-side apply) does not race another deploy.
 */
export async function writeReleaseRecords(
  namespace: string,
  options: KubeOptions,
  update: (records: ReleaseRecords) => ReleaseRecords,
): Promise<void> {
  const next = update(recordsOf(await readReleasesConfigMap(namespace, options)));
  const annotations: Record<string, string> = {};
  for (const key of Object.keys(RELEASE_ANNOTATIONS) as (keyof ReleaseRecords)[]) {
    if (next[key]) annotations[RELEASE_ANNOTATIONS[key]] = JSON.stringify(next[key]);
  }
  // Server-side apply owns the annotations: one we leave out (a finished in-progress record) is removed.
  await applyObjects(
    [
      {
        apiVersion: "v1",
        kind: "ConfigMap",
        metadata: {
          name: RELEASES_CONFIGMAP,
          namespace,
          labels: { "app.kubernetes.io/part-of": PART_OF, "app.kubernetes.io/managed-by": MANAGED_BY },
          annotations,
        },
      } as V1ConfigMap,
    ],
    options,
  );
}

/** A release still marked in progress when the next deploy holds the lock never finished. */
export function interruptedRecord(record: InProgressReleaseRecord, foundBy: string): FailedReleaseRecord {
  const { holder, ...rest } = record;
  return {
    ...rest,
    failedService: "unknown",
    rolledBack: [],
    error: `interrupted: the deploy by "${holder}" ended before finishing (found by release ${foundBy})`,
  };
}

async function readReleasesConfigMap(namespace: string, options: KubeOptions): Promise<V1ConfigMap | undefined> {
  const core = options.kubeConfig.makeApiClient(CoreV1Api);
  try {
    return await withOutageRetry(
      options,
      { action: "read", target: `ConfigMap ${namespace}/${RELEASES_CONFIGMAP}` },
      () => core.readNamespacedConfigMap({ namespace, name: RELEASES_CONFIGMAP }),
    );
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

function recordsOf(cm: V1ConfigMap | undefined): ReleaseRecords {
  const a = cm?.metadata?.annotations ?? {};
  return {
    current: parseRecord(releaseRecordSchema, a[RELEASE_ANNOTATIONS.current]),
    previous: parseRecord(releaseRecordSchema, a[RELEASE_ANNOTATIONS.previous]),
    lastFailed: parseRecord(failedReleaseRecordSchema, a[RELEASE_ANNOTATIONS.lastFailed]),
    inProgress: parseRecord(inProgressReleaseRecordSchema, a[RELEASE_ANNOTATIONS.inProgress]),
  };
}

// A record that is not JSON or not of this shape counts as absent: for promotion that means "no analysis on
// record", which refuses, rather than trusting fields we could not read.
function parseRecord<T>(schema: z.ZodType<T>, raw: string | undefined): T | undefined {
  if (!raw) return undefined;
  try {
    const parsed = schema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
