// Where the pods tier's workloads run: on the real node only, which its taint keeps free of kwok-bound pods.
import type { V1Toleration } from "@kubernetes/client-node";
import { REAL_NODE_LABEL, REAL_NODE_TAINT } from "../../cluster/src/real-node/config.js";

/** The nodeSelector and toleration that put a pod on the real node. */
export function realNodePlacement(): { nodeSelector: Record<string, string>; tolerations: V1Toleration[] } {
  return {
    nodeSelector: { [REAL_NODE_LABEL.key]: REAL_NODE_LABEL.value },
    tolerations: [
      { key: REAL_NODE_TAINT.key, operator: "Equal", value: REAL_NODE_TAINT.value, effect: REAL_NODE_TAINT.effect },
    ],
  };
}
