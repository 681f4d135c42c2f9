// What `dagger call --help` shows for the root module and modules/node-service, as the TypeScript SDK's own
// introspector reads it from the sources: objects, functions, flags, types, defaults, contextual directories, docs.
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type Argument,
  type DaggerFunction,
  type DaggerObject,
  type Introspection,
  introspectModule,
  type TypeDef,
} from "./sdk-introspector.js";
import { REPO_ROOT } from "./this-repo.js";

// The dagger CLI's spelling of a name (strcase.ToKebab): a word starts at a capital and where digits start or end.
const kebab = (name: string) =>
  name.replace(/(?<=[a-z\d])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])/g, "-").toLowerCase();

const SCALARS: Record<string, string> = {
  STRING_KIND: "String",
  INTEGER_KIND: "Int",
  BOOLEAN_KIND: "Boolean",
  VOID_KIND: "Void",
};

function typeName(type: TypeDef): string {
  if (type.kind === "LIST_KIND" && type.typeDef) return `[${typeName(type.typeDef)}]`;
  return type.name ?? SCALARS[type.kind] ?? type.kind;
}

/** One flag as --help lists it: name, type, optional or not, and its default. */
function flag(arg: Argument): string {
  let text = `--${kebab(arg.name)}${arg.isOptional ? "?" : ""}: ${typeName(arg.type)}`;
  if (arg.defaultPath !== undefined) text += ` = path ${JSON.stringify(arg.defaultPath)}`;
  if (arg.defaultValue !== undefined) text += ` = ${JSON.stringify(arg.defaultValue)}`;
  return text;
}

function signature(fn: DaggerFunction): string {
  const flags = Object.values(fn.arguments).map(flag).join(", ");
  return `${kebab(fn.alias ?? fn.name)}(${flags}) -> ${typeName(fn.returnType)}`;
}

const signatures = (object: DaggerObject) => Object.values(object.methods).map(signature).sort();
const constructorFlags = (object: DaggerObject) => Object.values(object.constructor?.arguments ?? {}).map(flag);

const isRequired = (arg: Argument) =>
  !arg.isOptional && arg.defaultValue === undefined && arg.defaultPath === undefined;

const EXAMPLE_LINE = /^Example: (dagger call .*)$/;

/** The Example lines that end a description, one paragraph each, as --help prints them under the summary. */
function trailingExamples(description: string): string[] {
  const paragraphs = description.split("\n\n");
  const examples: string[] = [];
  for (let paragraph = paragraphs.pop(); paragraph !== undefined; paragraph = paragraphs.pop()) {
    const command = EXAMPLE_LINE.exec(paragraph)?.[1];
    if (!command) break;
    examples.unshift(command);
  }
  return examples;
}

/** Every function of a module, with the object it belongs to. */
function functionsOf({ typeDefs }: Introspection): { object: DaggerObject; fn: DaggerFunction }[] {
  return Object.values(typeDefs.objects).flatMap((object) =>
    Object.values(object.methods).map((fn) => ({ object, fn })),
  );
}

/**
 * Walks an Example command line the way the CLI would: flags before the first function go to the root constructor,
 * each word names a function (or field) of the current object, and its flags must be that function's arguments.
 * Returns every problem found, and the functions it called as "Object.function".
 */
function walkExample(command: string, introspection: Introspection): { called: string[]; problems: string[] } {
  const { objects, name: rootName } = introspection.typeDefs;
  // $(...) stays one word, as in the shell
  const words = command
    .replace(/\$\([^)]*\)/g, "SUBST")
    .split(/\s+/)
    .slice(2);
  const called: string[] = [];
  const problems: string[] = [];
  let object: DaggerObject | undefined = objects[rootName];
  let label = `${rootName} constructor`;
  let args: Record<string, Argument> = object?.constructor?.arguments ?? {};
  let given = new Set<string>();
  const checkRequired = () => {
    for (const arg of Object.values(args)) {
      if (isRequired(arg) && !given.has(kebab(arg.name))) problems.push(`${label} needs --${kebab(arg.name)}`);
    }
    given = new Set();
  };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word === "-m") {
      i++; // the module's path
    } else if (word.startsWith("--")) {
      const name = word.slice(2).split("=")[0] as string;
      given.add(name);
      if (!Object.values(args).some((arg) => kebab(arg.name) === name)) problems.push(`${label} has no --${name}`);
    } else {
      checkRequired();
      // past a core type (Container, Service, ...) the words are the core API's, which this module does not define
      if (!object) return { called, problems };
      const current: DaggerObject = object;
      const fn = Object.values(current.methods).find((method) => kebab(method.name) === word);
      if (!fn) {
        const isField = Object.values(current.properties).some((p) => p.isExposed && kebab(p.name) === word);
        if (!isField) problems.push(`${current.name} has no function ${word}`);
        return { called, problems };
      }
      called.push(`${current.name}.${fn.name}`);
      label = `${current.name}.${fn.name}`;
      args = fn.arguments;
      object = fn.returnType.name ? objects[fn.returnType.name] : undefined;
    }
  }
  checkRequired();
  return { called, problems };
}

