// From what a deliver command learned and how it ended to the one DeliveryReport the renderers take. Pure: the
// command passes what it knows (the config and the images once loaded, the result or the error), so a failure at
// any point still gives a report that says as much as was known then.
import { isEnvironment, type PipelineConfig } from "../config/index.js";
import { ReleaseFailedError, ReleaseUnverifiedError } from "../delivery/errors.js";
import { dependencyOrder } from "../delivery/manifests/index.js";
import type { DeployReleaseResult } from "../delivery/release-deploy.js";
import type { ReleaseAnalysis, ReleaseRecord } from "../delivery/release-records.js";
import type { RollbackResult } from "../delivery/rollback.js";
import { metricThresholds } from "./thresholds.js";
import type {
  AnalysisReport,
  DeliveryReport,
  ReportCommand,
  ReportImage,
  RollbackReport,
  ServiceRollout,
} from "./types.js";

/** What the command knew when it ended; each field is there once the command got that far. */
export interface ReportFacts {
  readonly command: ReportCommand;
  /** Epoch milliseconds. */
  readonly startedAt: number;
  readonly finishedAt: number;
  /** The environment acted on (promote: the target). */
  readonly env?: string;
  /** promote: the source environment. */
  readonly from?: string;
  readonly config?: PipelineConfig;
  /** service → image reference the command was asked to deploy. */
  readonly requested?: Readonly<Record<string, string>>;
}

/** How the command ended. */
export type CommandEnding =
  /** deploy, promote, or rollback of a whole environment (`from`: the release that was current before it). */
  | { readonly kind: "release"; readonly result: DeployReleaseResult; readonly from?: ReleaseRecord | undefined }
  /** rollback of one service to an earlier Deployment revision. */
  | { readonly kind: "service-rollback"; readonly service: string; readonly result: RollbackResult }
  | { readonly kind: "failed"; readonly error: unknown };

/** The report of one run of a deliver command. */
export function deliveryReport(facts: ReportFacts, ending: CommandEnding): DeliveryReport {
  const base = {
    command: facts.command,
    ...(facts.env === undefined ? {} : { env: facts.env }),
    startedAt: new Date(facts.startedAt).toISOString(),
    durationMs: Math.max(0, facts.finishedAt - facts.startedAt),
    ...(facts.from === undefined ? {} : { promotedFrom: { env: facts.from } }),
  };
  switch (ending.kind) {
    case "release": {
      const { release, changed } = ending.result;
      const rollback: RollbackReport | undefined =
        facts.command === "rollback"
          ? {
              services: changed,
              reason: `deliver rollback: from release ${ending.from?.id ?? "?"} back to release ${release.id}`,
              failures: [],
            }
          : undefined;
      return {
        ...base,
        outcome: "succeeded",
        ...releaseFacts(release),
        images: recordImages(facts.config, release),
        rollouts: order(facts.config, release.images).map((service) => deployedRollout(release, changed, service)),
        ...analysisOf(facts, release.analysis),
        ...(rollback ? { rollback } : {}),
      };
    }
    case "service-rollback": {
      const { service, result } = ending;
      const detail = `from revision ${result.fromRevision} to the template of revision ${result.toRevision}, now serving revision ${result.servingRevision ?? "?"}`;
      return {
        ...base,
        outcome: "succeeded",
        images: result.images.map((image) => withDigest(service, image)),
        rollouts: [{ service, outcome: "rolled-back", detail }],
        rollback: { services: [service], reason: "manual rollback (deliver rollback --service)", failures: [] },
      };
    }
    case "failed":
      return { ...base, ...failedReport(facts, ending.error) };
  }
}

type Ending = Omit<DeliveryReport, "command" | "env" | "startedAt" | "durationMs">;

function failedReport(facts: ReportFacts, error: unknown): Ending {
  const described = {
    type: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
  };
  if (error instanceof ReleaseFailedError) {
    const images = error.release ? recordImages(facts.config, error.release) : requestedImages(facts);
    const services = images.map((i) => i.service);
    return {
      outcome: "failed",
      releaseId: error.releaseId,
      ...(error.release ? releaseFacts(error.release) : {}),
      images,
      rollouts: services.map((service) => failedRollout(error, services, service)),
      ...analysisOf(facts, error.analysis),
      rollback: { services: error.rolledBack, reason: error.detail, failures: error.rollbackFailures },
      error: described,
    };
  }
  if (error instanceof ReleaseUnverifiedError) {
    const images = error.release ? recordImages(facts.config, error.release) : requestedImages(facts);
    const changed = error.changed;
    return {
      outcome: "unverified",
      releaseId: error.releaseId,
      ...(error.release ? releaseFacts(error.release) : {}),
      images,
      rollouts:
        error.release && changed
          ? order(facts.config, error.release.images).map((s) =>
              deployedRollout(error.release as ReleaseRecord, changed, s),
            )
          : [],
      ...analysisOf(facts, error.analysis),
      error: described,
    };
  }
  // Failed before the release started, or somewhere nothing says which services it had reached: no rollout rows.
  return { outcome: "failed", images: requestedImages(facts), rollouts: [], error: described };
}

