import Fastify from "fastify";

// Baseline A: the cheapest possible Fastify route, run as its own process like the services are.
const app = Fastify({ logger: false });
app.get("/constant", async () => ({ ok: true }));
await app.listen({ host: "127.0.0.1", port: Number(process.env.PORT) });
process.on("SIGTERM", () => app.close().then(() => process.exit(0)));
