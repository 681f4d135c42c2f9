import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { z } from "zod";

/** A dependency check for `/readyz`: resolves when the dependency answers, rejects with the reason otherwise. */
export type ReadinessCheck = () => Promise<unknown>;

export interface HealthOptions {
  readonly checks: Readonly<Record<string, ReadinessCheck>>;
  /** How long one check may take before it counts as failed. */
  readonly timeoutMs?: number;
}

const readinessSchema = z.object({
  status: z.enum(["ready", "not_ready"]),
  checks: z.record(z.string(), z.string()),
});

/** `GET /healthz` (the process is alive) and `GET /readyz` (every dependency answers). */
export const healthPlugin = fp(
  async (app: FastifyInstance, options: HealthOptions) => {
    const timeoutMs = options.timeoutMs ?? 2000;
    let closing = false;
    app.addHook("preClose", async () => {
      closing = true;
    });

    app.get(
      "/healthz",
      { schema: { tags: ["health"], response: { 200: z.object({ status: z.literal("ok") }) } } },
      async () => ({ status: "ok" as const }),
    );

    app.get(
      "/readyz",
      { schema: { tags: ["health"], response: { 200: readinessSchema, 503: readinessSchema } } },
      async (_request, reply) => {
        const entries = await Promise.all(
          Object.entries(options.checks).map(
            async ([name, check]) => [name, await runCheck(check, timeoutMs)] as const,
          ),
        );
        const checks = Object.fromEntries(entries);
        const ready = !closing && entries.every(([, result]) => result === "ok");
        if (closing) checks.shutdown = "in progress";
        return reply.code(ready ? 200 : 503).send({ status: ready ? "ready" : "not_ready", checks });
      },
    );
  },
  { name: "health" },
);

async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check(), timeout]);
    return "ok";
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  } finally {
    clearTimeout(timer);
  }
}
