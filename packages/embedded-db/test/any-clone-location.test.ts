import { chmod, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { copyEmbeddedDb, startFromCopy } from "./support/package-copy.js";

const asRoot = userInfo().uid === 0;
const TIMEOUT = 180_000;

// As root the server runs as `postgres`, which cannot enter a directory of mode 700 that root owns: the defect was
// `spawn …/native/bin/initdb EACCES` from any clone inside such a directory (/root, a `mktemp -d` folder).
describe("a clone inside a directory only its owner can enter", () => {
  let closed: string;
  const relocated: string[] = [];
  beforeAll(async () => {
    closed = await mkdtemp(join(tmpdir(), "closed-clone-"));
    expect((await stat(closed)).mode & 0o777).toBe(0o700);
    await copyEmbeddedDb(join(closed, "repo"));
  }, TIMEOUT);
  afterAll(async () => {
    await Promise.all([closed, ...relocated].map((dir) => rm(dir, { recursive: true, force: true })));
  });

  it(
    "starts a throwaway database, run by the postgres account when root, and removes it on stop",
    async () => {
      const report = await startFromCopy(join(closed, "repo"));
      expect(report.visits).toBe(1);
      expect(report.served).toBe(report.dataDir);
      if (asRoot) {
        expect(report.dataDir.startsWith(closed)).toBe(false);
        expect(report.owner).toBe(
          Number((await readFile("/etc/passwd", "utf8")).match(/^postgres:[^:]*:(\d+):/m)?.[1]),
        );
      } else {
        expect(report.owner).toBe(userInfo().uid);
      }
      await expect(stat(report.dataDir)).rejects.toThrow(/ENOENT/);
    },
    TIMEOUT,
  );

  it(
    "keeps a persistent data directory across restarts (as root: under /var/tmp, found again through <dataDir>.location)",
    async () => {
      const requested = join(closed, "repo", ".data", "postgres");
      const first = await startFromCopy(join(closed, "repo"), { dataDir: requested });
      relocated.push(first.dataDir);
      const second = await startFromCopy(join(closed, "repo"), { dataDir: requested });
      expect([first.visits, second.visits]).toEqual([1, 2]);
      expect(second.dataDir).toBe(first.dataDir);
      if (asRoot) {
        expect(first.dataDir.startsWith("/var/tmp/shop-postgres-data-")).toBe(true);
        expect((await readFile(`${requested}.location`, "utf8")).trim()).toBe(first.dataDir);
        expect((await stat(first.dataDir)).mode & 0o777).toBe(0o700);
      } else {
        expect(first.dataDir).toBe(requested);
      }
    },
    TIMEOUT,
  );
});

describe("an ordinary user", () => {
  let open: string;
  beforeAll(async () => {
    open = await mkdtemp(join(tmpdir(), "open-clone-"));
    await chmod(open, 0o755);
    await copyEmbeddedDb(join(open, "repo"));
  }, TIMEOUT);
  afterAll(() => rm(open, { recursive: true, force: true }));

  it(
    "starts the database as itself (run as nobody through runuser when the suite runs as root)",
    async () => {
      const report = await startFromCopy(join(open, "repo"), asRoot ? { asUser: "nobody" } : {});
      expect(report.visits).toBe(1);
      expect(report.owner).toBe(asRoot ? 65534 : userInfo().uid);
    },
    TIMEOUT,
  );
});
