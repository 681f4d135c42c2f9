import { parseArgs } from "node:util";
import { PerfGateFailedError } from "../../delivery/errors.js";
import { runPerfGate } from "../../delivery/perf-gate.js";
import type { Command } from "../runner.js";
import { UsageError } from "../usage.js";
import { PROMETHEUS_URL_VARIABLE, prometheusUrlOf, storefrontUrlOf, writeAnalysis } from "./analysis.js";
import { loadConfig, progressLogger, required } from "./shared.js";

export const PERF_GATE_USAGE = `  deliver perf-gate --env <env> --prometheus-url <url> --candidate-url <url> --baseline-url <url>
                    --candidate <service>=sha256:<digest> … --baseline <service>=sha256:<digest> …
                        the candidate shop against the baseline shop (the environment's current images), both
                        running and scraped by Prometheus: synthetic shoppers on both storefronts at the
                        environment's analysis.load, and its analysis judging each service whose digest differs
                        against the baseline's at the same moments; exits 1 unless Successful. Needs no cluster:
                        the Dagger function perf-gate starts both shops and Prometheus as services.
                        --candidate / --baseline: each service's image digest on that side, repeated, one per service
                        --prometheus-url: the Prometheus HTTP API to query (default $${PROMETHEUS_URL_VARIABLE})`;

export const perfGate: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string" },
      env: { type: "string" },
      "prometheus-url": { type: "string" },
      "candidate-url": { type: "string" },
      "baseline-url": { type: "string" },
      candidate: { type: "string", multiple: true },
      baseline: { type: "string", multiple: true },
    },
  });
  const env = required(values.env, "--env");
  const prometheusUrl = prometheusUrlOf(values);
  if (prometheusUrl === undefined)
    throw new UsageError(`perf-gate needs --prometheus-url <url> (or $${PROMETHEUS_URL_VARIABLE}): it asks Prometheus`);
  const candidateUrl = storefrontUrlOf("--candidate-url", required(values["candidate-url"], "--candidate-url"));
  const baselineUrl = storefrontUrlOf("--baseline-url", required(values["baseline-url"], "--baseline-url"));
  const config = await loadConfig(values.config);
  if (!(env in config.environments))
    throw new UsageError(
      `--env ${env} is not an environment of pipeline.yaml (${Object.keys(config.environments).join(", ")})`,
    );
  const result = await runPerfGate({
    config,
    env: env as keyof typeof config.environments,
    prometheusUrl,
    candidate: { storefrontUrl: candidateUrl, digests: digestPairs("--candidate", values.candidate) },
    baseline: { storefrontUrl: baselineUrl, digests: digestPairs("--baseline", values.baseline) },
    logger: progressLogger(io),
  });
  io.out.write(`perf gate against ${env}'s current images:\n`);
  writeAnalysis(io.out, result);
  if (result.outcome !== "Successful" && result.outcome !== "NotRun") {
    throw new PerfGateFailedError(result.outcome, result.message);
  }
};

/** `service=sha256:…` flags as a record; a flag without `=` or given twice for a service is a usage error. */
export function digestPairs(flag: string, pairs: readonly string[] | undefined): Record<string, string> {
  const digests: Record<string, string> = {};
  for (const pair of pairs ?? []) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new UsageError(`${flag} "${pair}" is not <service>=sha256:<digest>`);
    const service = pair.slice(0, at);
    if (service in digests) throw new UsageError(`${flag} names ${service} twice`);
    digests[service] = pair.slice(at + 1);
  }
  if (Object.keys(digests).length === 0) throw new UsageError(`missing ${flag} <service>=sha256:<digest>`);
  return digests;
}
