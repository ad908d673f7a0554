import type { FieldValue } from "./event";
import { podListScope } from "./uri";
import { cellOf, equalsIgnoreCase } from "./values";

/** Columns enrich=true appends after the seed's (stats) or after pod_scan (annotate/filter). */
export const ENRICH_COLUMNS: readonly string[] = ["cluster", "outcome", "scope", "scanner", "risk_score"];

/** An anonymous pod list that was refused is reconnaissance: the seed's RBA score. */
export const RISK_SCORE_DENIED = "25";
/** One that succeeded means the cluster hands its pod inventory to anyone: an exposed cluster. */
export const RISK_SCORE_ALLOWED = "75";

/** What enrich reads; each list holds the present values (of one event, or of one stats group). */
export interface EnrichInput {
  sources: string[]; // source, i.e. cluster_name
  codes: string[]; // responseStatus.code
  decisions: string[]; // annotations.authorization.k8s.io/decision
  uris: string[]; // requestURI
  userAgents: string[]; // userAgent
}

/**
 * The ENRICH_COLUMNS cells, in order. Several distinct values (two clusters, a group that listed
 * at both scopes, two client families) make a sorted multivalue cell, as values() would.
 * risk_score is "" for an event that did not match: it scores a pod scan, not any request.
 */
export function enrichCells(input: EnrichInput, matched: boolean): FieldValue[] {
  const clusters: string[] = [];
  // A source that names no EKS log group stands for itself: the Broad search's RBA risk object
  // is this column, and an empty one would raise no risk at all.
  for (const source of input.sources) addDistinct(clusters, clusterFromSource(source) || source);
  const scopes: string[] = [];
  for (const uri of input.uris) addDistinct(scopes, podListScope(uri));
  const scanners: string[] = [];
  for (const agent of input.userAgents) addDistinct(scanners, scannerOf(agent));
  const allowed = wasAllowed(input.codes, input.decisions);
  return [
    cellOf(clusters),
    allowed ? "allowed" : "denied",
    cellOf(scopes),
    scanners.length === 0 ? "other" : cellOf(scanners),
    matched ? (allowed ? RISK_SCORE_ALLOWED : RISK_SCORE_DENIED) : "",
  ];
}

const EKS_LOG_GROUP = /(?:^|:)\/aws\/eks\/([^/:]+)\/cluster(?::|$)/;

/**
 * The bare cluster name from a CloudWatch source "<region>:/aws/eks/<name>/cluster:<stream>" (or the
 * log group alone); "" for any other source.
 */
export function clusterFromSource(source: string): string {
  const m = EKS_LOG_GROUP.exec(source);
  return m === null ? "" : m[1];
}

/** Allowed when any response code is 2xx or the authorizer's decision was allow. */
export function wasAllowed(codes: string[], decisions: string[]): boolean {
  for (const code of codes) if (is2xx(code)) return true;
  for (const decision of decisions) if (equalsIgnoreCase(decision, "allow")) return true;
  return false;
}

function is2xx(code: string): boolean {
  if (code.length !== 3 || code.charCodeAt(0) !== 50 /* 2 */) return false;
  const d1 = code.charCodeAt(1) - 48;
  const d2 = code.charCodeAt(2) - 48;
  return d1 >= 0 && d1 <= 9 && d2 >= 0 && d2 <= 9;
}

/** Scanners first: they often borrow a client library's agent string and add their own name. */
const SCANNER_MARKS: ReadonlyArray<[string, string]> = [
  ["kube-hunter", "kube-hunter"],
  ["nmap", "nmap"],
  ["zgrab", "zgrab"],
  ["masscan", "masscan"],
];
const CLIENT_PREFIXES: ReadonlyArray<[string, string]> = [
  ["kubectl/", "kubectl"],
  ["curl/", "curl"],
  ["python-requests/", "python-requests"],
  ["go-http-client/", "Go-http-client"],
];

/** The client family of a user agent string (case-insensitive): a known scanner or client, or "other". */
export function scannerOf(userAgent: string): string {
  const ua = userAgent.toLowerCase();
  for (const [mark, family] of SCANNER_MARKS) if (ua.indexOf(mark) >= 0) return family;
  for (const [prefix, family] of CLIENT_PREFIXES) {
    if (ua.lastIndexOf(prefix, 0) === 0 || ua === prefix.slice(0, -1)) return family;
  }
  return "other";
}

function addDistinct(list: string[], value: string): void {
  if (value !== "" && list.indexOf(value) < 0) list.push(value);
}
