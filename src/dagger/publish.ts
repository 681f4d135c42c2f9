// publish(): every image pushed, answered with the references (with digests) the registry gave back.
import type { Container, Secret } from "@dagger.io/dagger";
import { imageName } from "../config/index.js";
import { imageReference } from "../plan/plan.js";
import type { Delivery } from "./context.js";
import { serviceImage } from "./image.js";

/** Registry credentials; the password only ever as a Secret. */
export interface RegistryCredentials {
  readonly username: string;
  readonly password: Secret;
}

/**
 * Pushes every service's image in parallel to `registry` (host and optional path prefix, see publishRegistry);
 * resolves to `<registry>/<repository>/<service>:<tag>@sha256:…` per service, in plan order.
 */
export async function publishImages(
  delivery: Delivery,
  tag: string,
  registry: string,
  credentials?: RegistryCredentials,
): Promise<string[]> {
  const pushes = delivery.plans.map((plan) => {
    const reference = imageReference(imageName(delivery.config.registry, plan.name, registry), tag);
    let image: Container = serviceImage(delivery, plan);
    if (credentials) {
      image = image.withRegistryAuth(registryHost(reference), credentials.username, credentials.password);
    }
    return image.publish(reference);
  });
  return Promise.all(pushes);
}

function registryHost(reference: string): string {
  return reference.split("/")[0] as string;
}
