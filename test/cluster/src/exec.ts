import { execFile } from "node:child_process";
import { ClusterError } from "./errors.js";

/** Options for {@link run}. */
export interface RunOptions {
  /** Working directory of the command. */
  readonly cwd?: string;
  /** Extra environment variables, merged over the current environment. */
  readonly env?: Readonly<Record<string, string>>;
  /** Text written to the command's standard input. */
  readonly input?: string;
  /** Kill the command after this many milliseconds. */
  readonly timeoutMs?: number;
}

/** Runs a command without a shell and returns its standard output; fails with its standard error. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      {
        cwd: options.cwd,
        env: { ...process.env, ...options.env },
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error) {
          const detail = stderr.trim() || error.message;
          reject(new ClusterError("command", `${command} ${args.join(" ")} failed: ${detail}`, { cause: error }));
        } else {
          resolve(stdout);
        }
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}
