import { existsSync } from "node:fs";
import { readFile, rename, writeFile } from "node:fs/promises";
import type { Versions } from "./binaries.js";
import type { Ports } from "./components.js";
import { ClusterError } from "./errors.js";
import type { ProcessRecord } from "./processes.js";
import type { RealNodeState } from "./real-node/index.js";
import type { PodNetworkChanges } from "./real-node/network.js";

/** What `up` leaves in the run directory for `down`, tests and people. */
export interface ClusterState {
  readonly runDir: string;
  readonly kubeconfig: string;
  /** https://127.0.0.1:<port> */
  readonly server: string;
  readonly binDir: string;
  readonly versions: Versions;
  readonly ports: Ports;
  /** Blackhole routes added, removed again by `down`. */
  readonly routes: readonly string[];
  /** In start order; `down` stops them in reverse. */
  readonly processes: readonly ProcessRecord[];
  readonly startedAt: string;
  /** The real node, once started; `network` alone while it is starting, so a failed start can be undone. */
  readonly realNode?: RealNodeState | { readonly network: PodNetworkChanges };
}

/** Writes the state atomically, so `down` never reads half a file. */
export async function writeState(file: string, state: ClusterState): Promise<void> {
  await writeFile(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${file}.tmp`, file);
}

/** Reads the state of a run directory, or `undefined` when there is none. */
export async function readState(file: string): Promise<ClusterState | undefined> {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(await readFile(file, "utf8")) as ClusterState;
  } catch (error) {
    throw new ClusterError("state", `cannot read ${file}; remove the run directory by hand`, { cause: error });
  }
}
