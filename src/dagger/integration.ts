// integration(): PostgreSQL and every service started from its production image as Dagger services, bound by name,
// and the smoke flow (smoke.ts) run against them from the development container.
import { type Container, dag, type Service } from "@dagger.io/dagger";
import { SMOKE_SCRIPT, SMOKE_URL_VARIABLES } from "../plan/smoke.js";
import {
  databaseInitSql,
  integrationDatabases,
  integrationSecretValue,
  integrationWiring,
  POSTGRES_HOST,
  POSTGRES_INIT_DIR,
  POSTGRES_PORT,
  type ServiceWiring,
  startOrder,
} from "../plan/wiring.js";
import type { Delivery } from "./context.js";
import { developmentContainer, serviceImage } from "./image.js";

/** The PostgreSQL image integration runs (the official image's POSTGRES_* and initdb.d contract). */
export const POSTGRES_IMAGE = "postgres:17";

/**
 * PostgreSQL with one database per data-owning service. `instance` tells apart servers that would otherwise be one
 * (the engine runs identical service definitions once), e.g. the perf gate's two shops.
 */
export function postgresService(databases: readonly string[], instance?: string): Service {
  const postgres = dag.container().from(POSTGRES_IMAGE);
  return (instance === undefined ? postgres : postgres.withEnvVariable("SHOP_INSTANCE", instance))
    .withSecretVariable("POSTGRES_PASSWORD", dag.setSecret("integration-postgres-password", postgresPassword()))
    .withEnvVariable("POSTGRES_DB", databases[0] ?? "postgres")
    .withNewFile(`${POSTGRES_INIT_DIR}/10-databases.sql`, databaseInitSql(databases))
    .withExposedPort(POSTGRES_PORT)
    .asService({ useEntrypoint: true });
}

/** Each service's integration environment, secrets and bindings (see integrationWiring). */
export function shopWiring(delivery: Delivery): Record<string, ServiceWiring> {
  return integrationWiring(delivery.plans, postgresPassword());
}

/** How {@link shopServices} varies a shop. */
export interface ShopOptions {
  /** Variables added or overridden per service (e.g. a shorter sandbox delay for a test that needs one). */
  readonly env?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** Images to run instead of the ones built from the source, per service (e.g. the published ones). */
  readonly images?: Readonly<Record<string, Container>>;
  /** A name that keeps this shop's PostgreSQL apart from another shop's in the same run. */
  readonly instance?: string;
}

/** Every service of the plan as a Dagger service, wired to PostgreSQL and to the services it calls. */
export function shopServices(delivery: Delivery, options: ShopOptions = {}): Record<string, Service> {
  const wiring = shopWiring(delivery);
  const services: Record<string, Service> = {
    [POSTGRES_HOST]: postgresService(integrationDatabases(delivery.plans), options.instance),
  };
  for (const name of startOrder(delivery.plans)) {
    const plan = delivery.plans.find((p) => p.name === name);
    const wired = wiring[name];
    if (!plan || !wired) continue;
    let container: Container = options.images?.[name] ?? serviceImage(delivery, plan);
    for (const [variable, value] of Object.entries({ ...wired.env, ...options.env?.[name] })) {
      container = container.withEnvVariable(variable, value);
    }
    for (const [variable, value] of Object.entries(wired.secrets)) {
      container = container.withSecretVariable(variable, dag.setSecret(`integration-${name}-${variable}`, value));
    }
    for (const host of wired.bindings) {
      const bound = services[host];
      if (!bound) throw new Error(`${name} needs ${host}, which has not been started`);
      container = container.withServiceBinding(host, bound);
    }
    services[name] = container.asService({ useEntrypoint: true });
  }
  return services;
}

/** Runs the smoke flow against the bound services; resolves to its report, rejects with it when a check fails. */
export async function runIntegration(delivery: Delivery): Promise<string> {
  const smoke = withShopUrls(developmentContainer(delivery), delivery, shopServices(delivery), {
    step: "integration",
    urlVariables: SMOKE_URL_VARIABLES,
  });
  return smoke.withExec(["node_modules/.bin/tsx", SMOKE_SCRIPT]).stdout();
}

/**
 * `client` with each service named in `urlVariables` bound by its name and that variable set to its URL, as the
 * smoke flow and the browser suite expect them.
 */
export function withShopUrls(
  client: Container,
  delivery: Delivery,
  services: Readonly<Record<string, Service>>,
  options: { readonly step: string; readonly urlVariables: Readonly<Record<string, string>> },
): Container {
  let bound = client;
  for (const [target, variable] of Object.entries(options.urlVariables)) {
    const service = services[target];
    const port = delivery.plans.find((plan) => plan.name === target)?.port;
    if (!service || port === undefined) throw new Error(`${options.step} needs a "${target}" service in pipeline.yaml`);
    bound = bound.withServiceBinding(target, service).withEnvVariable(variable, `http://${target}:${port}`);
  }
  return bound;
}

// Integration's database lives only as long as the run; its password only has to be the same on both ends.
function postgresPassword(): string {
  return integrationSecretValue("POSTGRES_PASSWORD");
}
