/**
 * Self-signed certificates for the HTTPS Splunk stand-in, made with the openssl binary at test
 * time (never committed). Each certificate is its own CA, so passing it as --ca trusts it.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TestCertificate {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

let directory: string | undefined;
const made = new Map<string, TestCertificate>();

function certDirectory(): string {
  if (!directory) {
    directory = mkdtempSync(path.join(os.tmpdir(), "splunk-standin-cert-"));
    const created = directory;
    process.once("exit", () => rmSync(created, { recursive: true, force: true }));
  }
  return directory;
}

/** A P-256 self-signed certificate for 127.0.0.1 and localhost; `label` tells two apart. */
export function selfSignedCertificate(label = "standin"): TestCertificate {
  const existing = made.get(label);
  if (existing) return existing;
  const dir = certDirectory();
  const keyFile = path.join(dir, `${label}.key.pem`);
  const certFile = path.join(dir, `${label}.cert.pem`);
  execFileSync(
    "openssl",
    [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", keyFile, "-out", certFile, "-days", "2",
      "-subj", `/CN=splunk-standin-${label}`,
      "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-addext", "basicConstraints=critical,CA:TRUE",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  const certificate = { certFile, keyFile, cert: readFileSync(certFile), key: readFileSync(keyFile) };
  made.set(label, certificate);
  return certificate;
}
