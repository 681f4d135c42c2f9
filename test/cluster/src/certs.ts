import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { run } from "./exec.js";

/** Files of the cluster's PKI, all PEM. */
export interface Certificates {
  readonly caCert: string;
  readonly caKey: string;
  readonly apiserverCert: string;
  readonly apiserverKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  /** Signs service-account tokens (controller-manager) and verifies them (apiserver). */
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

/** Options for {@link generateCertificates}. */
export interface CertificateOptions {
  /** Directory the files are written to. */
  readonly dir: string;
  /** Extra IP addresses the serving certificate must name besides 127.0.0.1 (the first service IP). */
  readonly apiserverIps: readonly string[];
  /** Validity in days; the cluster is short-lived. */
  readonly days?: number;
}

/** Names the apiserver answers to inside and outside the cluster. */
const apiserverDnsNames = [
  "localhost",
  "kubernetes",
  "kubernetes.default",
  "kubernetes.default.svc",
  "kubernetes.default.svc.cluster.local",
];

/** Creates a fresh CA, the apiserver's serving cert, an admin client cert (system:masters) and the service-account key pair. */
export async function generateCertificates(options: CertificateOptions): Promise<Certificates> {
  const { dir } = options;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const days = String(options.days ?? 30);
  const files: Certificates = {
    caCert: join(dir, "ca.crt"),
    caKey: join(dir, "ca.key"),
    apiserverCert: join(dir, "apiserver.crt"),
    apiserverKey: join(dir, "apiserver.key"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
    serviceAccountKey: join(dir, "service-account.key"),
    serviceAccountPub: join(dir, "service-account.pub"),
  };

  await run("openssl", [
    "req",
    "-x509",
    "-new",
    "-nodes",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-keyout",
    files.caKey,
    "-out",
    files.caCert,
    "-days",
    days,
    "-subj",
    "/CN=ecommerce-test-cluster-ca",
    "-addext",
    "basicConstraints=critical,CA:TRUE",
    "-addext",
    "keyUsage=critical,keyCertSign,cRLSign,digitalSignature",
  ]);

  const sans = [
    "IP:127.0.0.1",
    ...options.apiserverIps.map((ip) => `IP:${ip}`),
    ...apiserverDnsNames.map((name) => `DNS:${name}`),
  ].join(",");
  await Promise.all([
    signedCert(files, {
      subject: "/CN=kube-apiserver",
      cert: files.apiserverCert,
      key: files.apiserverKey,
      extensions: [`subjectAltName=${sans}`, "extendedKeyUsage=serverAuth"],
      days,
    }),
    signedCert(files, {
      subject: "/O=system:masters/CN=kubernetes-admin",
      cert: files.adminCert,
      key: files.adminKey,
      extensions: ["extendedKeyUsage=clientAuth"],
      days,
    }),
    run("openssl", [
      "genpkey",
      "-algorithm",
      "EC",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-out",
      files.serviceAccountKey,
    ]).then(() => run("openssl", ["pkey", "-in", files.serviceAccountKey, "-pubout", "-out", files.serviceAccountPub])),
  ]);
  return files;
}

async function signedCert(
  ca: Pick<Certificates, "caCert" | "caKey">,
  leaf: { subject: string; cert: string; key: string; extensions: readonly string[]; days: string },
): Promise<void> {
  const csr = `${leaf.cert}.csr`;
  const extFile = `${leaf.cert}.ext`;
  await run("openssl", [
    "req",
    "-new",
    "-nodes",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-keyout",
    leaf.key,
    "-out",
    csr,
    "-subj",
    leaf.subject,
  ]);
  await writeFile(
    extFile,
    [
      "basicConstraints=critical,CA:FALSE",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      ...leaf.extensions,
    ].join("\n"),
  );
  await run("openssl", [
    "x509",
    "-req",
    "-in",
    csr,
    "-CA",
    ca.caCert,
    "-CAkey",
    ca.caKey,
    "-set_serial",
    `0x${randomBytes(16).toString("hex")}`,
    "-out",
    leaf.cert,
    "-days",
    leaf.days,
    "-extfile",
    extFile,
  ]);
}
