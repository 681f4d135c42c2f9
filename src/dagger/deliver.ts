// The deliver CLI in a container: the development container (workspace installed, source in /app), the kubeconfig
// mounted as a secret file, one run per call.
import { randomUUID } from "node:crypto";
import { type Container, ExecError, type Secret } from "@dagger.io/dagger";
import { DELIVER_COMMAND, deliverFailure } from "../cli/deliver/argv.js";
import type { Delivery } from "./context.js";
import { developmentContainer } from "./image.js";

/** Where the kubeconfig is mounted; KUBECONFIG points here. */
const KUBECONFIG_PATH = "/run/secrets/kubeconfig";

/** The development container with the kubeconfig: ready to run `deliver` against the cluster it names. */
export function deliverContainer(delivery: Delivery, kubeconfig: Secret): Container {
  return developmentContainer(delivery)
    .withMountedSecret(KUBECONFIG_PATH, kubeconfig)
    .withEnvVariable("KUBECONFIG", KUBECONFIG_PATH);
}

/**
 * Runs `deliver <args>` in `cli` (see deliverContainer) and resolves to its stdout; a non-zero exit rejects with the
 * CLI's own one-line reason. The changing variable makes the engine run the command on every call: a deploy or a
 * status must never be a cached replay of an earlier one.
 */
export async function runDeliver(cli: Container, args: readonly string[]): Promise<string> {
  const run = cli.withEnvVariable("DELIVER_RUN_ID", randomUUID()).withExec([...DELIVER_COMMAND, ...args]);
  try {
    return await run.stdout();
  } catch (error) {
    if (error instanceof ExecError)
      throw new Error(deliverFailure(args, error.exitCode, error.stderr), { cause: error });
    throw error;
  }
}