let root: Introspection;
let nodeService: Introspection;

beforeAll(async () => {
  [root, nodeService] = await Promise.all([
    introspectModule(REPO_ROOT),
    introspectModule(join(REPO_ROOT, "modules/node-service")),
  ]);
}, 240_000);

const objectOf = (introspection: Introspection, name: string): DaggerObject => {
  const object = introspection.typeDefs.objects[name];
  if (!object) throw new Error(`the introspector found no object ${name}`);
  return object;
};

const SOURCE_IGNORE = ["node_modules", "**/node_modules", "**/dist", ".git", ".data", ".tmp", "coverage"];

describe("the root module as dagger call --help shows it", () => {
  it("is EcommerceDelivery (dagger.json's name) with its two chained objects and a module description", () => {
    expect(root.typeDefs.name).toBe("EcommerceDelivery");
    expect(Object.keys(root.typeDefs.objects).sort()).toEqual([
      "DeliveryEnvironment",
      "EcommerceDelivery",
      "ShopService",
    ]);
    expect(root.typeDefs.enums).toEqual({});
    expect(root.typeDefs.interfaces).toEqual({});
    expect(root.typeDefs.description).toMatch(/^Builds, tests, integration-tests and publishes the shop's services/);
  });

  it("takes the repository once, in the constructor, as a contextual directory without build output or .git", () => {
    const ctor = objectOf(root, "EcommerceDelivery").constructor;
    expect(constructorFlags(objectOf(root, "EcommerceDelivery"))).toEqual([
      '--source: Directory = path "/"',
      '--node-version: String = "24"',
      '--npm-cache: String = "npm-cache"',
      '--revision: String = ""',
      '--source-url: String = ""',
      "--ca-certificates?: File",
      "--tsc-cache?: String",
    ]);
    expect(ctor?.arguments.source?.ignore).toEqual(SOURCE_IGNORE);
  });

  it("has the pipeline's functions with their flags, defaults and return types", () => {
    expect(signatures(objectOf(root, "EcommerceDelivery"))).toEqual([
      'affected(--base: String, --git: Directory = path "/") -> [String]',
      "build(--service?: String) -> [Container]",
      'ci(--base?: String, --git?: Directory = path "/") -> String',
      'ci-report(--base?: String, --git?: Directory = path "/") -> Directory',
      "end-to-end() -> String",
      "end-to-end-screenshots() -> Directory",
      "env(--name: String, --kubeconfig: Secret, --api-server?: Service) -> DeliveryEnvironment",
      "integration() -> String",
      "lint() -> String",
      'perf-gate(--env: String, --baseline: [String], --prometheus-image: String = "prom/prometheus:v2.42.0") -> String',
      "publish(--registry?: String, --tag?: String, --username?: String, --password?: Secret, --env?: String) -> [String]",
      "service(--name: String) -> ShopService",
      "test(--service?: String) -> String",
      "typecheck() -> String",
    ]);
    const { methods } = objectOf(root, "EcommerceDelivery");
    // affected and ci read only the repository's .git, so other changes leave their cache keys alone
    expect(methods.affected?.arguments.git?.ignore).toEqual(["*", "!.git"]);
    expect(methods.ci?.arguments.git?.ignore).toEqual(["*", "!.git"]);
    expect(methods.ciReport?.arguments.git?.ignore).toEqual(["*", "!.git"]);
  });

  it("service(name) has build, test and image; env(name, kubeconfig) has the delivery commands", () => {
    expect(signatures(objectOf(root, "ShopService"))).toEqual([
      "build() -> Container",
      "image() -> Container",
      "test() -> String",
    ]);
    expect(signatures(objectOf(root, "DeliveryEnvironment"))).toEqual([
      "analyze(--prometheus-url: String, --load-url?: String) -> String",
      "deploy(--images: [String], --revision?: String, --force: Boolean = false, --timeout?: Int, --prometheus-url?: String, --load-url?: String) -> String",
      "deploy-report(--images: [String], --revision?: String, --force: Boolean = false, --timeout?: Int, --prometheus-url?: String, --load-url?: String) -> Directory",
      "promote(--to: String, --approve?: String, --prometheus-url?: String, --load-url?: String) -> String",
      "promote-report(--to: String, --approve?: String, --prometheus-url?: String, --load-url?: String) -> Directory",
      "rollback(--service?: String, --to-revision?: Int) -> String",
      "scale(--service: String, --replicas: Int) -> String",
      "status(--json: Boolean = false) -> String",
      "watch(--prometheus-url: String, --duration?: String, --services: [String] = []) -> String",
    ]);
    for (const name of ["ShopService", "DeliveryEnvironment"]) {
      const exposed = Object.values(objectOf(root, name).properties).filter((p) => p.isExposed);
      expect(exposed.map((p) => `${p.name}: ${typeName(p.type)}`)).toEqual(["name: String"]);
      expect(exposed[0]?.description).not.toBe("");
    }
  });

  it("marks lint, typecheck and test as checks (no required arguments), and only those", () => {
    const checks = Object.entries(root.flags).filter(([, flags]) => flags.isCheck);
    expect(checks.map(([name]) => name).sort()).toEqual([
      "EcommerceDelivery.lint",
      "EcommerceDelivery.test",
      "EcommerceDelivery.typecheck",
    ]);
    for (const [name] of checks) {
      const fn = objectOf(root, "EcommerceDelivery").methods[name.split(".")[1] as string];
      expect(Object.values(fn?.arguments ?? {}).filter(isRequired), name).toEqual([]);
    }
  });

  it("never caches what acts outside the engine or measures: publish, perf-gate and every environment command", () => {
    const neverCached = Object.entries(root.flags).filter(([, flags]) => flags.cache === "never");
    expect(neverCached.map(([name]) => name).sort()).toEqual([
      "DeliveryEnvironment.analyze",
      "DeliveryEnvironment.deploy",
      "DeliveryEnvironment.deployReport",
      "DeliveryEnvironment.promote",
      "DeliveryEnvironment.promoteReport",
      "DeliveryEnvironment.rollback",
      "DeliveryEnvironment.scale",
      "DeliveryEnvironment.status",
      "DeliveryEnvironment.watch",
      "EcommerceDelivery.perfGate",
      "EcommerceDelivery.publish",
    ]);
    expect(Object.values(root.flags).filter((flags) => flags.cache !== undefined && flags.cache !== "never")).toEqual(
      [],
    );
  });
});

describe("modules/node-service as dagger call --help shows it", () => {
  it("is NodeService, one object, with a constructor taking the monorepo explicitly", () => {
    expect(nodeService.typeDefs.name).toBe("NodeService");
    expect(Object.keys(nodeService.typeDefs.objects)).toEqual(["NodeService"]);
    expect(nodeService.typeDefs.description).toMatch(/^Production images and test runs for one workspace/);
    expect(constructorFlags(objectOf(nodeService, "NodeService"))).toEqual([
      "--source: Directory",
      '--node-version: String = "24"',
      '--npm-cache: String = "npm-cache"',
      "--ca-certificates?: File",
    ]);
  });

  it("has image, test and dev with their flags and defaults; none is a check or uncached", () => {
    expect(signatures(objectOf(nodeService, "NodeService"))).toEqual([
      "dev() -> Container",
      'image(--workspace: String, --entrypoint: String = "dist/server.js", --port: Int = 3000, --health-path: String = "/healthz", --revision: String = "", --source-url: String = "", --build-files?: [String]) -> Container',
      "test(--workspace: String) -> String",
    ]);
    expect(Object.values(nodeService.flags)).toEqual([{ isCheck: false }, { isCheck: false }, { isCheck: false }]);
  });
});

describe.each([
  ["the root module", () => root],
  ["modules/node-service", () => nodeService],
])("the --help text of %s", (_, introspection) => {
  it("documents every function and every flag a user can pass", () => {
    const modules = introspection();
    const undocumented: string[] = [];
    for (const { object, fn } of functionsOf(modules)) {
      if (!fn.description.trim()) undocumented.push(`${object.name}.${fn.name}`);
      for (const arg of Object.values(fn.arguments)) {
        if (!arg.description.trim()) undocumented.push(`${object.name}.${fn.name} --${kebab(arg.name)}`);
      }
    }
    // only the root object's constructor is reachable from the CLI; chained objects are built by their parent
    const rootObject = objectOf(modules, modules.typeDefs.name);
    for (const arg of Object.values(rootObject.constructor?.arguments ?? {})) {
      if (!arg.description.trim()) undocumented.push(`${rootObject.name} --${kebab(arg.name)}`);
    }
    expect(undocumented).toEqual([]);
  });

  it("ends each function's own description with its Example lines, never an argument's", () => {
    const misplaced: string[] = [];
    for (const { object, fn } of functionsOf(introspection())) {
      const examples = trailingExamples(fn.description).length;
      if (examples === 0)
        misplaced.push(`${object.name}.${fn.name}: its description does not end with an Example line`);
      if (fn.description.split("Example:").length - 1 !== examples) {
        misplaced.push(`${object.name}.${fn.name}: an Example that is not one of the last paragraphs`);
      }
      for (const arg of Object.values(fn.arguments)) {
        if (arg.description.includes("Example:")) misplaced.push(`${object.name}.${fn.name} --${kebab(arg.name)}`);
      }
    }
    expect(misplaced).toEqual([]);
  });

  it("gives Examples that call the function they document, with flags that exist and every required one", () => {
    const modules = introspection();
    const wrong: string[] = [];
    for (const { object, fn } of functionsOf(modules)) {
      for (const command of trailingExamples(fn.description)) {
        const { called, problems } = walkExample(command, modules);
        const name = `${object.name}.${fn.name}`;
        if (!called.includes(name)) wrong.push(`${name}: "${command}" calls ${called.join(", ") || "nothing"}`);
        wrong.push(...problems.map((problem) => `${name}: ${problem}`));
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe("the whole type definition", () => {
  it("matches the reviewed snapshot (descriptions included)", () => {
    expect({ root: root.typeDefs, nodeService: nodeService.typeDefs }).toMatchSnapshot();
  });
});
