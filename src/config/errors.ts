/** What kind of problem an issue is, so a caller can branch without parsing messages. */
export type PipelineConfigIssueCode =
  | "yaml_syntax"
  | "duplicate_key"
  | "unknown_key"
  | "invalid_type"
  | "missing"
  | "invalid_value"
  | "missing_path"
  | "unknown_service"
  | "call_cycle"
  | "promotion_cycle"
  | "promotion_chain"
  | "secret_in_env"
  | "conflict";

/** One problem in pipeline.yaml, located by field path and 1-based line and column. */
export interface PipelineConfigIssue {
  /** Dotted field path, e.g. `environments.prod.replicas` or `services.storefront.calls[1]`; empty for the whole file. */
  readonly path: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly code: PipelineConfigIssueCode;
}

/** pipeline.yaml could not be loaded; `issues` lists every problem found, in file order. */
export class PipelineConfigError extends Error {
  override readonly name = "PipelineConfigError";

  constructor(
    readonly fileName: string,
    readonly issues: readonly PipelineConfigIssue[],
  ) {
    super(
      `${fileName}: ${issues.length === 1 ? "1 problem" : `${issues.length} problems`}\n${formatIssues(fileName, issues)}`,
    );
  }
}

/** One line per issue: `file:line:column path: message`. */
export function formatIssues(fileName: string, issues: readonly PipelineConfigIssue[]): string {
  return issues
    .map((issue) => `${fileName}:${issue.line}:${issue.column} ${issue.path ? `${issue.path}: ` : ""}${issue.message}`)
    .join("\n");
}