function releaseFacts(release: ReleaseRecord): Pick<DeliveryReport, "releaseId" | "approval" | "promotedFrom"> {
  return {
    releaseId: release.id,
    ...(release.approval ? { approval: release.approval } : {}),
    ...(release.promotedFrom ? { promotedFrom: release.promotedFrom } : {}),
  };
}

function deployedRollout(release: ReleaseRecord, changed: readonly string[], service: string): ServiceRollout {
  const revision = release.revisions?.[service];
  return {
    service,
    outcome: changed.includes(service) ? "rolled-out" : "unchanged",
    ...(revision === undefined ? {} : { detail: `revision ${revision}` }),
  };
}

// The release went service by service in dependency order: the ones before the failed one rolled out (and went
// back if they had changed), the ones after it were never touched. A Failed analysis comes after every rollout.
function failedRollout(error: ReleaseFailedError, services: readonly string[], service: string): ServiceRollout {
  const failedHere = service === error.failedService;
  const notRestored = error.rollbackFailures.find((f) => f.startsWith(`${service} (`));
  if (notRestored) return { service, outcome: "rollback-failed", detail: notRestored };
  if (failedHere && !error.analysis) return { service, outcome: "failed", detail: error.detail };
  if (error.rolledBack.includes(service)) {
    const own = error.analysis?.services[service]?.phase === "Failed";
    const why = own ? "its analysis failed" : `the release failed at ${error.failedService}`;
    return { service, outcome: "rolled-back", detail: why };
  }
  const reached = error.analysis !== undefined || services.indexOf(service) < services.indexOf(error.failedService);
  return reached
    ? { service, outcome: "unchanged", detail: "this release did not change it" }
    : { service, outcome: "not-reached", detail: `the release failed at ${error.failedService} first` };
}

function analysisOf(facts: ReportFacts, analysis: ReleaseAnalysis | undefined): { analysis?: AnalysisReport } {
  if (!analysis) return {};
  const { config, env } = facts;
  const thresholds = metricThresholds(
    config && env !== undefined && isEnvironment(config, env) ? config.environments[env] : undefined,
  );
  return {
    analysis: {
      outcome: analysis.outcome,
      verified: analysis.verified,
      at: analysis.at,
      message: analysis.message,
      services: Object.entries(analysis.services).map(([service, s]) => ({
        service,
        revision: s.revision,
        ...(s.previousRevision === undefined ? {} : { previousRevision: s.previousRevision }),
        phase: s.phase,
        message: s.message,
        metrics: s.metrics.map((m) => ({
          metric: m.metric,
          phase: m.phase,
          measurements: m.measurements,
          ...(m.value === undefined ? {} : { value: m.value }),
          threshold: thresholds[m.metric] ?? "not in pipeline.yaml's analysis for this environment",
          message: m.message,
        })),
      })),
    },
  };
}

function recordImages(config: PipelineConfig | undefined, release: ReleaseRecord): ReportImage[] {
  return order(config, release.images).map((service) => {
    const digest = release.digests[service];
    const revision = release.revisions?.[service];
    return {
      service,
      image: release.images[service] ?? "",
      ...(digest === undefined ? {} : { digest }),
      ...(revision === undefined ? {} : { revision }),
    };
  });
}

function requestedImages(facts: ReportFacts): ReportImage[] {
  const requested = facts.requested ?? {};
  return order(facts.config, requested).map((service) => withDigest(service, requested[service] ?? ""));
}

function withDigest(service: string, image: string): ReportImage {
  const at = image.lastIndexOf("@");
  return { service, image, ...(at < 0 ? {} : { digest: image.slice(at + 1) }) };
}

// Dependency order when the config was loaded (the order the release went in), else the images' own order.
function order(config: PipelineConfig | undefined, images: Readonly<Record<string, string>>): string[] {
  const services = Object.keys(images);
  if (!config) return services;
  const ordered = dependencyOrder(config).filter((s) => services.includes(s));
  return [...ordered, ...services.filter((s) => !ordered.includes(s))];
}
