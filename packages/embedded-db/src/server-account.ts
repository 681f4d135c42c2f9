import { execFile, spawnSync } from "node:child_process";
import { userInfo } from "node:os";
import { promisify } from "node:util";

const run = promisify(execFile);

/** The Unix identity the server runs as; `undefined` means "the current user" (anyone but root). */
export interface Account {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

const NAME = "postgres";

/** PostgreSQL refuses to run as root: as root, the `postgres` account (created when missing); otherwise none. */
export async function serverAccount(): Promise<Account | undefined> {
  if (userInfo().uid !== 0) return undefined;
  if (!(await lookUp(NAME))) {
    try {
      await run("groupadd", ["--system", NAME]);
      await run("useradd", ["--system", "--gid", NAME, "--no-create-home", "--shell", "/usr/sbin/nologin", NAME]);
    } catch (cause) {
      throw new Error(`running as root, and the '${NAME}' account that PostgreSQL must run as could not be created`, {
        cause,
      });
    }
  }
  const account = await lookUp(NAME);
  if (!account) throw new Error(`the '${NAME}' account was created but 'id' does not know it`);
  return account;
}

async function lookUp(name: string): Promise<Account | undefined> {
  try {
    const [uid, gid] = await Promise.all([run("id", ["-u", name]), run("id", ["-g", name])]);
    return { name, uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  } catch {
    return undefined;
  }
}

/**
 * Whether `account` can use `path` (`-x`: reach and run or enter it; `-w`: write it), asked of the kernel by running
 * `test` under that identity, so every directory on the way and every mode bit counts. Like the server itself, the
 * check runs without supplementary groups: Node drops them when it switches user.
 */
export function accountCan(account: Account, test: "-x" | "-w", path: string): boolean {
  const probe = spawnSync("test", [test, path], { uid: account.uid, gid: account.gid, cwd: "/", stdio: "ignore" });
  return probe.status === 0;
}
