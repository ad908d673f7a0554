/**
 * Deterministic generator of the SCP v2 byte stream splunkd sends a reporting command's map phase:
 * a getinfo chunk, then execute chunks of `rowsPerChunk` EKS audit events as CSV, written by the
 * local splunkd stand-in's writer (splunkd's quoting, a `__mv_` twin for every field).
 */
import { createWriteStream } from "fs";
import { encodeChunk } from "../src/scp/framing";
import { getinfoMeta } from "../src/local/splunkd";
import { csvHeader, csvRow } from "../src/local/splunkd-csv";
import { seededRandom } from "../scripts/seeded-random";

const FIELDS = [
  "_time",
  "annotations.authorization.k8s.io/decision",
  "objectRef.resource",
  "requestURI",
  "responseStatus.code",
  "responseStatus.reason",
  "source",
  "sourceIPs{}",
  "user.groups{}",
  "user.username",
  "userAgent",
  "verb",
];

const AGENTS = [
  "curl/7.88.1",
  "python-requests/2.31.0",
  "Go-http-client/1.1",
  "kube-hunter",
  "Mozilla/5.0 zgrab/0.x",
  "kubectl/v1.27.2 (linux/amd64) kubernetes/7f6f68f",
  "Mozilla/5.0 (compatible; Nmap Scripting Engine; https://nmap.org/book/nse.html)",
  "masscan/1.3 (https://github.com/robertdavidgraham/masscan)",
];
const URIS = ["/api/v1/pods", "/api/v1/pods", "/api/v1/pods", "/api/v1/pods?limit=500", "/api/v1/namespaces/default/pods", "/api/v1/namespaces/kube-system/pods/coredns-5d78c9869d-x2x4z"];
const CLUSTERS = ["prod-eu", "prod-us", "staging"].map(
  (name, i) => `us-east-${1 + (i % 2)}:/aws/eks/${name}/cluster:kube-apiserver-audit-${(0x9f3ab2c4 + i * 7919).toString(16)}e0c1d2b3a4f5e6d7c8b9a0f1e2`,
);


/** The CSV header of the stream: the fields, then their `__mv_` twins. */
export function header(): string {
  return csvHeader(FIELDS) + "\n";
}

export function eventRows(count: number, seed: number): () => string | null {
  const next = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(next() * list.length)];
  let produced = 0;
  let time = 1701960000;
  return () => {
    if (produced >= count) return null;
    produced++;
    time += next() * 0.05;
    const anonymous = next() < 0.92;
    const ip = `198.51.${Math.floor(next() * 8)}.${Math.floor(next() * 250)}`;
    const allowed = next() < 0.03;
    return csvRow([
      `${time.toFixed(3)}`,
      allowed ? "allow" : "forbid",
      "pods",
      pick(URIS),
      allowed ? "200" : "403",
      allowed ? "" : "Forbidden",
      pick(CLUSTERS),
      next() < 0.1 ? [ip, "10.0.12.7"] : ip,
      anonymous ? "system:unauthenticated" : ["system:authenticated", "system:masters"],
      anonymous ? "system:anonymous" : "kubernetes-admin",
      pick(AGENTS),
      next() < 0.85 ? "list" : "watch",
    ]) + "\n";
  };
}

export function getinfoChunk(args: string[]): Buffer {
  const search = `search sourcetype="aws:cloudwatchlogs:eks" | ekspodscan ${args.join(" ")}`;
  return encodeChunk(getinfoMeta({ sid: "bench.1", dir: "/tmp/bench", search, maxResultRows: 50000 }, args, args));
}

/** Writes the whole map-phase stream to `path`; resolves with its size in bytes. */
export async function writeMapStream(path: string, events: number, rowsPerChunk: number, seed = 42): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = (buf: Buffer) =>
    new Promise<void>((resolve) => {
      bytes += buf.length;
      if (out.write(buf)) resolve();
      else out.once("drain", resolve);
    });
  await write(getinfoChunk(["phase=map", "match=exact"]));
  const nextRow = eventRows(events, seed);
  for (let sent = 0; sent < events; sent += rowsPerChunk) {
    let body = header();
    for (let i = 0; i < rowsPerChunk; i++) {
      const row = nextRow();
      if (row === null) break;
      body += row;
    }
    await write(encodeChunk({ action: "execute", finished: sent + rowsPerChunk >= events }, body));
  }
  await new Promise<void>((resolve) => out.end(resolve));
  return bytes;
}
