// Engine-free: how the integration step wires the services to PostgreSQL and to each other.
import type { ServicePlan } from "./plan.js";

/** Host name PostgreSQL is bound under in every container that needs it. */
export const POSTGRES_HOST = "postgres";
export const POSTGRES_PORT = 5432;
export const POSTGRES_USER = "postgres";
/** Files here run once when the official postgres image initialises an empty data directory. */
export const POSTGRES_INIT_DIR = "/docker-entrypoint-initdb.d";

/** What one service container gets in integration. */
export interface ServiceWiring {
  /** Plain variables: pipeline.yaml's env, then HOST/PORT and one `<CALLEE>_URL` per called service. */
  readonly env: Readonly<Record<string, string>>;
  /** Variables passed as Dagger secrets (values stay out of logs and image config). */
  readonly secrets: Readonly<Record<string, string>>;
  /** Host names bound into the container: postgres if it owns a database, and every service it calls. */
  readonly bindings: readonly string[];
}

/** The database a service owns: its name with '-' turned into '_' (PostgreSQL identifiers). */
export function databaseName(service: string): string {
  return `shop_${service.replace(/-/g, "_")}`;
}

/** `API_URL` for `api`, `ORDER_HISTORY_URL` for `order-history`. */
export function urlVariable(service: string): string {
  return `${service.toUpperCase().replace(/-/g, "_")}_URL`;
}

/**
 * A throwaway value for a secret variable in integration only: long enough for every length rule of the services
 * (COOKIE_SECRET needs 32 characters) and obviously not a production credential.
 */
export function integrationSecretValue(variable: string): string {
  return `integration-only-${variable.toLowerCase().replace(/_/g, "-")}-not-a-real-secret-0123456789`;
}

/** The databases integration creates: one per service that owns data, in plan order. */
export function integrationDatabases(plans: readonly ServicePlan[]): string[] {
  return plans.filter((plan) => plan.database).map((plan) => databaseName(plan.name));
}

/**
 * The SQL the postgres container runs on first start, creating every database after the first (which the image
 * creates itself from POSTGRES_DB). Names are checked, since they are spliced into SQL.
 */
export function databaseInitSql(databases: readonly string[]): string {
  return databases
    .slice(1)
    .map((name) => {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a safe database name: ${name}`);
      return `CREATE DATABASE ${name};\n`;
    })
    .join("");
}

/** Each service's environment, secrets and bindings for integration, keyed by service name. */
export function integrationWiring(
  plans: readonly ServicePlan[],
  postgresPassword: string,
): Record<string, ServiceWiring> {
  const byName = new Map(plans.map((plan) => [plan.name, plan]));
  const wiring: Record<string, ServiceWiring> = {};
  for (const plan of plans) {
    const env: Record<string, string> = { ...plan.env, HOST: "0.0.0.0", PORT: String(plan.port) };
    const bindings: string[] = [];
    for (const callee of plan.calls) {
      const target = byName.get(callee);
      if (!target) throw new Error(`${plan.name} calls ${callee}, which is not part of this integration run`);
      env[urlVariable(callee)] = `http://${callee}:${target.port}`;
      bindings.push(callee);
    }
    const secrets: Record<string, string> = {};
    for (const variable of plan.secrets) {
      secrets[variable] =
        variable === "DATABASE_URL" && plan.database
          ? databaseUrl(databaseName(plan.name), postgresPassword)
          : integrationSecretValue(variable);
    }
    if (plan.database) {
      secrets.DATABASE_URL ??= databaseUrl(databaseName(plan.name), postgresPassword);
      bindings.unshift(POSTGRES_HOST);
    }
    wiring[plan.name] = { env, secrets, bindings };
  }
  return wiring;
}

/**
 * The order to start services in: every service after the ones it calls. Dagger starts bound services on demand
 * anyway; this order is for humans reading the summary and for checking that the call graph has no cycle.
 */
export function startOrder(plans: readonly ServicePlan[]): string[] {
  const byName = new Map(plans.map((plan) => [plan.name, plan]));
  const order: string[] = [];
  const visit = (name: string, trail: string[]) => {
    if (order.includes(name)) return;
    if (trail.includes(name)) throw new Error(`call cycle: ${[...trail, name].join(" → ")}`);
    for (const callee of byName.get(name)?.calls ?? []) visit(callee, [...trail, name]);
    order.push(name);
  };
  for (const plan of plans) visit(plan.name, []);
  return order;
}

function databaseUrl(database: string, password: string): string {
  return `postgres://${POSTGRES_USER}:${encodeURIComponent(password)}@${POSTGRES_HOST}:${POSTGRES_PORT}/${database}`;
}
