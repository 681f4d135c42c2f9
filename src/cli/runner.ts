// A small command-line runner shared by the project's CLIs: subcommands, help, usage errors (exit 2),
// the user's own errors as plain messages (exit 1); anything else is a bug and keeps its stack trace.
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { isUsageError, UsageError } from "./usage.js";

/** Where output goes: process.stdout, or anything else that takes text. */
export interface Writer {
  write(text: string): unknown;
}

export interface CliIo {
  out: Writer;
  err: Writer;
}

/** One subcommand: parses its own arguments, writes its result to `io.out`, progress to `io.err`. */
export type Command = (args: string[], io: CliIo) => Promise<void>;

export interface Cli {
  usage: string;
  commands: Readonly<Record<string, Command>>;
  /** Errors the user can fix (bad config, unreachable cluster, failed rollout): printed, exit code 1. */
  isUserError(error: unknown): error is Error;
  /** Print only one line per error (multi-line messages are joined with "; "). */
  oneLineErrors?: boolean;
}

/** Runs one command line and returns the exit code: 0 done, 1 failed, 2 usage error. */
export async function runCli(cli: Cli, argv: readonly string[], io: CliIo = defaultIo()): Promise<number> {
  const [name, ...rest] = argv;
  const format = (message: string) => (cli.oneLineErrors ? oneLine(message) : message);
  try {
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      io.out.write(`${cli.usage}\n`);
      return name === undefined ? 2 : 0;
    }
    const command = Object.hasOwn(cli.commands, name) ? cli.commands[name] : undefined;
    if (!command) throw new UsageError(`unknown command "${name}"`);
    await command(rest, io);
    return 0;
  } catch (error) {
    if (isUsageError(error)) {
      io.err.write(`${format(error.message)}\n${cli.usage}\n`);
      return 2;
    }
    if (cli.isUserError(error)) {
      io.err.write(`${format(error.message)}\n`);
      return 1;
    }
    throw error;
  }
}

/** Runs the CLI when `moduleUrl` is the script node was started with (so tests can import it instead). */
export async function runIfMain(moduleUrl: string, cli: Cli): Promise<void> {
  const script = process.argv[1];
  if (script !== undefined && moduleUrl === pathToFileURL(realpathSync(script)).href) {
    process.exitCode = await runCli(cli, process.argv.slice(2));
  }
}

function defaultIo(): CliIo {
  return { out: process.stdout, err: process.stderr };
}

function oneLine(text: string): string {
  return text
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join("; ");
}
