import { z } from "zod";
import { conditionProblem } from "../delivery/analysis/condition.js";
import { durationMs, isDuration } from "../delivery/analysis/duration.js";
import { QUERY_PLACEHOLDERS, unknownPlaceholders } from "../delivery/analysis/query.js";
import { loadSchema, refineLoadDuration } from "./load-schema.js";
import { scalingSchema } from "./scaling-schema.js";

/** The environments a release moves through, in no particular order (the promotion chain sets the order). */
export const ENVIRONMENT_NAMES = ["dev", "staging", "prod"] as const;
export type EnvironmentName = (typeof ENVIRONMENT_NAMES)[number];

// Service names become Kubernetes object names and DNS names, so they follow DNS-1123 label rules.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;
// Names that look like credentials must come from a Secret, never from the plain `env` map.
const SECRET_LOOKING = /(SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE_KEY|API_KEY)/;
const REGISTRY_HOST = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?$/;
// OCI distribution spec: path components separated by "/".
const REPOSITORY = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
// A registry host with an optional path prefix, as `publish --registry` takes it: ghcr.io/acme, 127.0.0.1:5000.
const REGISTRY_PREFIX = /^[a-zA-Z0-9]([a-zA-Z0-9.-]*[a-zA-Z0-9])?(:[0-9]{1,5})?(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const HTTP_PATH = /^\/[A-Za-z0-9._~!$&'()*+,;=:@/-]*$/;
const PERCENT = /^(100|[1-9]?[0-9])%$/;
/** A Kubernetes label key: an optional DNS-subdomain prefix and `/`, then a name of up to 63 characters. */
const LABEL_KEY = /^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
/** A Kubernetes label value: empty, or up to 63 characters starting and ending alphanumeric. */
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

const dnsLabel = (what: string) =>
  z
    .string()
    .max(63, `must be at most 63 characters (${what} is a DNS-1123 label)`)
    .regex(DNS_LABEL, `must be ${what}: lowercase letters, digits and '-', starting and ending alphanumeric`);

const port = z.int().min(1, "must be at least 1").max(65535, "must be at most 65535");
const positiveInt = z.int().min(1, "must be at least 1");
const ratio = z.number().gt(0, "must be greater than 0").lt(1, "must be less than 1");
/** An absolute count of pods or a percentage string, as Kubernetes accepts for maxSurge and maxUnavailable. */
const intOrPercent = z.union([
  z.int().min(0, "must be at least 0"),
  z.string().regex(PERCENT, 'must be a percentage like "25%"'),
]);

/** Where images are pushed: `<host>/<repository>/<service>`. */
export const registrySchema = z.strictObject({
  host: z.string().regex(REGISTRY_HOST, "must be a host name with an optional :port").default("127.0.0.1:5000"),
  repository: z.string().regex(REPOSITORY, "must be lowercase path components separated by '/' (e.g. shop)"),
});

/** One deployable service: where its workspace lives, how it is probed, whom it calls and what it reads. */
export const serviceSchema = z
  .strictObject({
    path: z
      .string()
      .min(1, "must not be empty")
      .refine((p) => !p.startsWith("/") && !p.split("/").includes(".."), "must be a path inside the repository"),
    port,
    healthPath: z.string().regex(HTTP_PATH, "must be an absolute HTTP path").default("/healthz"),
    readinessPath: z.string().regex(HTTP_PATH, "must be an absolute HTTP path").default("/readyz"),
    calls: z.array(dnsLabel("a service name")).default([]),
    /** Plain, non-secret variables; numbers and booleans are written as strings, as Kubernetes wants them. */
    env: z
      .record(
        z.string().regex(ENV_VAR_NAME, "must be an environment variable name (A-Z, 0-9, _)"),
        z.union([z.string(), z.number(), z.boolean()]).transform(String),
      )
      .default({}),
    /** Names of variables read from the service's Kubernetes Secret; values never appear in this file. */
    secrets: z.array(z.string().regex(ENV_VAR_NAME, "must be an environment variable name (A-Z, 0-9, _)")).default([]),
    database: z.boolean().default(false),
  })
  .superRefine((service, ctx) => {
    for (const name of Object.keys(service.env)) {
      if (service.secrets.includes(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["env", name],
          message: "is also listed in secrets: give it only once",
          params: { code: "conflict" },
        });
      } else if (SECRET_LOOKING.test(name)) {
        ctx.addIssue({
          code: "custom",
          path: ["env", name],
          message: "looks like a credential: list it under secrets",
          params: { code: "secret_in_env" },
        });
      } else if (name === "PORT") {
        ctx.addIssue({
          code: "custom",
          path: ["env", name],
          message: "is set from the service's port",
          params: { code: "conflict" },
        });
      }
    }
    const seen = new Set<string>();
    service.secrets.forEach((name, index) => {
      if (seen.has(name))
        ctx.addIssue({
          code: "custom",
          path: ["secrets", index],
          message: `${name} is listed twice`,
          params: { code: "conflict" },
        });
      seen.add(name);
    });
  });

const servicesSchema = z
  .record(dnsLabel("a service name"), serviceSchema)
  .refine((services) => Object.keys(services).length > 0, "must declare at least one service")
  .superRefine((services, ctx) => {
    for (const [name, service] of Object.entries(services)) {
      service.calls.forEach((callee, index) => {
        if (callee === name) {
          ctx.addIssue({
            code: "custom",
            path: [name, "calls", index],
            message: "a service cannot call itself",
            params: { code: "call_cycle" },
          });
        } else if (!(callee in services)) {
          ctx.addIssue({
            code: "custom",
            path: [name, "calls", index],
            message: `calls unknown service "${callee}" (declared: ${Object.keys(services).join(", ")})`,
            params: { code: "unknown_service" },
          });
        }
      });
    }
    for (const cycle of findCycles(services)) {
      const [first, second] = cycle;
      if (first === undefined || second === undefined) continue;
      const index = services[first]?.calls.indexOf(second) ?? 0;
      ctx.addIssue({
        code: "custom",
        path: [first, "calls", index],
        message: `call cycle: ${cycle.join(" → ")}`,
        params: { code: "call_cycle" },
      });
    }
  });

const autoscalingSchema = z
  .strictObject({
    min: positiveInt,
    max: positiveInt,
    targetCPUUtilization: z.int().min(1, "must be at least 1").max(100, "must be at most 100"),
  })
  .superRefine((a, ctx) => {
    if (a.min > a.max)
      ctx.addIssue({
        code: "custom",
        path: ["min"],
        message: `must not exceed max (${a.max})`,
        params: { code: "conflict" },
      });
  });

const labelKey = z.string().regex(LABEL_KEY, "must be a Kubernetes label key (e.g. example.com/pool)");
const labelValue = z.string().regex(LABEL_VALUE, "must be a Kubernetes label value (at most 63 characters)");

/** Where an environment's pods may run: node labels they need and node taints they tolerate. */
const schedulingSchema = z.strictObject({
  nodeSelector: z.record(labelKey, labelValue).default({}),
  tolerations: z
    .array(
      z
        .strictObject({
          key: labelKey,
          operator: z.enum(["Equal", "Exists"]).default("Equal"),
          value: labelValue.optional(),
          effect: z.enum(["NoSchedule", "PreferNoSchedule", "NoExecute"]).optional(),
        })
        .refine((t) => !(t.operator === "Exists" && t.value !== undefined), {
          path: ["value"],
          message: "must be left out when operator is Exists",
        }),
    )
    .default([]),
});

const duration = z.string().refine(isDuration, 'must be a duration such as "10s", "1m30s" or "500ms"');
const limit = (fallback: number) => z.int().min(0, "must be at least 0").default(fallback);
/** A successCondition or failureCondition: parsed here so a typo fails validation, not a deploy. */
const condition = z.string().superRefine((text, ctx) => {
  const problem = conditionProblem(text);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});
const REVISION_PLACEHOLDER = /\{\{\s*revision\s*\}\}/;

/** Compare the new revision with the one it replaces, over the same window: new / previous within the bounds. */
const relativeSchema = z
  .strictObject({
    baseline: z.literal("previous"),
    maxRatio: z.number().gt(0, "must be greater than 0").optional(),
    minRatio: z.number().gt(0, "must be greater than 0").optional(),
    /**
     * Bucket upper bounds of the histogram the query estimates a quantile from, in the query's unit. An estimate is
     * only known to within its bucket, so the check fails only when the two revisions' buckets are apart by more
     * than the ratio (new bucket's lower bound > maxRatio × previous bucket's upper bound).
     */
    buckets: z
      .array(z.number().gt(0, "must be greater than 0"))
      .min(1, "must list at least one bucket bound")
      .refine((bounds) => bounds.every((b, i) => i === 0 || b > (bounds[i - 1] as number)), "must be ascending")
      .optional(),
  })
  .superRefine((r, ctx) => {
    if (r.maxRatio === undefined && r.minRatio === undefined) {
      ctx.addIssue({ code: "custom", path: [], message: "needs maxRatio or minRatio", params: { code: "missing" } });
    } else if (r.maxRatio !== undefined && r.minRatio !== undefined && r.minRatio > r.maxRatio) {
      ctx.addIssue({
        code: "custom",
        path: ["minRatio"],
        message: `must not exceed maxRatio (${r.maxRatio})`,
        params: { code: "conflict" },
      });
    }
  });

/** One metric of an environment's analysis, with Argo Rollouts' AnalysisTemplate semantics and defaults. */
const analysisMetricSchema = z
  .strictObject({
    name: dnsLabel("a metric name"),
    /** PromQL with placeholders {{namespace}}, {{service}}, {{revision}} and {{window}}. */
    query: z
      .string()
      .min(1, "must not be empty")
      .superRefine((query, ctx) => {
        for (const name of unknownPlaceholders(query))
          ctx.addIssue({
            code: "custom",
            message: `uses unknown placeholder {{${name}}} (known: ${QUERY_PLACEHOLDERS.map((p) => `{{${p}}}`).join(", ")})`,
          });
      }),
    successCondition: condition.optional(),
    failureCondition: condition.optional(),
    failureLimit: limit(0),
    inconclusiveLimit: limit(0),
    consecutiveErrorLimit: limit(4),
    relative: relativeSchema.optional(),
  })
  .superRefine((metric, ctx) => {
    if (metric.relative && !REVISION_PLACEHOLDER.test(metric.query))
      ctx.addIssue({
        code: "custom",
        path: ["query"],
        message: "must select the revision with {{revision}} when relative is set (the baseline is the same query)",
        params: { code: "missing" },
      });
  });

/** How a new revision is judged against Prometheus before it is kept: every interval, count times, after a delay. */
export const analysisSchema = z
  .strictObject({
    interval: duration.default("10s"),
    count: positiveInt.default(6),
    /** A whole window of the new revision before the first measurement: rate() needs two scrapes, pods warm up. */
    initialDelay: duration.default("1m"),
    /** Range of rate() and friends in the queries ({{window}}). */
    window: duration.default("1m"),
    /** Default: error ratio, p99 latency and availability from the environment's slo. */
    metrics: z
      .array(analysisMetricSchema)
      .min(1, "must list at least one metric (leave metrics out for the defaults from slo)")
      .optional(),
    /** Synthetic shoppers while the analysis runs (docs/pipeline.md, Traffic during analysis); none without it. */
    load: loadSchema.optional(),
  })
  .superRefine((analysis, ctx) => {
    const seen = new Set<string>();
    analysis.metrics?.forEach((metric, index) => {
      if (seen.has(metric.name))
        ctx.addIssue({
          code: "custom",
          path: ["metrics", index, "name"],
          message: `${metric.name} is listed twice`,
          params: { code: "conflict" },
        });
      seen.add(metric.name);
    });
  })
  .superRefine(refineLoadDuration);

/** One environment: where it runs, how big it is, where its releases come from and what it promises. */
export const environmentSchema = z
  .strictObject({
    namespace: dnsLabel("a Kubernetes namespace"),
    /** Where this environment pulls images from (host and optional path prefix); default: registry.host. */
    registry: z
      .string()
      .regex(REGISTRY_PREFIX, "must be a registry host with an optional :port and path prefix (e.g. ghcr.io/acme)")
      .optional(),
    replicas: positiveInt.optional(),
    autoscaling: autoscalingSchema.optional(),
    promotion: z.strictObject({
      from: z.enum(ENVIRONMENT_NAMES, { message: `must be one of ${ENVIRONMENT_NAMES.join(", ")} or null` }).nullable(),
      /** Promotion into this environment needs an approver (deliver promote --approve <who>). */
      requiresApproval: z.boolean(),
      /**
       * When `from` has analysis configured, its current release needs a Successful analysis at most this old to be
       * promoted here.
       */
      analysisMaxAge: duration
        .refine((d) => !isDuration(d) || durationMs(d) > 0, "must be longer than 0s (e.g. 24h)")
        .default("24h"),
    }),
    slo: z.strictObject({
      availability: ratio,
      p99LatencyMs: positiveInt,
      errorRate: z.number().min(0, "must be at least 0").lt(1, "must be less than 1"),
    }),
    rollout: z.strictObject({
      maxUnavailable: intOrPercent,
      maxSurge: intOrPercent,
      progressDeadlineSeconds: positiveInt,
      /**
       * A container of the new revision that has restarted this many times and is not running fails the rollout at
       * once (CrashLoopBackOff), rather than at the progress deadline; 0 leaves it to the deadline.
       */
      failAfterRestarts: z.int().min(0, "must be at least 0 (0: wait for the progress deadline)").default(2),
    }),
    scheduling: schedulingSchema.optional(),
    analysis: analysisSchema.optional(),
    /** How `deliver watch` may scale out on saturation and back (docs/pipeline.md, Scaling). */
    scaling: scalingSchema.optional(),
  })
  .superRefine((env, ctx) => {
    if (env.replicas !== undefined && env.autoscaling !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["autoscaling"],
        message: "give either replicas or autoscaling, not both",
        params: { code: "conflict" },
      });
    } else if (env.replicas === undefined && env.autoscaling === undefined) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "needs either replicas or autoscaling",
        params: { code: "missing" },
      });
    }
    const zero = (v: number | string) => v === 0 || v === "0%";
    if (zero(env.rollout.maxUnavailable) && zero(env.rollout.maxSurge)) {
      ctx.addIssue({
        code: "custom",
        path: ["rollout", "maxSurge"],
        message: "maxSurge and maxUnavailable cannot both be 0 (the rollout could never progress)",
        params: { code: "conflict" },
      });
    }
  });

