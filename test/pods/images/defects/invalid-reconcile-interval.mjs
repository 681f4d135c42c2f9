// Preloaded (node --import) by the exits-at-start defect of checkout: a negative reconcile interval, set over
// whatever the pod's ConfigMap says, fails the service's own config validation (zod min(0)), so it exits 1 with a
// ConfigError before it listens. Image env cannot do this: the ConfigMap sets every variable checkout reads.
process.env.RECONCILE_INTERVAL_MS = "-1";
