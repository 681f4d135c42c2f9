// The JSON `pipeline affected` prints, read back where another process (the Dagger function's container) ran it.
import { z } from "zod";
import type { AffectedServices } from "./affected.js";
import { AffectedError } from "./errors.js";

const names = z.array(z.string());

const affectedReportSchema = z.strictObject({
  build: names,
  retest: names,
  reasons: z.record(z.string(), names),
  unclassified: names,
});

/** AffectedServices from the CLI's stdout; anything else is an AffectedError saying what was wrong. */
export function parseAffectedReport(stdout: string): AffectedServices {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch (error) {
    throw new AffectedError(`pipeline affected printed no JSON: ${stdout.slice(0, 200)}`, { cause: error });
  }
  const parsed = affectedReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AffectedError(
      `pipeline affected printed an unexpected report: ${issue?.path.join(".")}: ${issue?.message}`,
    );
  }
  return parsed.data;
}
