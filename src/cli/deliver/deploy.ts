import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { z } from "zod";
import type { PipelineConfig } from "../../config/index.js";
import { DeliveryError } from "../../delivery/errors.js";
import type { Logger } from "../../delivery/kube.js";
import {
  assertEnvironment,
  parseImagePair,
  parseReleaseImages,
  type ReleaseInput,
} from "../../delivery/manifests/index.js";
import { deployRelease } from "../../delivery/release-deploy.js";
import { type ReleaseRecord, readReleaseRecords } from "../../delivery/release-records.js";
import type { Command } from "../runner.js";
import { UsageError } from "../usage.js";
import {
  ANALYSING_COMMAND_OPTIONS,
  ANALYSIS_USAGE,
  LOAD_USAGE,
  loadUrlOf,
  prometheusUrlOf,
  writeAnalysis,
} from "./analysis.js";
import { reportDestination, withReport } from "./report.js";
import { connect, loadConfig, progressLogger, required, timeoutMs } from "./shared.js";

export const DEPLOY_USAGE = `  deliver deploy --env <env> (--image [<service>=]<image@sha256:...> ... | --release <file.json>)
                 [--revision <label>] [--git-sha <sha>] [--force] [--lock-timeout <seconds>]
                 [--prometheus-url <url> [--load-url <url>]] [--report-dir <dir>]
                        roll a release out service by service in dependency order, then run the
                        environment's analysis (if configured) on what changed; a failure or a Failed
                        analysis rolls back what the release changed, an Inconclusive one exits 1 and
                        leaves the release unverified. Services not given keep the environment's current
                        image; an image without <service>= is for the service its repository ends with.
                        --release: JSON {"images": {"<service>": "<image>"}, "revision"?, "gitSha"?}
                        --force: deploy images an earlier rollback marked as bad
                        ${ANALYSIS_USAGE}
                        ${LOAD_USAGE}`;

const releaseFile = z
  .object({
    images: z.record(z.string(), z.string()),
    revision: z.string().optional(),
    gitSha: z.string().optional(),
  })
  .strict();

export const deploy: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      ...ANALYSING_COMMAND_OPTIONS,
      env: { type: "string" },
      image: { type: "string", multiple: true },
      release: { type: "string" },
      revision: { type: "string" },
      "git-sha": { type: "string" },
      force: { type: "boolean" },
      "lock-timeout": { type: "string" },
    },
  });
  await withReport("deploy", reportDestination(values), io, async (learn) => {
    const env = required(values.env, "--env");
    learn({ env });
    if ((values.image === undefined) === (values.release === undefined)) {
      throw new UsageError("give the images with --image <service>=<image> (repeated) or --release <file>, not both");
    }
    const given = values.release ? await readReleaseFile(values.release) : { images: imagePairs(values.image ?? []) };
    learn({ requested: given.images });
    const input: ReleaseInput = {
      ...given,
      ...(values.revision !== undefined ? { revision: values.revision } : {}),
      ...(values["git-sha"] !== undefined ? { gitSha: values["git-sha"] } : {}),
    };
    const prometheusUrl = prometheusUrlOf(values);
    const loadUrl = loadUrlOf(values);
    const config = await loadConfig(values.config);
    learn({ config });
    assertEnvironment(config, env);
    parseReleaseImages(config, input.images, env); // bad input fails here, before any cluster is contacted
    const kubeConfig = await connect(values.kubeconfig);
    const logger = progressLogger(io);
    const { current } = await readReleaseRecords(config.environments[env].namespace, { kubeConfig });
    const images = withCurrentImages(config, input.images, current, logger);
    learn({ requested: images });
    const lockTimeout = timeoutMs(values["lock-timeout"]);
    const result = await deployRelease({
      config,
      env,
      release: { ...input, images },
      kubeConfig,
      logger,
      force: values.force ?? false,
      timeoutMs: timeoutMs(values.timeout),
      ...(lockTimeout !== undefined ? { lockTimeoutMs: lockTimeout } : {}),
      ...(prometheusUrl !== undefined ? { prometheusUrl } : {}),
      ...(loadUrl !== undefined ? { loadUrl } : {}),
    });
    io.out.write(
      `deployed release ${result.release.id} to ${env} (${result.namespace}); changed: ${result.changed.join(", ") || "none"}\n`,
    );
    for (const [service, image] of Object.entries(result.release.images)) {
      io.out.write(`  ${service.padEnd(12)} revision ${result.release.revisions?.[service] ?? "?"}  ${image}\n`);
    }
    writeAnalysis(io.out, result.release.analysis);
    return { kind: "release", result };
  });
};

/**
 * `--image api=host/shop/api@sha256:…` pairs, each service once; a bare reference (as publish prints it) names its
 * service by the last part of its repository.
 */
export function imagePairs(pairs: readonly string[]): Record<string, string> {
  const images: Record<string, string> = {};
  for (const pair of pairs) {
    const parsed = parseImagePair(pair);
    if (!parsed) {
      throw new UsageError(
        `--image "${pair}" must be <service>=<image reference>, or a reference to <registry>/.../<service>`,
      );
    }
    if (Object.hasOwn(images, parsed.service)) throw new UsageError(`--image names ${parsed.service} twice`);
    images[parsed.service] = parsed.image;
  }
  return images;
}

// A release pins every service; the ones not given keep what the environment's current release runs.
function withCurrentImages(
  config: PipelineConfig,
  images: Readonly<Record<string, string>>,
  current: ReleaseRecord | undefined,
  logger: Logger,
): Record<string, string> {
  const complete: Record<string, string> = { ...images };
  for (const service of Object.keys(config.services)) {
    const kept = current?.images[service];
    if (complete[service] !== undefined || kept === undefined) continue;
    complete[service] = kept;
    logger.info(`${service}: not in this deploy, keeps ${kept} (release ${current?.id})`);
  }
  return complete;
}

async function readReleaseFile(path: string): Promise<ReleaseInput> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new DeliveryError(`cannot read release file ${path} (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new DeliveryError(`release file ${path} is not JSON: ${(err as Error).message}`);
  }
  const parsed = releaseFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeliveryError(`release file ${path}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}
