import { z } from "zod";

const NUL = "\u0000";
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether PostgreSQL can store `value` as text: it refuses U+0000 (22021), and a lone UTF-16 surrogate has no
 * UTF-8 form (jsonb refuses its escape; text would silently get U+FFFD instead of what was sent).
 */
function isStorableText(value: string): boolean {
  return !value.includes(NUL) && !LONE_SURROGATE.test(value);
}

/** A string PostgreSQL can store; chain `.min()`, `.max()`, `.trim()` as on any zod string. */
export const storableTextSchema = z
  .string()
  .refine(isStorableText, "must not contain a NUL character or an unpaired UTF-16 surrogate");
