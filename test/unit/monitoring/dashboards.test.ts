// The generated Grafana dashboards. Neither @grafana/grafana-foundation-sdk nor @grafana/schema ships a JSON
// schema or a runtime validator for dashboards (only TypeScript types, which the SDK's builders already hold the
// code to, plus a few builder checks such as a panel width of at most 24), so this checks the written JSON
// structurally, and checks every PromQL expression with promtool by wrapping it in a recording rule.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadPipelineConfig, type PipelineConfig } from "../../../src/config/index.js";
import { MONITORING_PATHS, renderMonitoring } from "../../../src/monitoring/render.js";
import { promtool } from "./promtool.js";

/** How Grafana spells a reference to the data source variable (a literal `${datasource}`, not a JS template). */
const DATASOURCE_REF = ["$", "{datasource}"].join("");

interface Target {
  refId?: string;
  expr?: string;
}
interface Panel {
  id?: number;
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  gridPos?: { x: number; y: number; w: number; h: number };
}
interface DashboardJson {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string }[] };
  annotations?: { list: { name: string; expr?: string; datasource?: { uid?: string } }[] };
}

const pipelineFile = fileURLToPath(new URL("../../../pipeline.yaml", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "monitoring-dashboards-"));
let config: PipelineConfig;
let dashboards: { path: string; json: DashboardJson }[];
let recorded: Set<string>;

beforeAll(async () => {
  config = await loadPipelineConfig(pipelineFile);
  const files = renderMonitoring(config);
  dashboards = files
    .filter((f) => f.path.startsWith(`${MONITORING_PATHS.dashboards}/`))
    .map((f) => ({ path: f.path, json: JSON.parse(f.content) as DashboardJson }));
  const rules = files.find((f) => f.path === MONITORING_PATHS.rules)?.content ?? "";
  const { groups } = parse(rules) as { groups: { rules: { record?: string }[] }[] };
  recorded = new Set(groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const exprsOf = (d: DashboardJson) => [
  ...d.panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? "")),
  ...(d.annotations?.list ?? []).flatMap((a) => (a.expr ? [a.expr] : [])),
];

describe("the generated dashboards", () => {
  it("are one per service and one SLO overview, each with a stable uid of at most 40 characters", () => {
    expect(dashboards.map((d) => d.json.uid).sort()).toEqual(
      [...Object.keys(config.services).map((s) => `shop-service-${s}`), "shop-slo-overview"].sort(),
    );
    for (const { json } of dashboards) {
      expect(json.uid.length).toBeLessThanOrEqual(40);
      expect(json.title).toMatch(/^Shop \//);
      expect(json.schemaVersion).toBeGreaterThan(30);
    }
  });

  it("have panels with unique ids, on the 24-column grid without overlapping", () => {
    for (const { path, json } of dashboards) {
      const ids = json.panels.map((p) => p.id);
      expect(
        ids.every((id) => typeof id === "number"),
        path,
      ).toBe(true);
      expect(new Set(ids).size, path).toBe(ids.length);
      const cells = new Set<string>();
      for (const panel of json.panels) {
        const g = panel.gridPos;
        expect(g, `${path} ${panel.title}`).toBeDefined();
        if (!g) continue;
        expect(g.w > 0 && g.h > 0 && g.x >= 0 && g.y >= 0 && g.x + g.w <= 24, `${path} ${panel.title}`).toBe(true);
        for (let x = g.x; x < g.x + g.w; x++)
          for (let y = g.y; y < g.y + g.h; y++) {
            expect(cells.has(`${x},${y}`), `${path} ${panel.title} overlaps at ${x},${y}`).toBe(false);
            cells.add(`${x},${y}`);
          }
      }
    }
  });

  it("query the Prometheus data source variable from every panel and annotation, with an expression each", () => {
    for (const { path, json } of dashboards) {
      const variables = json.templating.list;
      expect(variables.find((v) => v.name === "datasource")?.type, path).toBe("datasource");
      for (const panel of json.panels.filter((p) => p.type !== "row")) {
        expect(panel.datasource, `${path} ${panel.title}`).toEqual({ type: "prometheus", uid: DATASOURCE_REF });
        expect(panel.targets?.length, `${path} ${panel.title}`).toBeGreaterThan(0);
        const refIds = (panel.targets ?? []).map((t) => t.refId);
        expect(new Set(refIds).size, `${path} ${panel.title}`).toBe(refIds.length);
        for (const t of panel.targets ?? []) expect(t.expr, `${path} ${panel.title}`).toMatch(/\S/);
      }
      for (const a of json.annotations?.list ?? []) expect(a.datasource?.uid, `${path} ${a.name}`).toBe(DATASOURCE_REF);
    }
  });

  it("use only variables they define and only series the rules file records", () => {
    for (const { path, json } of dashboards) {
      const defined = new Set(json.templating.list.map((v) => v.name));
      for (const expr of exprsOf(json)) {
        for (const [, name] of expr.matchAll(/\$\{?(\w+)/g))
          expect(defined.has(name ?? ""), `${path}: $${name}`).toBe(true);
        for (const [name] of expr.matchAll(/[a-z_]+:[a-z_]+:[a-z0-9_]+/g)) {
          expect(recorded.has(name), `${path}: ${name} is not recorded`).toBe(true);
        }
      }
    }
  });

  it("show each service by revision and mark revisions starting and stopping", () => {
    const api = dashboards.find((d) => d.json.uid === "shop-service-api")?.json;
    expect(api?.panels.map((p) => p.title)).toEqual([
      "Requests per second by revision",
      "5xx ratio by revision",
      "Latency p50 and p99 by revision",
      "Pods up by revision",
    ]);
    expect(api?.templating.list.map((v) => v.name)).toEqual(["datasource", "namespace"]);
    expect(api?.annotations?.list.map((a) => a.name)).toEqual(["Revision started serving", "Revision stopped serving"]);
  });

  it("have PromQL that promtool parses (variables replaced by sample values)", async () => {
    const rules = dashboards.flatMap(({ json }) =>
      exprsOf(json).map((expr, i) => ({
        record: `dashboard_check:${json.uid.replace(/-/g, "_")}:${i}`,
        expr: expr.replace(/\$namespace/g, "shop-prod"),
      })),
    );
    const file = join(dir, "dashboard-queries.rules.yml");
    writeFileSync(file, stringify({ groups: [{ name: "dashboard-queries", rules }] }));
    expect(await promtool("check", "rules", file)).toContain(`SUCCESS: ${rules.length} rules found`);
  });
});