const environmentsSchema = z
  .strictObject({ dev: environmentSchema, staging: environmentSchema, prod: environmentSchema })
  .superRefine((envs, ctx) => {
    const names = ENVIRONMENT_NAMES;
    const byNamespace = new Map<string, string>();
    for (const name of names) {
      const other = byNamespace.get(envs[name].namespace);
      if (other) {
        ctx.addIssue({
          code: "custom",
          path: [name, "namespace"],
          message: `is already used by ${other}`,
          params: { code: "conflict" },
        });
      }
      byNamespace.set(envs[name].namespace, name);
    }
    let broken = false;
    for (const name of names) {
      if (envs[name].promotion.from === name) {
        ctx.addIssue({
          code: "custom",
          path: [name, "promotion", "from"],
          message: "cannot promote from itself",
          params: { code: "promotion_cycle" },
        });
        broken = true;
      }
    }
    const cycle = promotionCycle(envs);
    if (cycle) {
      ctx.addIssue({
        code: "custom",
        path: [cycle[0] as string, "promotion", "from"],
        message: `promotion cycle: ${cycle.join(" → ")}`,
        params: { code: "promotion_cycle" },
      });
      broken = true;
    }
    const roots = names.filter((n) => envs[n].promotion.from === null);
    if (roots.length === 0 && !broken) {
      ctx.addIssue({
        code: "custom",
        path: [],
        message: "one environment must have promotion.from: null",
        params: { code: "promotion_chain" },
      });
    }
    for (const extra of roots.slice(1)) {
      ctx.addIssue({
        code: "custom",
        path: [extra, "promotion", "from"],
        message: `only one environment may have promotion.from: null (${roots[0]} already has)`,
        params: { code: "promotion_chain" },
      });
    }
    // A chain, not a tree: one environment is promoted from each source at most.
    const promotedFrom = new Map<string, string>();
    for (const name of names) {
      const from = envs[name].promotion.from;
      if (from === null || from === name) continue;
      const earlier = promotedFrom.get(from);
      if (earlier) {
        ctx.addIssue({
          code: "custom",
          path: [name, "promotion", "from"],
          message: `${earlier} is already promoted from ${from}: promotion must be a single chain`,
          params: { code: "promotion_chain" },
        });
      }
      promotedFrom.set(from, name);
    }
  });

