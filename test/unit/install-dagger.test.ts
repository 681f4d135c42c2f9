// scripts/install-dagger.sh, which the Jenkinsfile and .gitlab-ci.yml use, installs the CLI only when the archive's
// SHA-256 is the one the release publishes. The two origins are served from loopback here, with a stand-in archive.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { access, chmod, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { arch, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./this-repo.js";

const run = promisify(execFile);
const VERSION = "0.21.9";
const ARCHIVE = `dagger_v${VERSION}_linux_${arch() === "arm64" ? "arm64" : "amd64"}.tar.gz`;

let work: string;
let server: Server;
let archive: Buffer;
/** What the checksums origin answers; each test sets it. */
let checksums = "";

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "install-dagger-"));
  await writeFile(join(work, "dagger"), `#!/bin/sh\necho "dagger v${VERSION} (stand-in) linux/amd64"\n`);
  await chmod(join(work, "dagger"), 0o755);
  await run("tar", ["-czf", ARCHIVE, "dagger"], { cwd: work });
  archive = await readFile(join(work, ARCHIVE));
  server = createServer((request, response) => {
    if (request.url === `/archive/${ARCHIVE}`) response.end(archive);
    else if (request.url === "/release/checksums.txt") response.end(checksums);
    else response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(work, { recursive: true, force: true });
});

async function install(binDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { stdout, stderr } = await run("sh", [join(REPO_ROOT, "scripts/install-dagger.sh"), VERSION, binDir], {
      env: {
        ...process.env,
        DAGGER_ARCHIVE_BASE_URL: `${base}/archive`,
        DAGGER_CHECKSUMS_BASE_URL: `${base}/release`,
      },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

describe("scripts/install-dagger.sh", () => {
  it("installs the CLI when the archive matches the release's checksum, and leaves it alone the next time", async () => {
    checksums = `${"0".repeat(64)}  dagger_v${VERSION}_darwin_arm64.tar.gz\n${sha256(archive)}  ${ARCHIVE}\n`;
    const binDir = join(work, "good-bin");
    const first = await install(binDir);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout).toContain(`dagger v${VERSION} (${sha256(archive)}) installed in ${binDir}`);
    const { stdout } = await run(join(binDir, "dagger"), ["version"]);
    expect(stdout).toMatch(new RegExp(`^dagger v${VERSION} `));
    expect((await install(binDir)).stdout).toContain(`dagger v${VERSION} is already in ${binDir}`);
  });

  it("refuses an archive whose SHA-256 is not the release's, and installs nothing", async () => {
    const published = sha256(Buffer.from("another archive"));
    checksums = `${published}  ${ARCHIVE}\n`;
    const binDir = join(work, "tampered-bin");
    const result = await install(binDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `${ARCHIVE} has SHA-256 ${sha256(archive)}, the release says ${published}: not installed`,
    );
    expect(await exists(join(binDir, "dagger"))).toBe(false);
  });

  it("refuses when the release lists no checksum for this archive", async () => {
    checksums = `${sha256(archive)}  dagger_v${VERSION}_linux_riscv64.tar.gz\n`;
    const binDir = join(work, "unlisted-bin");
    const result = await install(binDir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/checksums\.txt lists no checksum for dagger_v0\.21\.9_linux_\w+\.tar\.gz/);
    expect(await exists(join(binDir, "dagger"))).toBe(false);
  });
});
