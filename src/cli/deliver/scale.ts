import { parseArgs } from "node:util";
import { checkReplicas, scaleService, serviceTarget } from "../../delivery/scale.js";
import type { Command } from "../runner.js";
import { UsageError } from "../usage.js";
import { connect, loadConfig, progressLogger, required, SERVICE_OPTIONS, timeoutMs } from "./shared.js";

export const SCALE_USAGE = `  deliver scale --env <env> --service <service> --replicas <n> [--no-wait]
                        set the replica count through the scale subresource
                        (refused while an autoscaler owns the count)`;

export const scale: Command = async (args, io) => {
  const { values } = parseArgs({
    args,
    options: {
      ...SERVICE_OPTIONS,
      replicas: { type: "string" },
      "no-wait": { type: "boolean" },
    },
  });
  const env = required(values.env, "--env");
  const service = required(values.service, "--service");
  const replicasText = required(values.replicas, "--replicas");
  if (!/^-?\d+$/.test(replicasText)) throw new UsageError(`--replicas must be a whole number, got "${replicasText}"`);
  const replicas = Number(replicasText);
  const config = await loadConfig(values.config);
  serviceTarget(config, env, service);
  checkReplicas(replicas);
  const result = await scaleService({
    config,
    env,
    service,
    replicas,
    kubeConfig: await connect(values.kubeconfig),
    logger: progressLogger(io),
    wait: !values["no-wait"],
    timeoutMs: timeoutMs(values.timeout),
  });
  io.out.write(`${env}/${service}: scaled from ${result.previous} to ${result.replicas} replicas\n`);
};
