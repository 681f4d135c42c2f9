export { type Binaries, ensureBinaries, readVersions, type Versions } from "./src/binaries.js";
export {
  type ClusterOptions,
  findRunningCluster,
  type RunningCluster,
  type StartTimings,
  startCluster,
  stopCluster,
} from "./src/cluster.js";
export { type ClusterConfig, defaultClusterConfig } from "./src/config.js";
export { ClusterError, type ClusterErrorKind } from "./src/errors.js";
export { compactEtcd } from "./src/etcd.js";
export { consoleLogger, type Logger, silentLogger } from "./src/log.js";
export { fakeNodeLabel, fakeNodeName } from "./src/nodes.js";
export { type StoppedComponent, stopComponent } from "./src/restart.js";
export type { ClusterState } from "./src/state.js";
