// The deliver CLI in a container: the development container (workspace installed, source in /app), the kubeconfig
// mounted as a secret file, optionally the API server bound in as a service, one run per call.
import { randomUUID } from "node:crypto";
import {
  type Container,
  type Directory,
  dag,
  ExecError,
  ReturnType,
  type Secret,
  type Service,
} from "@dagger.io/dagger";
import { API_SERVER_VARIABLE } from "../cli/deliver/api-server.js";
import { DELIVER_COMMAND, deliverFailure } from "../cli/deliver/argv.js";
import { REPORT_DIR_VARIABLE } from "../cli/deliver/report.js";
import type { Delivery } from "./context.js";
import { developmentContainer } from "./image.js";

/** Where the kubeconfig is mounted; KUBECONFIG points here. */
const KUBECONFIG_PATH = "/run/secrets/kubeconfig";
/** The host name the API server service is bound under in the deliver container. */
const API_SERVER_HOST = "kube-apiserver";

/** The API server as a Dagger service, and the port of it the CLI talks to. */
export interface ApiServerBinding {
  readonly service: Service;
  readonly port: number;
}

/**
 * The API server the caller passed (`--api-server=tcp://localhost:<port>`): its first port is the one the CLI
 * talks to, as a host service forwards exactly the ports it names.
 */
export async function apiServerBinding(service: Service): Promise<ApiServerBinding> {
  // A host service (tcp://localhost:<port>) reports its ports only once its tunnel is up.
  const [first] = await (await service.start()).ports();
  if (!first) throw new Error("--api-server exposes no port: give it as tcp://localhost:<port of the API server>");
  return { service, port: await first.port() };
}

/**
 * The development container with the kubeconfig: ready to run `deliver` against the cluster it names. With
 * `apiServer`, the service is bound as kube-apiserver and the CLI sends its requests there while still verifying
 * the certificate against the kubeconfig's server name (see src/cli/deliver/api-server.ts): the kubeconfig itself
 * is never read or rewritten here, so it stays a secret.
 */
export function deliverContainer(delivery: Delivery, kubeconfig: Secret, apiServer?: ApiServerBinding): Container {
  const cli = developmentContainer(delivery)
    .withMountedSecret(KUBECONFIG_PATH, kubeconfig)
    .withEnvVariable("KUBECONFIG", KUBECONFIG_PATH);
  if (!apiServer) return cli;
  return cli
    .withServiceBinding(API_SERVER_HOST, apiServer.service)
    .withEnvVariable(API_SERVER_VARIABLE, `${API_SERVER_HOST}:${apiServer.port}`);
}

/**
 * Runs `deliver <args>` in `cli` (see deliverContainer) and resolves to its stdout; a non-zero exit rejects with the
 * CLI's own one-line reason.
 */
export async function runDeliver(cli: Container, args: readonly string[]): Promise<string> {
  try {
    return await deliverRun(cli, args).stdout();
  } catch (error) {
    if (error instanceof ExecError)
      throw new Error(deliverFailure(args, error.exitCode, error.stderr), { cause: error });
    throw error;
  }
}

/** Where the CLI writes its report inside the container ($DELIVER_REPORT_DIR). */
const REPORT_DIR = "/reports";
/** Files the report directory gets beside the CLI's own: its exit code, and everything it printed. */
const REPORT_EXTRAS = { exitCode: "exit-code", log: "deliver.log" } as const;

/**
 * Runs `deliver <args>` with $DELIVER_REPORT_DIR set and resolves to the directory it wrote the report to
 * (deliver-<command>-<env>.xml and .md), with `exit-code` and `deliver.log` beside it. A failed command is in the
 * report, not an error: the caller exports the directory, then fails its job on `exit-code`.
 */
export async function runDeliverWithReport(cli: Container, args: readonly string[]): Promise<Directory> {
  const reporting = cli.withEnvVariable(REPORT_DIR_VARIABLE, REPORT_DIR).withDirectory(REPORT_DIR, dag.directory());
  const run = deliverRun(reporting, args, { expect: ReturnType.Any });
  const [exitCode, stdout, stderr] = await Promise.all([run.exitCode(), run.stdout(), run.stderr()]);
  return run
    .directory(REPORT_DIR)
    .withNewFile(REPORT_EXTRAS.exitCode, `${exitCode}\n`)
    .withNewFile(REPORT_EXTRAS.log, `${stdout}${stderr}`);
}

// The changing variable makes the engine run the command on every call: a deploy or a status must never be a cached
// replay of an earlier one.
function deliverRun(cli: Container, args: readonly string[], options: { expect?: ReturnType } = {}): Container {
  return cli.withEnvVariable("DELIVER_RUN_ID", randomUUID()).withExec([...DELIVER_COMMAND, ...args], options);
}
