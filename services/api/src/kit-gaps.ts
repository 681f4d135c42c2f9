// The service kit exposes each app's prom-client Registry (app.metrics) but not the metric classes, and
// @shop/api does not declare prom-client itself; this is the one place that reaches for it (resolved through
// the workspace's hoisted copy that the kit depends on). Remove once the kit re-exports Counter.
export { Counter, type Registry } from "prom-client";
