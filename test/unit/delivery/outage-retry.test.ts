// withOutageRetry: an unreachable or overloaded API server is retried within the tolerance; answers are not.

import { describe, expect, it } from "vitest";
import { ApiUnreachableError, KubeApiError } from "../../../src/delivery/errors.js";
import { type Clock, withOutageRetry } from "../../../src/delivery/kube.js";
import { ApiException, KubeConfig } from "../../../src/delivery/kube-client.js";

function fakeClock(): Clock & { slept: number[] } {
  let now = 0;
  const slept: number[] = [];
  return {
    slept,
    now: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
  };
}

const kubeConfig = new KubeConfig();
kubeConfig.loadFromOptions({
  clusters: [{ name: "c", server: "https://127.0.0.1:6443" }],
  users: [{ name: "u" }],
  contexts: [{ name: "x", cluster: "c", user: "u" }],
  currentContext: "x",
});
const refused = () => Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
const what = { action: "read", target: "Deployment shop/api" };

describe("withOutageRetry", () => {
  it("retries while the server is unreachable, with growing backoff, and returns the answer", async () => {
    const clock = fakeClock();
    let calls = 0;
    const result = await withOutageRetry({ kubeConfig, clock }, what, async () => {
      calls++;
      if (calls <= 4) throw calls % 2 ? refused() : new ApiException(503, "unavailable", "{}", {});
      return "ok";
    });
    expect(result).toBe("ok");
    expect(clock.slept).toEqual([250, 500, 1000, 2000]);
  });

  it("gives up after the tolerance with a one-line unreachable error", async () => {
    const clock = fakeClock();
    const error = await withOutageRetry({ kubeConfig, clock, apiOutageToleranceMs: 3000 }, what, async () => {
      throw refused();
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiUnreachableError);
    expect((error as Error).message).toMatch(/^cannot reach the Kubernetes API server at https:\/\/127\.0\.0\.1:6443/);
    expect(clock.now()).toBeLessThanOrEqual(3000);
  });

  it("never retries an answer such as 404 or 409", async () => {
    const clock = fakeClock();
    let calls = 0;
    const error = await withOutageRetry({ kubeConfig, clock }, what, async () => {
      calls++;
      throw new ApiException(409, "conflict", '{"message":"the object has been modified"}', {});
    }).catch((e: unknown) => e);
    expect(calls).toBe(1);
    expect(error).toBeInstanceOf(KubeApiError);
    expect((error as KubeApiError).status).toBe(409);
    expect((error as Error).message).toBe("read Deployment shop/api failed (HTTP 409): the object has been modified");
  });

  it("stops at the caller's deadline even when the tolerance is longer", async () => {
    const clock = fakeClock();
    await withOutageRetry({ kubeConfig, clock }, { ...what, deadline: 1000 }, async () => {
      throw refused();
    }).catch(() => {});
    expect(clock.now()).toBeLessThanOrEqual(1000);
  });
});
