import { existsSync } from "node:fs";
import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createApiClient, expectJson } from "./api.js";
import { type Binaries, ensureBinaries, type Versions } from "./binaries.js";
import { generateCertificates } from "./certs.js";
import {
  apiserverArgs,
  componentNames,
  controllerManagerArgs,
  etcdArgs,
  kwokArgs,
  type Layout,
  layoutOf,
  type Ports,
  schedulerArgs,
} from "./components.js";
import { blackholeCidrs, type ClusterConfig, defaultClusterConfig, firstServiceIp } from "./config.js";
import { ClusterError } from "./errors.js";
import { run } from "./exec.js";
import { probeHealth } from "./health.js";
import { renderKubeconfig } from "./kubeconfig.js";
import { consoleLogger, formatDuration, type Logger } from "./log.js";
import type { NodeBinaries } from "./node-binaries.js";
import { ensureNodeBinaries } from "./node-binaries.js";
import { createFakeNodes, fakeNodesNotReady } from "./nodes.js";
import { freePorts } from "./ports.js";
import { isRunning, type StartedProcess, startProcess, stopProcess } from "./processes.js";
import { type realNodeComponents, startRealNode, stopRealNode } from "./real-node/index.js";
import { addBlackholeRoutes, removeBlackholeRoutes } from "./routes.js";
import { type ClusterState, readState, writeState } from "./state.js";
import { type NotYet, notYet, waitFor } from "./wait.js";

/** Options for {@link startCluster} and {@link stopCluster}. */
export interface ClusterOptions {
  /** Defaults to {@link defaultClusterConfig}. */
  readonly config?: ClusterConfig;
  /** Progress output; defaults to standard error. */
  readonly logger?: Logger;
}

/** A running test cluster. */
export interface RunningCluster {
  readonly state: ClusterState;
  /** Path of the admin kubeconfig. */
  readonly kubeconfig: string;
  /** Runs the cluster's kubectl against its kubeconfig and returns standard output. */
  kubectl(args: readonly string[], input?: string): Promise<string>;
}

/** Time spent getting binaries (a build or a cache hit) and starting the components. */
export interface StartTimings {
  readonly binariesMs: number;
  readonly startMs: number;
  readonly built: boolean;
}

/** Builds or reuses the binaries and starts etcd, the control plane and kwok with fake nodes, ready for pods. */
export async function startCluster(options: ClusterOptions = {}): Promise<RunningCluster & { timings: StartTimings }> {
  const config = options.config ?? defaultClusterConfig();
  const logger = options.logger ?? consoleLogger;
  const layout = layoutOf(config.runDir);
  await clearStaleRunDir(layout, logger);

  const began = Date.now();
  const { binaries, versions, built } = await ensureBinaries({ cacheDir: config.cacheDir, logger });
  const node = config.realNode ? await ensureNodeBinaries({ cacheDir: config.cacheDir, logger }) : undefined;
  const binariesMs = Date.now() - began;

  const startBegan = Date.now();
  try {
    const state = await startComponents(config, layout, binaries, versions, logger, node?.binaries);
    const startMs = Date.now() - startBegan;
    logger.info(
      `cluster ready in ${formatDuration(startMs)} (binaries: ${built ? "built" : "cached"}, ${formatDuration(binariesMs)})`,
    );
    return {
      ...handle(state, binaries.kubectl),
      timings: { binariesMs, startMs, built: built || (node?.built ?? false) },
    };
  } catch (error) {
    logger.info("start failed; stopping what was started");
    await (existsSync(layout.stateFile)
      ? stopCluster({ config, logger, keepRunDir: true }).then(() =>
          logger.info(`logs kept in ${layout.logDir}; the next up or down removes them`),
        )
      : rm(layout.runDir, { recursive: true, force: true })
    ).catch((stopError: unknown) => logger.info(`cleanup failed too: ${String(stopError)}`));
    throw error;
  }
}

