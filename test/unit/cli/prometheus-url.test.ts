// Where deploy and promote find Prometheus (--prometheus-url, else $PROMETHEUS_URL) and the storefront for synthetic
// load (--load-url), checked before any cluster is contacted.
import { describe, expect, it } from "vitest";
import { loadUrlOf, prometheusUrlOf } from "../../../src/cli/deliver/analysis.js";
import { UsageError } from "../../../src/cli/usage.js";

describe("prometheusUrlOf", () => {
  it("takes the flag over the variable, and neither means no analysis", () => {
    const env = { PROMETHEUS_URL: "http://from-env:9090" };
    expect(prometheusUrlOf({ "prometheus-url": "https://prom.example:9090/" }, env)).toBe("https://prom.example:9090");
    expect(prometheusUrlOf({}, env)).toBe("http://from-env:9090");
    expect(prometheusUrlOf({}, { PROMETHEUS_URL: "" })).toBeUndefined();
    expect(prometheusUrlOf({}, {})).toBeUndefined();
  });

  it("refuses what is not an http(s) URL, naming where it came from", () => {
    expect(() => prometheusUrlOf({ "prometheus-url": "prometheus:9090" }, {})).toThrow(UsageError);
    expect(() => prometheusUrlOf({ "prometheus-url": "ftp://prometheus" }, {})).toThrow(
      '--prometheus-url "ftp://prometheus" must be an http:// or https:// URL, e.g. http://prometheus.monitoring:9090',
    );
    expect(() => prometheusUrlOf({}, { PROMETHEUS_URL: "localhost:9090" })).toThrow(
      '$PROMETHEUS_URL "localhost:9090" must be an http:// or https:// URL',
    );
  });
});

describe("loadUrlOf", () => {
  it("takes the storefront's http(s) URL without a trailing slash; none means no synthetic load", () => {
    expect(loadUrlOf({ "load-url": "http://10.90.0.7:3000/" })).toBe("http://10.90.0.7:3000");
    expect(loadUrlOf({})).toBeUndefined();
  });

  it("refuses what is not an http(s) URL, naming the flag", () => {
    expect(() => loadUrlOf({ "load-url": "storefront:3000" })).toThrow(UsageError);
    expect(() => loadUrlOf({ "load-url": "file:///etc/passwd" })).toThrow(
      '--load-url "file:///etc/passwd" must be an http:// or https:// URL, e.g. http://127.0.0.1:3000',
    );
  });
});
