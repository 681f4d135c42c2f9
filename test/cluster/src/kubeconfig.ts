import { readFile } from "node:fs/promises";

/** What a kubeconfig needs: where the apiserver is and the PEM files to trust it and log in. */
export interface KubeconfigInput {
  readonly server: string;
  readonly caCert: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** Name of the cluster, context and user entries. */
  readonly name: string;
}

/**
 * Renders a self-contained kubeconfig (certificates embedded), so it can be copied or handed on as a
 * secret without the run directory's files.
 */
export async function renderKubeconfig(input: KubeconfigInput): Promise<string> {
  const [ca, cert, key] = await Promise.all(
    [input.caCert, input.clientCert, input.clientKey].map(async (file) => (await readFile(file)).toString("base64")),
  );
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: input.name, cluster: { server: input.server, "certificate-authority-data": ca } }],
    users: [{ name: input.name, user: { "client-certificate-data": cert, "client-key-data": key } }],
    contexts: [{ name: input.name, context: { cluster: input.name, user: input.name } }],
    "current-context": input.name,
    preferences: {},
  };
  // JSON is valid YAML, and every Kubernetes client reads it.
  return `${JSON.stringify(config, null, 2)}\n`;
}