async function startComponents(
  config: ClusterConfig,
  layout: Layout,
  binaries: Binaries,
  versions: Versions,
  logger: Logger,
  nodeBinaries?: NodeBinaries,
): Promise<ClusterState> {
  await Promise.all([layout.logDir, layout.etcdDataDir].map((dir) => mkdir(dir, { recursive: true, mode: 0o700 })));
  const [certs, ports] = await Promise.all([
    generateCertificates({ dir: layout.pkiDir, apiserverIps: [firstServiceIp(config.serviceCidr)] }),
    freePorts([
      "etcdClient",
      "etcdPeer",
      "apiserver",
      "controllerManager",
      "scheduler",
      "kwok",
    ]) satisfies Promise<Ports>,
  ]);
  const server = `https://127.0.0.1:${ports.apiserver}`;
  await writeFile(
    layout.kubeconfig,
    await renderKubeconfig({
      server,
      caCert: certs.caCert,
      clientCert: certs.adminCert,
      clientKey: certs.adminKey,
      name: "ecommerce-test",
    }),
    { mode: 0o600 },
  );
  await symlink(binaries.dir, join(layout.runDir, "bin"));

  let state: ClusterState = {
    runDir: layout.runDir,
    kubeconfig: layout.kubeconfig,
    server,
    binDir: binaries.dir,
    versions,
    ports,
    routes: [],
    processes: [],
    startedAt: new Date().toISOString(),
  };
  // Writes go one after another, each with the newest state, so parallel starts cannot lose a record.
  let saving = Promise.resolve();
  const save = () => {
    saving = saving.then(() => writeState(layout.stateFile, state));
    return saving;
  };
  await save();
  const start = async (
    name: (typeof componentNames)[number] | (typeof realNodeComponents)[number],
    bin: string,
    args: string[],
    env: Record<string, string> = {},
  ): Promise<StartedProcess> => {
    const started = startProcess(name, bin, args, join(layout.logDir, `${name}.log`), env);
    state = { ...state, processes: [...state.processes, started.record] };
    await save();
    return started;
  };
  // Every wait also fails fast when a component it depends on exits.
  const until = <T>(
    exits: readonly StartedProcess[],
    what: string,
    probe: () => Promise<T | NotYet>,
    timeoutMs = 60_000,
  ) => Promise.race([...exits.map((p) => p.exited), waitFor(what, probe, { timeoutMs })]);

  const routes = blackholeCidrs(config);
  await addBlackholeRoutes(routes);
  state = { ...state, routes };
  await save();

  const etcd = await start("etcd", binaries.etcd, etcdArgs(layout, ports));
  const etcdHealth = `http://127.0.0.1:${ports.etcdClient}/health`;
  await until([etcd], `etcd (${etcdHealth})`, () => probeHealth(etcdHealth));
  logger.info(`etcd ${versions.etcd} is up`);

  const api = await start("kube-apiserver", binaries.kubeApiserver, apiserverArgs(config, certs, ports));
  const client = createApiClient({
    server,
    caCert: certs.caCert,
    clientCert: certs.adminCert,
    clientKey: certs.adminKey,
  });
  await until(
    [etcd, api],
    `kube-apiserver /readyz (${server})`,
    async () => {
      const response = await client.get("/readyz");
      return response.status === 200 ? true : notYet(`HTTP ${response.status}: ${response.body.slice(-300)}`);
    },
    90_000,
  );
  logger.info(`kube-apiserver ${versions.kubernetes} is ready at ${server}`);

  const clients = await Promise.all([
    start(
      "kube-controller-manager",
      binaries.kubeControllerManager,
      controllerManagerArgs(config, layout, certs, ports),
    ),
    start("kube-scheduler", binaries.kubeScheduler, schedulerArgs(layout, ports)),
    start("kwok", binaries.kwok, kwokArgs(config, layout, ports)),
  ]);
  const all = [etcd, api, ...clients];
  const healthz = {
    "kube-controller-manager": `https://127.0.0.1:${ports.controllerManager}/healthz`,
    "kube-scheduler": `https://127.0.0.1:${ports.scheduler}/healthz`,
    kwok: `http://127.0.0.1:${ports.kwok}/healthz`,
  };
  await Promise.all(
    Object.entries(healthz).map(([name, url]) => until(all, `${name} (${url})`, () => probeHealth(url))),
  );
  logger.info(`kube-controller-manager, kube-scheduler and kwok ${versions.kwok} are up`);

  await createFakeNodes(client, config);
  await until(
    all,
    `${config.nodeCount} fake nodes to be Ready and schedulable`,
    async () => {
      const reason = await fakeNodesNotReady(client, config);
      return reason === undefined ? true : notYet(reason);
    },
    90_000,
  );
  // Pods cannot be created in a namespace before its default service account exists.
  await until(all, "the default service account in namespace default", async () => {
    const response = await client.get("/api/v1/namespaces/default/serviceaccounts/default");
    return response.status === 200
      ? expectJson<object>("get service account", response)
      : notYet(`HTTP ${response.status}`);
  });
  logger.info(`${config.nodeCount} fake nodes are Ready`);

  if (config.realNode && nodeBinaries) {
    const realNode = await startRealNode(
      {
        runDir: layout.runDir,
        server,
        kubeconfig: layout.kubeconfig,
        certs,
        binaries: nodeBinaries,
        logger,
        start,
        recordNetwork: async (network) => {
          state = { ...state, realNode: { network } };
          await save();
        },
        until: (exits, what, probe, timeoutMs) => until([...all, ...exits], what, probe, timeoutMs),
        apiGet: (path) => client.get(path),
      },
      config.realNode,
    );
    state = { ...state, realNode };
    await save();
  }
  return state;
}
/** Stops every process of the run directory, removes its blackhole routes and deletes the directory. */
export async function stopCluster(options: ClusterOptions & { readonly keepRunDir?: boolean } = {}): Promise<void> {
  const config = options.config ?? defaultClusterConfig();
  const logger = options.logger ?? consoleLogger;
  const layout = layoutOf(config.runDir);
  const state = await readState(layout.stateFile);
  if (!state) {
    if (existsSync(layout.runDir)) {
      throw new ClusterError(
        "state",
        `${layout.runDir} exists but has no state.json; it is not a cluster run directory, so it is left alone`,
      );
    }
    logger.info(`no cluster in ${layout.runDir}`);
    return;
  }
  // Clients of the apiserver first, then the apiserver, then its storage.
  const byName = (names: string[]) => names.flatMap((name) => state.processes.filter((p) => p.name === name));
  const stopped = (p: { name: string }, result: string) => logger.info(`${p.name}: ${result}`);
  if (state.realNode) await stopRealNode(layout.runDir, state.processes, state.realNode, logger);
  const clients = byName(["kwok", "kube-scheduler", "kube-controller-manager"]);
  await Promise.all(clients.map(async (p) => stopped(p, await stopProcess(p))));
  for (const p of byName(["kube-apiserver", "etcd"])) stopped(p, await stopProcess(p));
  await removeBlackholeRoutes(state.routes);
  if (options.keepRunDir) return;
  await rm(layout.runDir, { recursive: true, force: true });
  logger.info(`removed ${state.routes.length} blackhole routes and ${layout.runDir}`);
}

