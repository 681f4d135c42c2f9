import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";

/** What a browser's signed session cookie remembers: its cart and the checkouts and orders it placed. */
export interface Session {
  readonly cartId?: string;
  readonly orderIds: readonly string[];
  readonly checkoutIds: readonly string[];
}

const COOKIE = "shop_session";
const MAX_REMEMBERED = 10;
const MAX_AGE_SECONDS = 30 * 24 * 3600;
const EMPTY: Session = { orderIds: [], checkoutIds: [] };

const idList = z.array(z.string().max(64)).max(MAX_REMEMBERED);
const sessionSchema = z.object({ cartId: z.string().max(64).optional(), orderIds: idList, checkoutIds: idList });

/** Reads and writes the session cookie; signed with COOKIE_SECRET, so a forged or altered one reads as empty. */
export interface SessionStore {
  read(request: FastifyRequest): Session;
  write(reply: FastifyReply, session: Session): void;
}

/** A SessionStore whose cookie is httpOnly, SameSite=Lax, and Secure when `secure`. */
export function createSessionStore(secure: boolean): SessionStore {
  return {
    read(request) {
      const signed = request.cookies[COOKIE];
      if (!signed) return EMPTY;
      const { valid, value } = request.unsignCookie(signed);
      if (!valid || value === null) return EMPTY;
      try {
        const parsed = sessionSchema.safeParse(JSON.parse(Buffer.from(value, "base64url").toString("utf8")));
        return parsed.success ? parsed.data : EMPTY;
      } catch {
        return EMPTY;
      }
    },
    write(reply, session) {
      const value = Buffer.from(JSON.stringify(session)).toString("base64url");
      reply.setCookie(COOKIE, value, {
        signed: true,
        httpOnly: true,
        sameSite: "lax",
        secure,
        path: "/",
        maxAge: MAX_AGE_SECONDS,
      });
    },
  };
}

/** The session with `id` added to the list `list` (oldest dropped beyond ten), so this browser may view it later. */
export function remember(session: Session, list: "orderIds" | "checkoutIds", id: string): Session {
  if (session[list].includes(id)) return session;
  return { ...session, [list]: [...session[list], id].slice(-MAX_REMEMBERED) };
}
