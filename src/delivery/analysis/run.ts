// The analysis run: after the initial delay, every interval, measure each metric that is still running, assess
// it with Argo Rollouts' rules, and stop when every metric is done or one ends Failed, Error or Inconclusive.
// Time comes from the options (clock, sleep), so tests run a whole analysis without waiting.
import type { EnvironmentName, PipelineConfig } from "../../config/schema.js";
import type { Logger } from "../kube.js";
import { assessMetric, EMPTY_TALLY, type MetricAssessment, tally, terminates, worstPhase } from "./assess.js";
import { measure, type PreparedMetric } from "./measure.js";
import { type AnalysisPlan, placeholders, planAnalysis } from "./plan.js";
import { createPrometheusClient, type PrometheusClient } from "./prometheus-client.js";
import type { AnalysisResult, Measurement, MeasurementTally, MetricResult } from "./types.js";

/** Time and logging for a run. */
export interface AnalysisDeps {
  /** Default: Date.now. */
  readonly clock?: { now(): number };
  /** Default: setTimeout. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** One line per measurement (info) and the verdict (info when Successful, warn otherwise). Default: silent. */
  readonly logger?: Logger;
}

/** What {@link runAnalysis} takes. */
export interface RunAnalysisOptions extends AnalysisDeps {
  readonly config: PipelineConfig;
  readonly env: EnvironmentName;
  readonly service: string;
  /** Image digest (`sha256:…`) of the revision under analysis, or its 12-hex label value. */
  readonly revision: string;
  /** The revision it replaces, for relative checks; without it they are skipped. */
  readonly previousRevision?: string;
  /** When to measure that revision (see PlanInput.baselineAt); default: alongside each measurement. */
  readonly baselineAt?: readonly number[];
  /** Base URL of the Prometheus HTTP API, e.g. `http://prometheus.monitoring:9090`. */
  readonly prometheusUrl: string;
  /** Default: the global fetch. */
  readonly fetch?: typeof fetch;
}

const silent: Logger = { info: () => {}, warn: () => {} };
const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Judges a revision of a service in an environment against Prometheus, as its pipeline.yaml analysis says. */
export async function runAnalysis(options: RunAnalysisOptions): Promise<AnalysisResult> {
  const plan = planAnalysis(options);
  const client = createPrometheusClient({
    url: options.prometheusUrl,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return executePlan(plan, client, options);
}

interface MetricState {
  readonly metric: PreparedMetric;
  tally: MeasurementTally;
  assessment: MetricAssessment;
  readonly measurements: Measurement[];
}

/** Runs a resolved plan against a client; the loop behind {@link runAnalysis}. */
export async function executePlan(
  plan: AnalysisPlan,
  client: PrometheusClient,
  deps: AnalysisDeps = {},
): Promise<AnalysisResult> {
  const clock = deps.clock ?? { now: () => Date.now() };
  const sleep = deps.sleep ?? realSleep;
  const logger = deps.logger ?? silent;
  const subject = `${plan.service} revision ${plan.revision} in ${plan.environment} (${plan.namespace})`;
  const context = {
    client,
    clock,
    values: placeholders(plan, plan.revision),
    ...(plan.previousRevision === undefined
      ? {}
      : { baseline: { values: placeholders(plan, plan.previousRevision), at: plan.baselineAt } }),
  };
  const states: MetricState[] = plan.metrics.map((metric) => ({
    metric,
    tally: EMPTY_TALLY,
    assessment: { phase: "Running" },
    measurements: [],
  }));
  const running = () => states.filter((s) => s.assessment.phase === "Running");

  const startedAt = clock.now();
  logger.info(`analysis of ${subject}: ${plan.metrics.map((m) => m.name).join(", ")}`);
  if (plan.initialDelayMs > 0) await sleep(plan.initialDelayMs);

  // Errors do not count toward `count`, but more than consecutiveErrorLimit of them in a row end the metric, so
  // no metric can take more rounds than this.
  const maxRounds = Math.max(
    0,
    ...plan.metrics.map((m) => m.limits.count + (m.limits.count + 1) * m.limits.consecutiveErrorLimit + 1),
  );
  let stoppedEarly = false;
  const firstRound = clock.now();
  for (let round = 0; round < maxRounds && running().length > 0; round++) {
    const measuring = running();
    const measurements = await Promise.all(measuring.map((s) => measure(s.metric, context)));
    measuring.forEach((state, i) => {
      const m = measurements[i] as Measurement;
      state.measurements.push(m);
      state.tally = tally(state.tally, m.phase);
      state.assessment = assessMetric(state.metric.limits, state.tally, false);
      logger.info(
        `analysis ${plan.service} ${state.metric.name} #${state.measurements.length}: ${m.phase}: ${m.message}`,
      );
    });
    if (states.some((s) => terminates(s.assessment.phase))) {
      stoppedEarly = running().length > 0;
      for (const state of running()) state.assessment = assessMetric(state.metric.limits, state.tally, true);
      break;
    }
    if (running().length === 0) break;
    await sleep(Math.max(0, firstRound + (round + 1) * plan.intervalMs - clock.now()));
  }
  for (const state of running()) {
    // Unreachable by the bound above; kept so a bug cannot turn into a silent pass.
    state.assessment = { phase: "Error", message: `still running after ${maxRounds} rounds` };
  }

  const metrics: MetricResult[] = states.map((s) => {
    const assessment = s.assessment as Exclude<MetricAssessment, { phase: "Running" }>;
    return {
      name: s.metric.name,
      phase: assessment.phase,
      message: assessment.message,
      ...s.tally,
      measurements: s.measurements,
    };
  });
  const phase = worstPhase(metrics.map((m) => m.phase));
  const result: AnalysisResult = {
    phase,
    message: verdict(subject, phase, metrics),
    environment: plan.environment,
    namespace: plan.namespace,
    service: plan.service,
    revision: plan.revision,
    ...(plan.previousRevision === undefined ? {} : { previousRevision: plan.previousRevision }),
    startedAt: new Date(startedAt).toISOString(),
    finishedAt: new Date(clock.now()).toISOString(),
    stoppedEarly,
    metrics,
  };
  (phase === "Successful" ? logger.info : logger.warn).call(logger, result.message);
  return result;
}

function verdict(subject: string, phase: string, metrics: readonly MetricResult[]): string {
  const total = metrics.reduce((n, m) => n + m.measurements.length, 0);
  if (phase === "Successful")
    return `analysis of ${subject}: Successful (${metrics.length} metrics, ${total} measurements)`;
  const bad = metrics
    .filter((m) => m.phase !== "Successful")
    .map((m) => {
      const last = m.measurements[m.measurements.length - 1];
      return `${m.name} ${m.phase}, ${m.message}${last ? ` (last: ${last.message})` : ""}`;
    });
  return `analysis of ${subject}: ${phase}: ${bad.join("; ")}`;
}
