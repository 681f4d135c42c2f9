// Engine-free: the deliver CLI's command lines for one environment, checked before a container starts, and the one
// line of its stderr that says why it failed.
import { declaredName, type PipelineConfig } from "../../config/index.js";
import { isDuration } from "../../delivery/analysis/duration.js";
import { isPinnedReference, parseImagePair } from "../../delivery/manifests/release.js";

/** The deliver CLI as the pipeline's containers run it, from the repository root (pipeline.yaml in the workdir). */
export const DELIVER_COMMAND = ["node_modules/.bin/tsx", "--conditions=source", "src/cli/deliver.ts"] as const;

/** What a command line is checked against: the names pipeline.yaml declares. */
export interface DeliveryTargets {
  readonly services: readonly string[];
  readonly environments: readonly string[];
}

/** The service and environment names of pipeline.yaml, in the file's order. */
export function deliveryTargets(config: PipelineConfig): DeliveryTargets {
  return { services: Object.keys(config.services), environments: Object.keys(config.environments) };
}

/** What `deploy` releases. */
export interface DeployRequest {
  /** `service=image@sha256:<digest>`, or the bare reference publish prints (its repository ends with the service). */
  readonly images: readonly string[];
  /** Recorded with the release; the CLI picks one when absent. */
  readonly revision?: string;
  /** Deploy even an image that was rolled back before. */
  readonly force?: boolean;
  /** Seconds to wait for each rollout. */
  readonly timeoutSeconds?: number;
  /** Prometheus the environment's analysis asks once every rollout is Ready (http or https URL). */
  readonly prometheusUrl?: string;
  /** The storefront synthetic shoppers use while the analysis runs (http or https URL). */
  readonly loadUrl?: string;
}

/** What `promote` needs beyond the two environments. */
export interface PromoteRequest {
  /** Who approves, for a target environment with `promotion.requiresApproval`. */
  readonly approvedBy?: string;
  /** Prometheus the target environment's analysis asks after the rollout. */
  readonly prometheusUrl?: string;
  /** The target's storefront synthetic shoppers use while that analysis runs. */
  readonly loadUrl?: string;
}

/** `name` when pipeline.yaml declares that environment; otherwise an error listing the declared ones. */
export function environmentName(targets: DeliveryTargets, name: string): string {
  return declaredName("environment", name, targets.environments);
}

/**
 * `deploy --env=<env> --image=<service>=<ref> … [--revision=…] [--force] [--timeout=…] [--prometheus-url=…
 * [--load-url=…]]`.
 */
export function deployArgs(targets: DeliveryTargets, env: string, request: DeployRequest): string[] {
  const args = ["deploy", `--env=${environmentName(targets, env)}`];
  for (const pair of imagePairs(targets, request.images)) args.push(`--image=${pair}`);
  if (request.revision) args.push(`--revision=${request.revision}`);
  if (request.force) args.push("--force");
  if (request.timeoutSeconds !== undefined) {
    args.push(`--timeout=${wholeNumber("timeout", request.timeoutSeconds, 1)}`);
  }
  return [...args, ...analysisFlags(request)];
}

/** `analyze --env=<env> --prometheus-url=… [--load-url=…]`: judge what the environment runs now. */
export function analyzeArgs(targets: DeliveryTargets, env: string, prometheusUrl: string, loadUrl?: string): string[] {
  return ["analyze", `--env=${environmentName(targets, env)}`, ...analysisFlags({ prometheusUrl, loadUrl })];
}

/** How long `watch` runs: one pass, or a duration such as `1h`. */
export type WatchBound = { readonly once: true } | { readonly for: string };

/** `watch --env=<env> (--once | --for=<duration>) [--service=…]… --prometheus-url=…`. */
export function watchArgs(
  targets: DeliveryTargets,
  env: string,
  prometheusUrl: string,
  bound: WatchBound,
  services: readonly string[] = [],
): string[] {
  const args = ["watch", `--env=${environmentName(targets, env)}`];
  if ("once" in bound) args.push("--once");
  else if (isDuration(bound.for)) args.push(`--for=${bound.for}`);
  else throw new Error(`for: "${bound.for}" is not a duration such as 30m or 1h`);
  for (const service of services) args.push(`--service=${serviceName(targets, service)}`);
  return [...args, ...analysisFlags({ prometheusUrl })];
}

