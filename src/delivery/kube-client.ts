// The Kubernetes client as the delivery code loads it: node-compat first (the client's Node 22 APIs on Node 20),
// then @kubernetes/client-node. Code that needs the client's values imports them from here; type-only imports
// may name the package directly, as they load nothing.
import "./node-compat.js";

export * from "@kubernetes/client-node";
