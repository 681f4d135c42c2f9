import type { Line } from "@shop/shop-contracts";

/** A line row as SQL returns it: bigint prices come back as strings. */
export interface LineRow {
  sku: string;
  name: string;
  unit_price_minor: string;
  quantity: number;
}

/** Maps a line row to a Line with its total in integer minor units. */
export function toLine(row: LineRow): Line {
  const unitPriceMinor = Number(row.unit_price_minor);
  return {
    sku: row.sku,
    name: row.name,
    unitPriceMinor,
    quantity: row.quantity,
    lineTotalMinor: unitPriceMinor * row.quantity,
  };
}

/** Number of units and total of a list of lines. */
export function totalsOf(lines: readonly Line[]): { itemCount: number; totalMinor: number } {
  return lines.reduce(
    (sum, line) => ({ itemCount: sum.itemCount + line.quantity, totalMinor: sum.totalMinor + line.lineTotalMinor }),
    { itemCount: 0, totalMinor: 0 },
  );
}
