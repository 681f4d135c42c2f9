// The one check that a name given on a command line, in a release or to a function is one pipeline.yaml declares.
import type { EnvironmentName, PipelineConfig } from "./schema.js";

/** What kind of name pipeline.yaml declares. */
export type DeclaredKind = "environment" | "service";

/** `unknown <kind> "<name>" (pipeline.yaml declares: a, b, c)`: the one wording of every unknown-name error. */
export function unknownNameMessage(kind: DeclaredKind, name: string, declared: readonly string[]): string {
  return `unknown ${kind} "${name}" (pipeline.yaml declares: ${declared.join(", ")})`;
}

/** `name` when it is among `declared`; otherwise throws the error `fail` makes from unknownNameMessage. */
export function declaredName(
  kind: DeclaredKind,
  name: string,
  declared: readonly string[],
  fail: (message: string) => Error = (message) => new Error(message),
): string {
  if (!declared.includes(name)) throw fail(unknownNameMessage(kind, name, declared));
  return name;
}

/** Whether `env` is an environment of the config. */
export function isEnvironment(config: Pick<PipelineConfig, "environments">, env: string): env is EnvironmentName {
  return Object.hasOwn(config.environments, env);
}