/** The cluster running from `runDir`, or `undefined` when none is (all its processes alive and /readyz ok). */
export async function findRunningCluster(runDir = defaultClusterConfig().runDir): Promise<RunningCluster | undefined> {
  const layout = layoutOf(runDir);
  const state = await readState(layout.stateFile);
  if (!state || !componentNames.every((name) => state.processes.some((p) => p.name === name))) return undefined;
  const alive = await Promise.all(state.processes.map(isRunning));
  if (alive.includes(false)) return undefined;
  const pki = layout.pkiDir;
  const client = createApiClient({
    server: state.server,
    caCert: join(pki, "ca.crt"),
    clientCert: join(pki, "admin.crt"),
    clientKey: join(pki, "admin.key"),
  });
  const readyz = await client.get("/readyz").catch(() => undefined);
  return readyz?.status === 200 ? handle(state, join(state.binDir, "kubectl")) : undefined;
}

function handle(state: ClusterState, kubectl: string): RunningCluster {
  return {
    state,
    kubeconfig: state.kubeconfig,
    kubectl: (args, input) =>
      run(kubectl, ["--kubeconfig", state.kubeconfig, ...args], input === undefined ? {} : { input }),
  };
}

/** A live cluster in the run directory is an error; the leftovers of a dead one are cleared. */
async function clearStaleRunDir(layout: Layout, logger: Logger): Promise<void> {
  const state = await readState(layout.stateFile);
  if (!state) {
    if (existsSync(layout.runDir)) {
      throw new ClusterError(
        "state",
        `${layout.runDir} exists but is not a cluster run directory; remove it or set CLUSTER_DIR`,
      );
    }
    return;
  }
  const alive = await Promise.all(state.processes.map(isRunning));
  if (alive.includes(true)) {
    throw new ClusterError(
      "state",
      `a cluster is already running from ${layout.runDir} (apiserver ${state.server}); run \`npm run cluster:down\` first or set CLUSTER_DIR`,
    );
  }
  logger.info(`clearing the leftovers of a stopped cluster in ${layout.runDir}`);
  if (state.realNode) await stopRealNode(layout.runDir, state.processes, state.realNode, logger);
  await removeBlackholeRoutes(state.routes);
  await rm(layout.runDir, { recursive: true, force: true });
}
