import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from "fastify-type-provider-zod";
import { type ErrorBody, type FieldIssue, HttpError } from "./errors.js";

/** The one error handler: 4xx answers name what was wrong; 5xx answers say little and the log says everything. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { statusCode, body } = toErrorAnswer(error);
    if (statusCode >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ error: body.error, statusCode }, body.message);
    return reply.code(statusCode).send(statusCode >= 500 ? { ...body, details: { requestId: request.id } } : body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: "not_found", message: `No route for ${request.method} ${request.url.split("?")[0]}` }),
  );
}

function toErrorAnswer(error: FastifyError): { statusCode: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    return {
      statusCode: error.statusCode,
      body: { error: error.code, message: error.message, details: error.details },
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => fieldIssue(error.validationContext ?? "request", issue));
    return {
      statusCode: 400,
      body: {
        error: "validation_failed",
        message: issues.map((i) => `${i.field}: ${i.message}`).join("; "),
        details: issues,
      },
    };
  }
  if (isResponseSerializationError(error)) {
    return internal();
  }
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) return { statusCode: status, body: clientError(error) };
  return internal();
}

function fieldIssue(
  context: string,
  issue: { instancePath: string; message?: string; params: Record<string, unknown> },
): FieldIssue {
  const path = issue.instancePath.split("/").filter(Boolean);
  const unknownKeys = issue.params.keys;
  if (Array.isArray(unknownKeys) && unknownKeys.length > 0) {
    return { field: [context, ...path, unknownKeys.join(",")].join("."), message: "is not a known field" };
  }
  return { field: [context, ...path].join("."), message: issue.message ?? "is invalid" };
}

// Fastify's own 4xx refusals (body parsing, content type, body size), named by the header or part they are about.
function clientError(error: FastifyError): ErrorBody {
  switch (error.code) {
    case "FST_ERR_CTP_BODY_TOO_LARGE":
      return fieldError("payload_too_large", "body", "is larger than this route accepts");
    case "FST_ERR_CTP_INVALID_MEDIA_TYPE":
      return fieldError("unsupported_media_type", "headers.content-type", "is not a media type this route accepts");
    default:
      return { error: "bad_request", message: error.message, details: [] };
  }
}

function fieldError(error: string, field: string, message: string): ErrorBody {
  return { error, message: `${field}: ${message}`, details: [{ field, message }] };
}

function internal(): { statusCode: number; body: ErrorBody } {
  return { statusCode: 500, body: { error: "internal_error", message: "Something went wrong on our side" } };
}
