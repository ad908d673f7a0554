/**
 * The filter macro from intent: allow-lists and a minimum count become one SPL `where` pipeline.
 *
 * The macro runs after the detection's stats, on rows with the fields src_ip, cluster_name,
 * count and the multivalue `values(userAgent)`. A row is dropped when it is allowed:
 *   --allow-src      its src_ip is inside an allowed CIDR (a bare IP is a /32 or /128)
 *   --allow-cluster  its cluster is one of the allowed names: a bare EKS cluster name is looked for
 *                    in cluster_name's log group (cluster_name is the whole CloudWatch source,
 *                    "<region>:/aws/eks/<name>/cluster:<stream>"); a name with ':' or '/' must be
 *                    the whole cluster_name
 *   --allow-agent    EVERY one of its user agents matches an allowed glob; a source that also used
 *                    another agent stays visible, so a scanner cannot hide behind one benign request
 *   --min-count      it has fewer than N requests
 *
 * Safety: every operator value ends up inside one double-quoted SPL string. Control and format
 * characters and backticks are rejected (a backtick could start a macro expansion, a newline would
 * end the conf value); backslashes and double quotes are escaped. Nothing typed reaches SPL outside
 * quotes, so no value can add a pipe, a subsearch or end the macro.
 */
import net from "node:net";
import { SplunkError } from "./errors";

export const FILTER_MACRO = "amazon_eks_kubernetes_pod_scan_detection_filter";
/** What the macro does when nothing is filtered (ESCU's default). */
export const PASS_ALL_DEFINITION = "search *";

export interface FilterIntent {
  allowSrc: string[];
  allowAgent: string[];
  allowCluster: string[];
  minCount?: number;
}

export const MAX_VALUE_LENGTH = 512;
export const MAX_MIN_COUNT = 1_000_000_000;

/** Checks every value and returns the intent with values normalised and de-duplicated. */
export function validateIntent(intent: FilterIntent): FilterIntent {
  return {
    allowSrc: unique(intent.allowSrc.map(parseNetwork)),
    allowAgent: unique(intent.allowAgent.map((v) => checkText(v, "--allow-agent"))),
    allowCluster: unique(intent.allowCluster.map((v) => checkText(v, "--allow-cluster"))),
    minCount: intent.minCount,
  };
}

/** The macro definition for a validated intent ("search *" when it filters nothing). */
export function renderFilter(intent: FilterIntent): string {
  const checked = validateIntent(intent);
  const clauses: string[] = [];
  if (checked.allowSrc.length > 0) {
    const matches = checked.allowSrc.map((cidr) => `cidrmatch(${splString(cidr)}, src_ip)`);
    clauses.push(`where isnull(src_ip) OR NOT (${matches.join(" OR ")})`);
  }
  if (checked.allowCluster.length > 0) {
    const matches = checked.allowCluster.map(clusterTest);
    clauses.push(`where isnull(cluster_name) OR NOT (${matches.join(" OR ")})`);
  }
  if (checked.allowAgent.length > 0) {
    // mvfilter keeps the agents that match no allowed glob; the row stays if any is left.
    const matches = checked.allowAgent.map((glob) => `match('values(userAgent)', ${splString(globToRegex(glob))})`);
    clauses.push(`where isnull('values(userAgent)') OR isnotnull(mvfilter(NOT (${matches.join(" OR ")})))`);
  }
  if (checked.minCount !== undefined) {
    clauses.push(`where count >= ${checkMinCount(checked.minCount)}`);
  }
  return clauses.length === 0 ? PASS_ALL_DEFINITION : clauses.join(" | ");
}

/** A double-quoted SPL string: backslash and double quote escaped, as SPL requires. */
export function splString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** Glob (* any run, ? one character) to an anchored PCRE; every other character is literal. */
export function globToRegex(glob: string): string {
  let regex = "^";
  for (const c of glob) {
    if (c === "*") regex += ".*";
    else if (c === "?") regex += ".";
    else regex += regexLiteral(c);
  }
  return `${regex}$`;
}

/**
 * The SPL test of one --allow-cluster value. A bare name is found where the detection's enrich
 * reads the cluster (clusterFromSource): the log group /aws/eks/<name>/cluster inside the source.
 */
function clusterTest(name: string): string {
  return /[:/]/.test(name) ? `cluster_name==${splString(name)}` : `match(cluster_name, ${splString(clusterRegex(name))})`;
}

/** PCRE for a source whose log group is the EKS cluster `name`'s, as enrich's EKS_LOG_GROUP reads it. */
export function clusterRegex(name: string): string {
  return `(^|:)/aws/eks/${regexLiteral(name)}/cluster(:|$)`;
}

function regexLiteral(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, (c) => `\\${c}`);
}

