/**
 * Deterministic generator of the SCP v2 byte stream splunkd sends a reporting command's map phase:
 * a getinfo chunk, then execute chunks of `rowsPerChunk` EKS audit events as CSV, written by the
 * local splunkd stand-in's writer (splunkd's quoting, a `__mv_` twin for every field).
 */
import { createWriteStream, readFileSync } from "fs";
import path from "path";
import { encodeChunk } from "../src/scp/framing";
import { getinfoMeta } from "../src/local/splunkd";
import { csvHeader, csvRow } from "../src/local/splunkd-csv";
import { seededRandom } from "../scripts/seeded-random";
import { flattenJson } from "../src/ingest/flatten";
import { Cell } from "../src/scp/types";

const EXAMPLE_EVENT = path.resolve(__dirname, "..", "..", "shared", "reference", "eks-audit-example-event.json");

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
  const next = eventCells(count, seed);
  return () => {
    const cells = next();
    return cells === null ? null : csvRow(cells) + "\n";
  };
}

/** The events' cells in FIELDS order. */
function eventCells(count: number, seed: number): () => Cell[] | null {
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
    return [
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
    ];
  };
}

/**
 * The same events as splunkd sends them to a command with no field pruning: `_raw` (the real-shaped
 * EKS audit event of ../shared/reference/eks-audit-example-event.json, with the event's values in
 * it), splunkd's default fields, and every field its JSON extraction yields, each with its twin.
 */
export function unprunedRows(count: number, seed: number): { header: string; next: () => string | null } {
  const template = JSON.parse(readFileSync(EXAMPLE_EVENT, "utf8"));
  const cellsOf = eventCells(count, seed);
  const fill = (cells: Cell[]) => {
    const ev = JSON.parse(JSON.stringify(template));
    const list = (cell: Cell) => (typeof cell === "string" ? [cell] : cell);
    ev.annotations["authorization.k8s.io/decision"] = cells[1];
    ev.objectRef.resource = cells[2];
    ev.requestURI = cells[3];
    ev.responseStatus.code = Number(cells[4]);
    ev.responseStatus.reason = cells[5];
    ev.sourceIPs = list(cells[7]);
    ev.user.groups = list(cells[8]);
    ev.user.username = cells[9];
    ev.userAgent = cells[10];
    ev.verb = cells[11];
    return ev;
  };
  const extracted = [...flattenJson(fill(["0", "allow", "pods", "/", "200", "", "s", ["a", "b"], ["a", "b"], "u", "a", "list"])).keys()];
  const fields = ["_raw", "_time", "host", "index", "linecount", "source", "sourcetype", "splunk_server"].concat(extracted.sort());
  const header = csvHeader(fields) + "\n";
  return {
    header,
    next: () => {
      const cells = cellsOf();
      if (cells === null) return null;
      const ev = fill(cells);
      const values = flattenJson(ev);
      const row: Cell[] = [JSON.stringify(ev), cells[0], "ip-10-0-1-17", "eks", "1", cells[6] as string, "aws:cloudwatchlogs:eks", "idx-1"];
      for (const name of fields.slice(8)) {
        const v = values.get(name);
        row.push(v === undefined ? "" : v.length === 1 ? v[0] : v);
      }
      return csvRow(row) + "\n";
    },
  };
}

export function getinfoChunk(args: string[]): Buffer {
  const search = `search sourcetype="aws:cloudwatchlogs:eks" | ekspodscan ${args.join(" ")}`;
  return encodeChunk(getinfoMeta({ sid: "bench.1", dir: "/tmp/bench", search, maxResultRows: 50000 }, args, args));
}

/** Writes the whole map-phase stream to `path`; resolves with its size in bytes. */
export async function writeMapStream(path: string, events: number, rowsPerChunk: number, seed = 42, unpruned = false): Promise<number> {
  const out = createWriteStream(path);
  const rows = unpruned ? unprunedRows(events, seed) : { header: header(), next: eventRows(events, seed) };
  let bytes = 0;
  const write = (buf: Buffer) =>
    new Promise<void>((resolve) => {
      bytes += buf.length;
      if (out.write(buf)) resolve();
      else out.once("drain", resolve);
    });
  await write(getinfoChunk(["phase=map", "match=exact"]));
  const nextRow = rows.next;
  for (let sent = 0; sent < events; sent += rowsPerChunk) {
    let body = rows.header;
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
