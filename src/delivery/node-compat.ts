// @kubernetes/client-node 2.x depends on undici 8, which declares Node >= 22.19. On this machine's
// Node 20 it fails at import time (zlib.createZstdDecompress, worker_threads.markAsUncloneable) and
// on the first request (Promise.withResolvers). The delivery code runs on Node 24 in its container;
// these stand-ins let the same code run from Node 20 (tests, plain CLI). Each is a no-op on Node >= 22.
// Import this module before @kubernetes/client-node (kube.ts does).
import workerThreads from "node:worker_threads";
import zlib from "node:zlib";

const z = zlib as unknown as Record<string, unknown>;
for (const name of ["createZstdDecompress", "createZstdCompress"]) {
  if (typeof z[name] !== "function") {
    // The API server offers gzip only, so zstd is never negotiated; fail loudly if it ever is.
    z[name] = () => {
      throw new Error(`zlib.${name} needs Node >= 22.15`);
    };
  }
}

const wt = workerThreads as unknown as Record<string, unknown>;
// Marks web objects as not structured-cloneable; only matters when posting them to workers.
if (typeof wt.markAsUncloneable !== "function") wt.markAsUncloneable = () => {};

const P = Promise as unknown as { withResolvers?: unknown };
if (typeof P.withResolvers !== "function") {
  P.withResolvers = <T>() => {
    let resolve!: (value: T | PromiseLike<T>) => void;
    let reject!: (reason?: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