// Cc: C0/C1 controls (newline, NUL, ESC); Cf: format (bidi overrides, zero-width); Zl/Zp: line/paragraph separators.
const FORBIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}`]/u;

function checkText(value: string, option: string): string {
  if (value === "") throw inputError(`${option}: empty value`);
  if (value.length > MAX_VALUE_LENGTH) throw inputError(`${option}: value longer than ${MAX_VALUE_LENGTH} characters`);
  const bad = FORBIDDEN.exec(value);
  if (bad) {
    const what = bad[0] === "`" ? "a backtick" : `control character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
    throw inputError(`${option}: ${JSON.stringify(value)} contains ${what}, which is not allowed`);
  }
  if (value.trim() !== value) throw inputError(`${option}: ${JSON.stringify(value)} has leading or trailing spaces`);
  return value;
}

export function checkMinCount(value: number): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > MAX_MIN_COUNT) {
    throw inputError(`--min-count: expected a whole number from 1 to ${MAX_MIN_COUNT}`);
  }
  return value;
}

/** Parses --min-count text strictly (digits only). */
export function parseMinCount(text: string): number {
  if (!/^[0-9]{1,10}$/.test(text)) throw inputError(`--min-count: ${JSON.stringify(text)} is not a whole number`);
  return checkMinCount(Number(text));
}

/**
 * An IPv4/IPv6 address or CIDR, strictly: no zone ids, no leading zeros in IPv4 octets or prefix
 * lengths, no host bits set in a CIDR's address. Returns CIDR notation (IP -> /32 or /128).
 */
export function parseNetwork(text: string): string {
  const option = "--allow-src";
  checkText(text, option);
  const slash = text.indexOf("/");
  const address = slash === -1 ? text : text.slice(0, slash);
  const family = ipFamily(address);
  if (family === 0) throw inputError(`${option}: ${JSON.stringify(text)} is not an IPv4 or IPv6 address or CIDR`);
  const maxBits = family === 4 ? 32 : 128;
  if (slash === -1) return family === 6 ? mappedIPv4(addressBits(address, 6), 128) || `${canonical(address, 6)}/128` : `${address}/32`;
  const prefixText = text.slice(slash + 1);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > maxBits) {
    throw inputError(`${option}: ${JSON.stringify(text)} has an invalid prefix length (0-${maxBits})`);
  }
  const prefix = Number(prefixText);
  const bits = addressBits(address, family);
  const network = bits & ~((1n << BigInt(maxBits - prefix)) - 1n);
  if (network !== bits) {
    const suggestion = `${bitsToAddress(network, family)}/${prefix}`;
    throw inputError(`${option}: ${JSON.stringify(text)} has host bits set; did you mean ${suggestion}?`);
  }
  return (family === 6 && mappedIPv4(bits, prefix)) || `${canonical(address, family)}/${prefix}`;
}

/**
 * An IPv4-mapped IPv6 network (inside ::ffff:0:0/96) as the IPv4 one it stands for: src_ip holds
 * the IPv4 form, which cidrmatch never finds inside an IPv6 network. A wider network stays IPv6.
 */
function mappedIPv4(bits: bigint, prefix: number): string | undefined {
  if (prefix < 96 || bits >> 32n !== 0xffffn) return undefined;
  return `${bitsToAddress(bits & 0xffffffffn, 4)}/${prefix - 96}`;
}

/** The family a network allows every source of (0.0.0.0/0, ::/0), for a CIDR parseNetwork made. */
export function allowsEverySource(cidr: string): "IPv4" | "IPv6" | undefined {
  return cidr === "0.0.0.0/0" ? "IPv4" : cidr === "::/0" ? "IPv6" : undefined;
}

function ipFamily(address: string): 0 | 4 | 6 {
  if (net.isIPv4(address)) return /^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*)){3}$/.test(address) ? 4 : 0;
  if (address.includes("%")) return 0; // zone ids mean nothing to cidrmatch
  return net.isIPv6(address) ? 6 : 0;
}

function canonical(address: string, family: 4 | 6): string {
  return family === 4 ? address : bitsToAddress(addressBits(address, 6), 6);
}

function addressBits(address: string, family: 4 | 6): bigint {
  if (family === 4) return address.split(".").reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
  return ipv6Bits(address);
}

function ipv6Bits(address: string): bigint {
  let text = address.toLowerCase();
  // A trailing dotted IPv4 (::ffff:1.2.3.4) becomes two hex groups.
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = addressBits(dotted[1], 4);
    text = text.slice(0, dotted.index) + `${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const [head, tail] = text.includes("::") ? text.split("::") : [text, undefined];
  const headGroups = head === "" ? [] : head.split(":");
  const tailGroups = tail === undefined || tail === "" ? [] : tail.split(":");
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array(tail === undefined ? 0 : missing).fill("0"), ...tailGroups];
  return groups.reduce((acc, group) => (acc << 16n) | BigInt(parseInt(group, 16)), 0n);
}

/** IPv4 dotted quad, or IPv6 in RFC 5952 form (lower case, longest zero run compressed). */
function bitsToAddress(bits: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => ((bits >> shift) & 0xffn).toString()).join(".");
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => Number((bits >> shift) & 0xffffn));
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

function unique(values: string[]): string[] {
  return values.filter((value, i) => values.indexOf(value) === i);
}

function inputError(message: string): SplunkError {
  return new SplunkError("input", message);
}
