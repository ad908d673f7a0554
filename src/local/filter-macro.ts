/**
 * The filter macro as the hunt can run it. hunt runs no SPL, but the definitions `eks-pod-scan tune`
 * writes are few: `where` clauses over string literals (src/splunk/filter.ts renders them). Such a
 * definition is read back here into a row predicate with the same meaning; any other definition
 * gives undefined, and the hunt says its rows are unfiltered.
 *   where isnull(src_ip) OR NOT (cidrmatch("<cidr>", src_ip) OR ...)
 *   where isnull(cluster_name) OR NOT (match(cluster_name, "<regex>") OR cluster_name=="<name>" OR ...)
 *   where isnull('values(userAgent)') OR isnotnull(mvfilter(NOT (match('values(userAgent)', "<regex>") OR ...)))
 *   where count >= <n>
 */
import net from "node:net";
import { Cell, Table } from "../scp/types";

type RowTest = (cell: (column: string) => string[]) => boolean;

const LITERAL = /"((?:[^"\\]|\\.)*)"/g;
const S = "\u0000(\\d+)"; // a literal, once taken out of the text

/** A predicate that keeps a row, or undefined when the definition is not one tune writes. */
export function compileFilter(definition: string): ((table: Table, row: Cell[]) => boolean) | undefined {
  const literals: string[] = [];
  const skeleton = definition.replace(LITERAL, (_, body: string) => `\u0000${literals.push(body.replace(/\\(.)/g, "$1")) - 1}`);
  const tests: RowTest[] = [];
  for (const clause of skeleton.trim().split(/\s*\|\s*/)) {
    const test = clauseTest(clause, literals);
    if (test === undefined) return undefined;
    tests.push(test);
  }
  return (table, row) => {
    const cell = (column: string) => presentValues(row[table.fields.indexOf(column)]);
    return tests.every((test) => test(cell));
  };
}

function clauseTest(clause: string, literals: string[]): RowTest | undefined {
  let m = /^where isnull\(src_ip\) OR NOT \((.*)\)$/.exec(clause);
  if (m) {
    const networks = terms(m[1], `cidrmatch\\(${S}, src_ip\\)`, literals);
    const blocks = networks && blockList(networks.map((t) => t.literal));
    return blocks && ((cell) => cell("src_ip").length === 0 || !cell("src_ip").some((ip) => inBlocks(blocks, ip)));
  }
  m = /^where isnull\(cluster_name\) OR NOT \((.*)\)$/.exec(clause);
  if (m) {
    const allowed = terms(m[1], `(?:match\\(cluster_name, ${S}\\)|cluster_name==${S})`, literals);
    const tests = allowed && allowed.map((t) => (t.group === 1 ? regexTest(t.literal) : (v: string) => v === t.literal));
    if (!tests || tests.some((t) => t === undefined)) return undefined;
    const matchers = tests as Array<(v: string) => boolean>;
    return (cell) => cell("cluster_name").length === 0 || !cell("cluster_name").some((v) => matchers.some((test) => test(v)));
  }
  m = /^where isnull\('values\(userAgent\)'\) OR isnotnull\(mvfilter\(NOT \((.*)\)\)\)$/.exec(clause);
  if (m) {
    const globs = terms(m[1], `match\\('values\\(userAgent\\)', ${S}\\)`, literals);
    const tests = globs && globs.map((t) => regexTest(t.literal));
    if (!tests || tests.some((t) => t === undefined)) return undefined;
    const matchers = tests as Array<(v: string) => boolean>;
    // Kept unless EVERY agent is allowed: mvfilter leaves the others.
    return (cell) => cell("values(userAgent)").length === 0 || cell("values(userAgent)").some((v) => !matchers.some((test) => test(v)));
  }
  m = /^where count >= ([1-9][0-9]*)$/.exec(clause);
  if (m) {
    const least = Number(m[1]);
    return (cell) => cell("count").some((v) => Number(v) >= least);
  }
  return undefined;
}

/** The literals of `term OR term ...`; `group` says which alternative of the term held it. */
function terms(list: string, term: string, literals: string[]): Array<{ literal: string; group: number }> | undefined {
  const one = new RegExp(`^${term}$`);
  const out: Array<{ literal: string; group: number }> = [];
  for (const part of list.split(" OR ")) {
    const m = one.exec(part);
    if (!m) return undefined;
    const group = m[1] !== undefined ? 1 : 2;
    out.push({ literal: literals[Number(m[group])], group });
  }
  return out;
}

/** A PCRE of the kind tune writes (anchors, escaped literals, `.`, `.*`, groups) as a JS RegExp. */
function regexTest(source: string): ((value: string) => boolean) | undefined {
  try {
    const regex = new RegExp(source, "u");
    return (value) => regex.test(value);
  } catch {
    return undefined;
  }
}

function blockList(cidrs: string[]): net.BlockList | undefined {
  const blocks = new net.BlockList();
  for (const cidr of cidrs) {
    const [address, prefix] = cidr.split("/");
    const family = net.isIP(address);
    if (family === 0 || !/^[0-9]{1,3}$/.test(prefix || "")) return undefined;
    blocks.addSubnet(address, Number(prefix), family === 4 ? "ipv4" : "ipv6");
  }
  return blocks;
}

/** cidrmatch: false for a value that is not an IP address. */
function inBlocks(blocks: net.BlockList, ip: string): boolean {
  const family = net.isIP(ip);
  return family !== 0 && blocks.check(ip, family === 4 ? "ipv4" : "ipv6");
}

function presentValues(cell: Cell | undefined): string[] {
  if (cell === undefined) return [];
  return (typeof cell === "string" ? [cell] : cell).filter((v) => v !== "");
}
