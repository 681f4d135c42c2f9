// PromQL templates: a metric's query names the revision under analysis through placeholders, filled in per
// measurement. Values are escaped as PromQL string literals, so a placeholder inside quotes stays one string.
import { TARGET_LABELS } from "../../monitoring/scrape-config.js";

/** The placeholders a query may use, e.g. `{{revision}}`. */
export const QUERY_PLACEHOLDERS = ["namespace", "service", "revision", "window"] as const;
export type QueryPlaceholder = (typeof QUERY_PLACEHOLDERS)[number];

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]*)\s*\}\}/g;

/**
 * The selector of one revision's series: the target labels every scraped series carries (see TARGET_LABELS in
 * src/monitoring/scrape-config.ts), written with placeholders so that default and custom queries look alike.
 */
export const REVISION_SELECTOR = [
  `${TARGET_LABELS.namespace}="{{namespace}}"`,
  `${TARGET_LABELS.service}="{{service}}"`,
  `${TARGET_LABELS.revision}="{{revision}}"`,
].join(",");

/** Placeholders in `template` that are not in {@link QUERY_PLACEHOLDERS}, for schema validation. */
export function unknownPlaceholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)]
    .map((m) => m[1] as string)
    .filter((name) => !(QUERY_PLACEHOLDERS as readonly string[]).includes(name));
}

/** The query to send: every placeholder replaced by its value, escaped for a double-quoted PromQL string. */
export function renderQuery(template: string, values: Readonly<Record<QueryPlaceholder, string>>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => {
    if (!(name in values)) throw new Error(`unknown placeholder ${whole} in query ${template}`);
    return escapeLabelValue(values[name as QueryPlaceholder]);
  });
}

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}
