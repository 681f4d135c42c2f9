import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { ErrorBody } from "./errors.js";

/** The longest path parameter the router accepts (set in createServiceApp, named in the 414 answer). */
export const MAX_PARAM_LENGTH = 100;

/** Fastify's own router refusals (a bad or too long path parameter) in the documented shape, never echoing the URL. */
export function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  request.log.info({ code: error.code }, "request refused by the router");
  if (error.code === "FST_ERR_MAX_PARAM_LENGTH") {
    return reply.code(414).send({
      error: "path_too_long",
      message: `params: a path parameter is longer than ${MAX_PARAM_LENGTH} characters`,
      details: [{ field: "params", message: `must be at most ${MAX_PARAM_LENGTH} characters` }],
    } satisfies ErrorBody);
  }
  if (error.code === "FST_ERR_BAD_URL") {
    return reply.code(400).send({
      error: "bad_url",
      message: "url: is not a valid URL (bad percent-encoding)",
      details: [{ field: "url", message: "is not a valid URL" }],
    } satisfies ErrorBody);
  }
  return reply.code(500).send({ error: "internal_error", message: "Something went wrong on our side" });
}

/**
 * Answers what Node's HTTP parser refused (oversized headers, a malformed request line, a timeout) in the
 * documented shape, then closes the connection as Node does.
 */
export function clientErrorHandler(this: FastifyInstance, error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const { status, body } = clientErrorAnswer(error.code);
  this.log.info({ code: error.code, statusCode: status }, "request refused by the HTTP parser");
  if (socket.writable) {
    const json = JSON.stringify(body);
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}

function clientErrorAnswer(code: string | undefined): { status: number; body: ErrorBody } {
  if (code === "ERR_HTTP_REQUEST_TIMEOUT") {
    return {
      status: 408,
      body: {
        error: "request_timeout",
        message: "request: took too long to arrive",
        details: [{ field: "request", message: "must arrive within the server's request timeout" }],
      },
    };
  }
  if (code === "HPE_HEADER_OVERFLOW") {
    return {
      status: 431,
      body: {
        error: "headers_too_large",
        message: "headers: are larger than this server accepts",
        details: [{ field: "headers", message: "must be smaller in total" }],
      },
    };
  }
  return {
    status: 400,
    body: {
      error: "malformed_request",
      message: `request: is not valid HTTP/1.1 (${code ?? "unknown parser error"})`,
      details: [{ field: "request", message: "could not be parsed as HTTP/1.1" }],
    },
  };
}
