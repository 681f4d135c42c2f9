// The base images the Dagger functions pull (node:<major>-bookworm-slim, node:<major>-bookworm, postgres:17, and the
// perf gate's prom/prometheus), made from Debian with debootstrap and npm packages, since no public registry is
// reachable here. Each is pushed to the local registry as library/<name> (or <owner>/<name>), where the engine's
// docker.io mirror finds it, labelled with a key of everything it is made from: an image whose label matches is not
// built again.
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { PROMETHEUS_IMAGE } from "../../../src/plan/perf-gate.js";
import type { Logger } from "../../cluster/src/log.js";
import { formatDuration } from "../../cluster/src/log.js";
import type { EngineConfig } from "./config.js";
import { imageLabel, pushRootfs } from "./oci-push.js";
import { buildRootfs, type RootfsRecipe } from "./rootfs.js";

/** The label that carries an image's content key. */
export const CONTENT_KEY_LABEL = "org.ecommerce-delivery.base-image.key";

/** One base image: its name as the code pulls it, how its root file system is made, and its image config. */
export interface BaseImage {
  /** As the functions write it, e.g. `node:24-bookworm-slim` (docker.io/library/… through the mirror). */
  readonly name: string;
  readonly recipe: RootfsRecipe;
  readonly env: Readonly<Record<string, string>>;
  readonly entrypoint?: readonly string[];
  readonly cmd: readonly string[];
  readonly exposedPorts?: readonly string[];
}

const ENTRYPOINT_FILE = fileURLToPath(new URL("../images/postgres-entrypoint.sh", import.meta.url));
const RECIPE_FILES = [
  fileURLToPath(import.meta.url),
  fileURLToPath(new URL("./rootfs.ts", import.meta.url)),
  fileURLToPath(new URL("./oci-push.ts", import.meta.url)),
  ENTRYPOINT_FILE,
];
const PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** Where the images keep the machine's CA bundle; Node reads extra CAs only through NODE_EXTRA_CA_CERTS. */
const IMAGE_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";
const POSTGRES_MAJOR = "17";

/** The images, for the configured Node and PostgreSQL releases. */
export function baseImages(config: EngineConfig): BaseImage[] {
  const nodeEnv = { PATH, NODE_VERSION: config.nodeRelease, NODE_EXTRA_CA_CERTS: IMAGE_CA_BUNDLE };
  const node = { release: config.nodeRelease, npmRelease: config.npmRelease };
  const common = { suite: config.debianSuite, mirror: config.debianMirror, caBundle: config.caBundle };
  return [
    {
      name: `node:${config.nodeMajor}-bookworm-slim`,
      recipe: { ...common, packages: [], node, users: ["node"] },
      env: nodeEnv,
      cmd: ["node"],
    },
    {
      name: `node:${config.nodeMajor}-bookworm`,
      recipe: { ...common, packages: ["git", "ca-certificates", "openssh-client", "procps"], node, users: ["node"] },
      env: nodeEnv,
      cmd: ["node"],
    },
    {
      name: `postgres:${POSTGRES_MAJOR}`,
      recipe: {
        ...common,
        packages: ["postgresql-client-15"],
        postgres: { release: config.postgresRelease, major: POSTGRES_MAJOR, entrypoint: ENTRYPOINT_FILE },
        users: ["postgres"],
      },
      env: {
        PATH: `/usr/lib/postgresql/${POSTGRES_MAJOR}/bin:${PATH}`,
        PGDATA: "/var/lib/postgresql/data",
        PG_MAJOR: POSTGRES_MAJOR,
      },
      entrypoint: ["docker-entrypoint.sh"],
      cmd: ["postgres"],
      exposedPorts: ["5432/tcp"],
    },
    {
      // The perf gate's default PROMETHEUS_IMAGE: Debian bookworm's prometheus is that release, and bookworm's
      // merged /usr gives it the official image's /bin/prometheus.
      name: PROMETHEUS_IMAGE,
      recipe: { ...common, packages: ["prometheus"], users: [] },
      env: { PATH },
      entrypoint: ["/bin/prometheus"],
      cmd: ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus"],
      exposedPorts: ["9090/tcp"],
    },
  ];
}

/** Where the local registry keeps an image the code pulls as `name` from Docker Hub (through the engine's mirror). */
export function mirrorReference(registry: string, name: string): string {
  return `${registry}/${name.includes("/") ? name : `library/${name}`}`;
}

/** A digest of everything the image is made from: recipe, releases, the CA bundle and the code that builds it. */
export async function contentKey(image: BaseImage): Promise<string> {
  const hash = createHash("sha256").update(JSON.stringify(image));
  for (const file of [...RECIPE_FILES, image.recipe.caBundle]) hash.update(await readFile(file));
  return hash.digest("hex").slice(0, 32);
}

/** Builds and pushes each image whose registry copy is missing or made from other inputs; prints progress. */
export async function ensureBaseImages(
  config: EngineConfig,
  crane: string,
  logger: Logger,
  images: readonly BaseImage[] = baseImages(config),
): Promise<{ readonly built: string[]; readonly cached: string[] }> {
  const built: string[] = [];
  const cached: string[] = [];
  for (const image of images) {
    const reference = mirrorReference(config.registry, image.name);
    const key = await contentKey(image);
    if ((await imageLabel(crane, reference, CONTENT_KEY_LABEL)) === key) {
      cached.push(image.name);
      continue;
    }
    const started = Date.now();
    logger.info(`base images: building ${image.name} (debootstrap ${image.recipe.suite})`);
    const rootfs = await buildRootfs(image.recipe, `${config.runDir}/rootfs`, logger);
    try {
      await pushRootfs(crane, rootfs, reference, {
        env: image.env,
        entrypoint: image.entrypoint,
        cmd: image.cmd,
        exposedPorts: image.exposedPorts,
        labels: { [CONTENT_KEY_LABEL]: key },
      });
    } finally {
      await rootfs.remove();
    }
    logger.info(`base images: pushed ${reference} (${formatDuration(Date.now() - started)})`);
    built.push(image.name);
  }
  return { built, cached };
}
