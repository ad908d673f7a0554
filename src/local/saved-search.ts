/**
 * The steps of the saved search after `ekspodscan`, applied to its result rows:
 *   | `security_content_ctime(lastTime)` | `security_content_ctime(firstTime)`
 *       = convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(<field>): epoch seconds to text, in the
 *         searching user's time zone (UTC here unless --tz local); a value that is not a number stays
 *   | `amazon_eks_kubernetes_pod_scan_detection_filter`
 *       ESCU ships it as `search *` (keeps every row); locally, besides that, only the definitions
 *       `eks-pod-scan tune` writes run (filter-macro.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Cell, Table } from "../scp/types";

export type TimeZoneChoice = "UTC" | "local";

export const FILTER_MACRO = "amazon_eks_kubernetes_pod_scan_detection_filter";
export const PASS_ALL = "search *";
export const CTIME_FIELDS = ["lastTime", "firstTime"]; // the order the saved search converts them in

const two = (n: number) => String(n).padStart(2, "0");

/** One value through `convert timeformat="%Y-%m-%dT%H:%M:%S" ctime(...)`. */
export function ctime(value: string, zone: TimeZoneChoice): string {
  if (!/^\s*-?\d+(\.\d*)?\s*$/.test(value)) return value;
  const date = new Date(Math.floor(Number(value)) * 1000);
  if (Number.isNaN(date.getTime())) return value;
  if (zone === "UTC") {
    return `${date.getUTCFullYear()}-${two(date.getUTCMonth() + 1)}-${two(date.getUTCDate())}T${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  }
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}T${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`;
}

function ctimeCell(cell: Cell, zone: TimeZoneChoice): Cell {
  return Array.isArray(cell) ? cell.map((v) => ctime(v, zone)) : ctime(cell, zone);
}

/** Applies security_content_ctime to lastTime then firstTime, where the columns exist. */
export function applyCtime(table: Table, zone: TimeZoneChoice): Table {
  const columns = CTIME_FIELDS.map((name) => table.fields.indexOf(name)).filter((i) => i >= 0);
  const rows = table.rows.map((row) => {
    const out = row.slice();
    for (const i of columns) if (out[i] !== undefined) out[i] = ctimeCell(out[i], zone);
    return out;
  });
  return { fields: table.fields.slice(), rows };
}

/** The filter macro's definition in an app directory: local/ overrides default/, as in Splunk. */
export function readFilterMacro(appDir: string): string | undefined {
  for (const layer of ["local", "default"]) {
    const file = path.join(appDir, layer, "macros.conf");
    if (!existsSync(file)) continue;
    const definition = macroDefinition(readFileSync(file, "utf8"), FILTER_MACRO);
    if (definition !== undefined) return definition;
  }
  return undefined;
}

/** `definition` of one stanza of a .conf file (continuation lines ending in "\" joined). */
export function macroDefinition(conf: string, stanza: string): string | undefined {
  const physical = conf.split(/\r?\n/);
  const lines: string[] = [];
  for (let i = 0; i < physical.length; i++) {
    let line = physical[i];
    while (line.endsWith("\\") && i + 1 < physical.length) line = `${line.slice(0, -1)}\n${physical[++i]}`;
    lines.push(line);
  }
  let inStanza = false;
  for (const line of lines) {
    const header = /^\s*\[(.*)\]\s*$/.exec(line);
    if (header) {
      inStanza = header[1] === stanza;
      continue;
    }
    const entry = inStanza ? /^\s*definition\s*=\s*([\s\S]*)$/.exec(line) : null;
    if (entry) return entry[1].trim();
  }
  return undefined;
}

export function isPassAll(definition: string): boolean {
  return definition.replace(/\s+/g, " ").trim() === PASS_ALL;
}
