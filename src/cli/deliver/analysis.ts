// What deploy and promote share about analysis: the flag that points them at Prometheus, read the same way by
// both, and how a release's verdict is printed under their result.
import { z } from "zod";
import type { ReleaseAnalysis } from "../../delivery/release-records.js";
import type { Writer } from "../runner.js";
import { UsageError } from "../usage.js";
import { REPORT_OPTIONS } from "./report.js";
import { COMMON_OPTIONS } from "./shared.js";

/** Environment variable read when --prometheus-url is not given. */
export const PROMETHEUS_URL_VARIABLE = "PROMETHEUS_URL";

export const ANALYSIS_OPTIONS = { "prometheus-url": { type: "string" } } as const;

export const ANALYSIS_USAGE = `--prometheus-url <url>: the Prometheus HTTP API the environment's analysis queries
                        (default $${PROMETHEUS_URL_VARIABLE}); without it an environment with analysis records
                        the release as not analysed, and it cannot be promoted from there`;

/** Synthetic load during the analysis: the storefront it shops at (pipeline.yaml's analysis.load sets how much). */
export const LOAD_OPTIONS = { "load-url": { type: "string" } } as const;

/** The flags of every command that runs an analysis (deploy, promote, analyze), besides its own. */
export const ANALYSING_COMMAND_OPTIONS = {
  ...COMMON_OPTIONS,
  ...ANALYSIS_OPTIONS,
  ...LOAD_OPTIONS,
  ...REPORT_OPTIONS,
} as const;

export const LOAD_USAGE = `--load-url <url>: the storefront synthetic shoppers browse, buy from and read the catalog
                        of while the analysis runs (analysis.load in pipeline.yaml, or its defaults), so a quiet
                        environment still has requests to measure; purchases are real orders`;

const httpUrl = (example: string) =>
  z
    .url({ protocol: /^https?$/, error: `must be an http:// or https:// URL, e.g. ${example}` })
    .transform((url) => url.replace(/\/+$/, ""));

const prometheusUrl = httpUrl("http://prometheus.monitoring:9090");
const storefrontUrl = httpUrl("http://127.0.0.1:3000");

/** The Prometheus URL from --prometheus-url, else $PROMETHEUS_URL; undefined when neither is set. */
export function prometheusUrlOf(
  values: { "prometheus-url"?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const given = values["prometheus-url"] ?? (env[PROMETHEUS_URL_VARIABLE] || undefined);
  if (given === undefined) return undefined;
  const parsed = prometheusUrl.safeParse(given);
  if (!parsed.success) {
    const source = values["prometheus-url"] !== undefined ? "--prometheus-url" : `$${PROMETHEUS_URL_VARIABLE}`;
    throw new UsageError(`${source} "${given}" ${parsed.error.issues[0]?.message}`);
  }
  return parsed.data;
}

/** The storefront URL from --load-url; undefined when not given. */
export function loadUrlOf(values: { "load-url"?: string | undefined }): string | undefined {
  const given = values["load-url"];
  return given === undefined ? undefined : storefrontUrlOf("--load-url", given);
}

/** A storefront origin given as `flag`, without a trailing slash; a usage error naming the flag otherwise. */
export function storefrontUrlOf(flag: string, given: string): string {
  const parsed = storefrontUrl.safeParse(given);
  if (!parsed.success) throw new UsageError(`${flag} "${given}" ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** The analysis verdict under a deploy's or a promotion's result: one line, then one per service judged. */
export function writeAnalysis(out: Writer, analysis: ReleaseAnalysis | undefined): void {
  if (!analysis) return;
  out.write(`analysis: ${analysis.outcome}${analysis.verified ? ", verified" : ", not verified"} at ${analysis.at}\n`);
  if (analysis.outcome === "NotRun") out.write(`  ${analysis.message}\n`);
  for (const [service, s] of Object.entries(analysis.services)) {
    const metrics = s.metrics.map((m) => `${m.metric} ${m.phase} [${(m.value ?? []).join(", ")}]`).join(", ");
    out.write(`  ${service.padEnd(12)} ${s.phase} revision ${s.revision}${metrics ? `: ${metrics}` : ""}\n`);
  }
}