/** `rollback --env=<env> [--service=…] [--to-revision=…]`; without a service the whole environment goes back. */
export function rollbackArgs(targets: DeliveryTargets, env: string, service?: string, toRevision?: number): string[] {
  const args = ["rollback", `--env=${environmentName(targets, env)}`];
  if (service) args.push(`--service=${serviceName(targets, service)}`);
  if (toRevision !== undefined) {
    if (!service) throw new Error("toRevision needs a service: revisions are per service");
    args.push(`--to-revision=${wholeNumber("toRevision", toRevision, 1)}`);
  }
  return args;
}

/** `scale --env=<env> --service=<service> --replicas=<n>`. */
export function scaleArgs(targets: DeliveryTargets, env: string, service: string, replicas: number): string[] {
  return [
    "scale",
    `--env=${environmentName(targets, env)}`,
    `--service=${serviceName(targets, service)}`,
    `--replicas=${wholeNumber("replicas", replicas, 0)}`,
  ];
}

/** `status --env=<env> [--json]`. */
export function statusArgs(targets: DeliveryTargets, env: string, json: boolean): string[] {
  const args = ["status", `--env=${environmentName(targets, env)}`];
  return json ? [...args, "--json"] : args;
}

/**
 * `promote --from=<env> --to=<env> [--approve=<who>] [--prometheus-url=… [--load-url=…]]`: what runs in `from`,
 * deployed to `to`.
 */
export function promoteArgs(
  targets: DeliveryTargets,
  from: string,
  to: string,
  request: PromoteRequest = {},
): string[] {
  environmentName(targets, from);
  environmentName(targets, to);
  if (from === to) throw new Error(`cannot promote ${from} to itself`);
  const args = ["promote", `--from=${from}`, `--to=${to}`];
  if (request.approvedBy !== undefined) {
    const approver = request.approvedBy.trim();
    if (!approver) throw new Error("approve: name who approves (e.g. --approve=jane@example.com)");
    args.push(`--approve=${approver}`);
  }
  return [...args, ...analysisFlags(request)];
}

// A storefront for synthetic load only makes sense with a Prometheus to judge what it does.
function analysisFlags(request: { prometheusUrl?: string | undefined; loadUrl?: string | undefined }): string[] {
  const flags: string[] = [];
  if (request.prometheusUrl !== undefined)
    flags.push(
      `--prometheus-url=${httpUrl("prometheusUrl", request.prometheusUrl, "http://prometheus.monitoring:9090")}`,
    );
  if (request.loadUrl !== undefined) {
    if (request.prometheusUrl === undefined)
      throw new Error("loadUrl needs prometheusUrl: the load is there for the analysis");
    flags.push(`--load-url=${httpUrl("loadUrl", request.loadUrl, "http://storefront.shop-staging:3000")}`);
  }
  return flags;
}

function httpUrl(field: string, value: string, example: string): string {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
    throw new Error(`${field}: "${value}" is not an http(s) URL (e.g. ${example})`);
  }
  return value;
}

/**
 * Why the CLI failed, in one line: a usage error (exit 2) prints its message first and the usage after it; any
 * other failure prints progress first and the error last.
 */
export function deliverFailure(args: readonly string[], exitCode: number, stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const line = (exitCode === 2 ? lines[0] : lines.at(-1)) ?? "(no output on stderr)";
  return `deliver ${args[0] ?? ""} failed (exit ${exitCode}): ${line}`;
}

function imagePairs(targets: DeliveryTargets, images: readonly string[]): string[] {
  if (images.length === 0) throw new Error("images: give at least one [service=]image@sha256:<digest>");
  const seen = new Set<string>();
  return images.map((pair) => {
    const trimmed = pair.trim();
    // a bare reference must be pinned to say which service it is for
    const parsed = trimmed.includes("=") || isPinnedReference(trimmed) ? parseImagePair(trimmed) : undefined;
    if (!parsed) {
      throw new Error(
        `images: "${pair}" is neither service=image nor an image pinned by digest (e.g. api=registry.example.com/shop/api@sha256:…)`,
      );
    }
    const { service, image } = parsed;
    if (!targets.services.includes(service)) {
      const known = targets.services.join(", ");
      throw new Error(`images: "${pair}" names no service of pipeline.yaml (it declares: ${known})`);
    }
    if (!isPinnedReference(image)) {
      throw new Error(
        `images: "${pair}" is not pinned by digest: give <image>@sha256:<64 hex digits>, as publish prints it`,
      );
    }
    if (seen.has(service)) throw new Error(`images: ${service} is given more than once`);
    seen.add(service);
    return `${service}=${image}`;
  });
}

function serviceName(targets: DeliveryTargets, name: string): string {
  return declaredName("service", name, targets.services);
}

function wholeNumber(field: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new Error(`${field} must be a whole number of at least ${min}, got ${value}`);
  }
  return value;
}