/** The whole of pipeline.yaml. */
export const pipelineSchema = z.strictObject({
  registry: registrySchema,
  services: servicesSchema,
  environments: environmentsSchema,
});

/** pipeline.yaml after validation, with defaults filled in. */
export type PipelineConfig = z.output<typeof pipelineSchema>;
/** pipeline.yaml as written, before defaults. */
export type PipelineConfigInput = z.input<typeof pipelineSchema>;
export type ServiceConfig = PipelineConfig["services"][string];
export type EnvironmentConfig = PipelineConfig["environments"][EnvironmentName];
export type RegistryConfig = PipelineConfig["registry"];
/** An environment's analysis block after validation, defaults filled in. */
export type AnalysisConfig = z.output<typeof analysisSchema>;
export type AnalysisMetricConfig = NonNullable<AnalysisConfig["metrics"]>[number];
export type SloConfig = EnvironmentConfig["slo"];

/** Every elementary cycle of the call graph, once each, starting at its alphabetically first service. */
function findCycles(services: Record<string, { calls: string[] }>): string[][] {
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const names = Object.keys(services).sort();
  const visit = (start: string, node: string, trail: string[]) => {
    for (const next of services[node]?.calls ?? []) {
      if (next === start && trail.length > 1) {
        const key = [...trail].sort().join(",");
        if (!seen.has(key)) {
          seen.add(key);
          cycles.push([...trail, start]);
        }
      } else if (next > start && !trail.includes(next) && next in services) {
        visit(start, next, [...trail, next]);
      }
    }
  };
  for (const name of names) visit(name, name, [name]);
  return cycles;
}

/** The environments on a promotion cycle, in promotion order and closed (a → b → a), or undefined. */
function promotionCycle(envs: Record<EnvironmentName, { promotion: { from: EnvironmentName | null } }>) {
  for (const start of ENVIRONMENT_NAMES) {
    const trail: EnvironmentName[] = [start];
    let current = envs[start].promotion.from;
    while (current !== null && current !== start && !trail.includes(current)) {
      trail.push(current);
      current = envs[current].promotion.from;
    }
    if (current === start && trail.length > 1) {
      // trail follows "from" links backwards; reverse it so it reads in promotion order.
      return [start, ...trail.slice(1).reverse(), start];
    }
  }
  return undefined;
}
