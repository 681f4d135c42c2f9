import type { FastifyInstance } from "fastify";
import { HttpError } from "./errors.js";

/**
 * The only body parser every service has: JSON. Without Fastify's text/plain parser, any other content type
 * is answered 415 before a route sees it. A key that could reach an object's prototype is refused by name.
 */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
}

/** Parses a request body as JSON, refusing `__proto__` keys and `constructor.prototype` paths. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === "") throw invalidJson("body: is empty; send a JSON document", "must not be empty");
  let parsed: unknown;
  try {
    // JSON.parse makes `__proto__` an own property, so nothing is polluted before the check below refuses it.
    parsed = JSON.parse(text);
  } catch {
    throw invalidJson("body: is not valid JSON", "must be a JSON document");
  }
  const path = findForbiddenKey(parsed, ["body"]);
  if (path) {
    const field = path.join(".");
    throw new HttpError(400, "forbidden_key", `${field}: is a forbidden key`, [
      { field, message: "is a forbidden key" },
    ]);
  }
  return parsed;
}

const invalidJson = (message: string, issue: string) =>
  new HttpError(400, "invalid_json", message, [{ field: "body", message: issue }]);

function findForbiddenKey(value: unknown, path: readonly string[]): string[] | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = [...path, key];
    if (key === "__proto__") return here;
    if (key === "constructor" && typeof item === "object" && item !== null && Object.hasOwn(item, "prototype")) {
      return [...here, "prototype"];
    }
    const found = findForbiddenKey(item, here);
    if (found) return found;
  }
  return undefined;
}
