// Preloaded (node --import) by the unready defect of checkout: payments at a name that never resolves (.invalid,
// RFC 6761), set over the pod's ConfigMap. The service starts and answers /healthz; /readyz fails fast because
// its payments health check gets a DNS error instead of an answer.
process.env.PAYMENTS_URL = "http://payments-unreachable.invalid:3003";
