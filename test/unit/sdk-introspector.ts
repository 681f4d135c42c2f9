// The TypeScript SDK's own introspector (shipped in @dagger.io/dagger), run the way the module runtime runs it, but
// with DRY_RUN so it prints the type definitions instead of registering them with an engine.
import { execFile } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { z } from "zod";

const run = promisify(execFile);

/** dist/src of the installed SDK: the package's exports map hides the module runtime, so we go by path. */
const SDK_DIST = dirname(createRequire(import.meta.url).resolve("@dagger.io/dagger"));
const ENTRYPOINT = join(SDK_DIST, "module/entrypoint/introspection_entrypoint.js");
const INTROSPECTOR = join(SDK_DIST, "module/introspector/index.js");
// The introspector recognises core types (Directory, Secret, ...) only in a source file named client.gen.ts, which the
// module runtime generates; the npm package ships the same declarations as client.gen.d.ts.
const CLIENT_DECLARATIONS = join(SDK_DIST, "api/client.gen.d.ts");

export interface TypeDef {
  kind: string;
  name?: string;
  typeDef?: TypeDef;
}
const typeDef: z.ZodType<TypeDef> = z.lazy(() =>
  z.strictObject({ kind: z.string(), name: z.string().optional(), typeDef: typeDef.optional() }),
);

const argument = z.strictObject({
  name: z.string(),
  description: z.string(),
  type: typeDef,
  isVariadic: z.boolean(),
  isNullable: z.boolean(),
  isOptional: z.boolean(),
  defaultValue: z.unknown().optional(),
  defaultPath: z.string().optional(),
  ignore: z.array(z.string()).optional(),
});
const args = z.record(z.string(), argument);

const daggerFunction = z.strictObject({
  name: z.string(),
  description: z.string(),
  alias: z.string().optional(),
  arguments: args,
  returnType: typeDef,
});

const daggerObject = z.strictObject({
  name: z.string(),
  description: z.string(),
  constructor: z.strictObject({ arguments: args }).optional(),
  methods: z.record(z.string(), daggerFunction),
  properties: z.record(
    z.string(),
    z.strictObject({ name: z.string(), description: z.string(), type: typeDef, isExposed: z.boolean() }),
  ),
});

const moduleTypeDefs = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  objects: z.record(z.string(), daggerObject),
  enums: z.record(z.string(), z.unknown()),
  interfaces: z.record(z.string(), z.unknown()),
});

export type ModuleTypeDefs = z.infer<typeof moduleTypeDefs>;
export type DaggerObject = z.infer<typeof daggerObject>;
export type DaggerFunction = z.infer<typeof daggerFunction>;
export type Argument = z.infer<typeof argument>;

/** What the printed JSON leaves out but the engine is told: `@check()` and the cache policy of each function. */
export type FunctionFlags = Record<string, { isCheck: boolean; cache?: string }>;

export interface Introspection {
  typeDefs: ModuleTypeDefs;
  /** keyed "Object.function" */
  flags: FunctionFlags;
}

/** Introspects the module whose dagger.json is in `moduleDir` (its TypeScript sources in `moduleDir/src`). */
export async function introspectModule(moduleDir: string): Promise<Introspection> {
  const manifest = z
    .object({ name: z.string() })
    .parse(JSON.parse(await readFile(join(moduleDir, "dagger.json"), "utf8")));
  const scratch = await mkdtemp(join(tmpdir(), "sdk-introspection-"));
  try {
    const clientFile = join(scratch, "client.gen.ts");
    await copyFile(CLIENT_DECLARATIONS, clientFile);
    const sourceDir = join(moduleDir, "src");
    const [printed, flags] = await Promise.all([
      run(process.execPath, [ENTRYPOINT, manifest.name, sourceDir, clientFile], {
        env: { ...process.env, DRY_RUN: "1" },
        maxBuffer: 16 * 1024 * 1024,
      }),
      functionFlags(manifest.name, sourceDir, clientFile),
    ]);
    return { typeDefs: moduleTypeDefs.parse(JSON.parse(printed.stdout)), flags };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

interface ScannedModule {
  objects: Record<string, { methods: Record<string, { isCheck: boolean; cache?: string }> }>;
}

// The entrypoint's JSON omits isCheck and cache, so the same scan runs in-process for those two fields.
async function functionFlags(moduleName: string, sourceDir: string, clientFile: string): Promise<FunctionFlags> {
  const { scan } = (await import(pathToFileURL(INTROSPECTOR).href)) as {
    scan(files: string[], moduleName: string, loadModule: boolean): Promise<ScannedModule>;
  };
  const scanned = await scan([...(await typeScriptFiles(sourceDir)), clientFile], moduleName, false);
  const flags: FunctionFlags = {};
  for (const [objectName, object] of Object.entries(scanned.objects)) {
    for (const [functionName, fn] of Object.entries(object.methods)) {
      flags[`${objectName}.${functionName}`] = { isCheck: fn.isCheck, cache: fn.cache };
    }
  }
  return flags;
}

async function typeScriptFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.m?ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}
