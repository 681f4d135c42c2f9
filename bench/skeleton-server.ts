import http from "node:http";
import Fastify from "fastify";
import pg from "pg";

/**
 * One process of the checkout's skeleton (bench/lib/skeleton.ts): the same requests and commits as the real checkout
 * path, with none of its logic. ROLE picks the part; COMMITS is how many single-row commits each request makes.
 */
const role = process.env.ROLE;
const commits = Number(process.env.COMMITS);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
await pool.query("CREATE TABLE IF NOT EXISTS skeleton (id bigserial PRIMARY KEY, body text NOT NULL)");
const agent = new http.Agent({ keepAlive: true });

const commit = () =>
  pool.query({ name: "skeleton-insert", text: "INSERT INTO skeleton (body) VALUES ($1) RETURNING id", values: [role] });

async function commitAll(): Promise<void> {
  for (let i = 0; i < commits; i++) await commit();
}

function post(url: string, body: unknown): Promise<unknown> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const headers = { "content-type": "application/json", "content-length": Buffer.byteLength(data) };
    const request = http.request(url, { method: "POST", agent, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => {
        text += chunk;
      });
      response.on("end", () => resolve(JSON.parse(text)));
      response.on("error", reject);
    });
    request.on("error", reject);
    request.end(data);
  });
}

const app = Fastify({ logger: false });
app.get("/healthz", async () => ({ ok: true }));
app.post("/work", async (request) => {
  await commitAll();
  return { ok: true, echo: request.body };
});
// The real checkout's order of work: record the key, create the order, note "payment sent", charge, mark paid,
// record the answer. With COMMITS = 3 that is one commit before the order, one before the charge, one at the end.
const before = Math.min(commits, 1);
const after = commits >= 2 ? 1 : 0;
app.post("/checkout", async (request, reply) => {
  for (let i = 0; i < before; i++) await commit();
  const order = await post(`${process.env.API_URL}/work`, request.body);
  for (let i = before + after; i < commits; i++) await commit();
  const payment = await post(`${process.env.PAYMENTS_URL}/work`, { order });
  const paid = await post(`${process.env.API_URL}/work`, { payment });
  for (let i = 0; i < after; i++) await commit();
  return reply.code(201).send({ ok: true, paid });
});

await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
process.on("SIGTERM", () => {
  void app.close().then(() => pool.end().then(() => process.exit(0)));
});
