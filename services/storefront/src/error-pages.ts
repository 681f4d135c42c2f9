import { DownstreamError, DownstreamUnavailableError } from "@shop/service-kit";
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { PageSender } from "./pages.js";
import { errorPage } from "./views/error.js";

/** Answers errors inside the pages scope with HTML pages: 4xx pages say what was wrong, 5xx pages say little. */
export function installErrorPages(app: FastifyInstance, pages: PageSender): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.code === "FST_CSRF_MISSING_SECRET" || error.code === "FST_CSRF_INVALID_TOKEN") {
      request.log.warn({ code: error.code }, "form refused: missing or wrong CSRF token");
      const page = errorPage({
        title: "This form has expired",
        message: "For your security we could not accept that form. Please go back, reload the page and try again.",
      });
      return pages.send(reply, "error", page, 403);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const context = error.validationContext ?? "request";
      const fields = error.validation.map((issue) => {
        const path = [context, ...issue.instancePath.split("/").filter(Boolean)].join(".");
        const unknown = issue.params.keys;
        return Array.isArray(unknown) && unknown.length > 0
          ? `${path}.${unknown.join(",")}: is not a known field`
          : `${path}: ${issue.message ?? "is invalid"}`;
      });
      request.log.info({ fields }, "request refused: invalid input");
      const page = errorPage({
        title: "Something in that request was not right",
        message: "Please check:",
        items: fields,
      });
      return pages.send(reply, "error", page, 400);
    }
    if (error instanceof DownstreamUnavailableError || (error instanceof DownstreamError && error.statusCode >= 500)) {
      request.log.error({ err: error }, "a service the storefront needs did not answer");
      const page = errorPage({
        title: "The shop is briefly unavailable",
        message: "We could not reach part of the shop just now. Please try again in a minute.",
      });
      return pages.send(reply, "error", page, 503);
    }
    // An answer we did not expect from api or checkout is our fault, whatever status it carried.
    const status = error instanceof DownstreamError ? 500 : (error.statusCode ?? 500);
    if (status >= 400 && status < 500) {
      request.log.info({ code: error.code, statusCode: status }, error.message);
      const message = status === 413 ? "That form was too large." : "That request could not be understood.";
      return pages.send(reply, "error", errorPage({ title: "Sorry", message }), status);
    }
    request.log.error({ err: error }, "page failed");
    const page = errorPage({
      title: "Something went wrong",
      message: `Something went wrong on our side. If it keeps happening, quote reference ${request.id}.`,
    });
    return pages.send(reply, "error", page, 500);
  });
}
