import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { type NotYet, notYet } from "./wait.js";

/**
 * GETs a health endpoint of a component on loopback and returns its body when it answers 200, or a
 * `notYet` reason. The controller-manager and scheduler serve self-signed certificates made at start,
 * so those probes cannot verify the peer; they only ever go to 127.0.0.1.
 */
export function probeHealth(url: string): Promise<string | NotYet> {
  const target = new URL(url);
  if (target.hostname !== "127.0.0.1") throw new Error(`health probes go to 127.0.0.1 only, not ${target.hostname}`);
  const request = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = request(target, { rejectUnauthorized: false, timeout: 3_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const body = Buffer.concat(chunks).toString("utf8");
        resolve(res.statusCode === 200 ? body : notYet(`HTTP ${res.statusCode}: ${body.slice(0, 300)}`));
      });
    });
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", (error) => resolve(notYet(error.message)));
    req.end();
  });
}
