import { parseArgs } from "node:util";
import { rollbackRelease } from "../../delivery/release-rollback.js";
import { rollbackDeployment } from "../../delivery/rollback.js";
import { serviceTarget } from "../../delivery/scale.js";
import type { Command } from "../runner.js";
import { UsageError } from "../usage.js";
import { REPORT_OPTIONS, reportDestination, withReport } from "./report.js";
import { connect, loadConfig, progressLogger, required, SERVICE_OPTIONS, timeoutMs } from "./shared.js";

export const ROLLBACK_USAGE = `  deliver rollback --env <env> [--service <service> [--to-revision <n>]] [--report-dir <dir>]
                        one service: restore its previous (or the given) revision, as kubectl rollout undo;
                        without --service: deploy the environment's previous release again`;

export const rollback: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      ...SERVICE_OPTIONS,
      ...REPORT_OPTIONS,
      "to-revision": { type: "string" },
    },
  });
  await withReport("rollback", reportDestination(values), io, async (learn) => {
    const env = required(values.env, "--env");
    learn({ env });
    const toRevision = values["to-revision"];
    if (toRevision !== undefined && !/^\d+$/.test(toRevision)) {
      throw new UsageError(`--to-revision must be a revision number, got "${toRevision}"`);
    }
    if (toRevision !== undefined && values.service === undefined) {
      throw new UsageError("--to-revision needs --service: revisions are per service");
    }
    const config = await loadConfig(values.config);
    learn({ config });
    const logger = progressLogger(io);
    if (values.service === undefined) {
      const kubeConfig = await connect(values.kubeconfig);
      const result = await rollbackRelease({ config, env, kubeConfig, logger, timeoutMs: timeoutMs(values.timeout) });
      io.out.write(
        `${env}: rolled back from release ${result.from?.id ?? "?"} to release ${result.release.id} (changed: ${result.changed.join(", ") || "none"})\n`,
      );
      return { kind: "release", result, from: result.from };
    }
    const service = values.service;
    const { namespace, name } = serviceTarget(config, env, service);
    const result = await rollbackDeployment(namespace, name, {
      kubeConfig: await connect(values.kubeconfig),
      logger,
      toRevision,
      reason: "manual rollback (deliver rollback)",
      timeoutMs: timeoutMs(values.timeout),
    });
    io.out.write(
      `${env}/${service}: rolled back from revision ${result.fromRevision} to the template of revision ${result.toRevision}, now serving revision ${result.servingRevision ?? "?"} (${result.images.join(", ")})\n`,
    );
    return { kind: "service-rollback", service, result };
  });
};
