/**
 * Request builders and reply readers for the ekspodscan tests, written independently of src/scp:
 * splunkd-shaped getinfo and execute chunks, EKS audit events as splunkd's CSV (quoted names and
 * values, a `__mv_` twin for every field), splunkd's re-serialisation of a map phase's output, and
 * a csv-parse based reader of reply bodies.
 */
import { parse } from "csv-parse/sync";
import { chunk, splitChunks } from "./scp-chunks";

export type Cell = string | string[];
export type Record = { [field: string]: Cell };

export interface Table {
  fields: string[];
  rows: Cell[][];
}

export interface GetinfoOptions {
  maxresultrows?: number | string;
  /** Times as numbers and the search not percent-encoded, like the SDK recorder's files. */
  recorderShape?: boolean;
  /** searchinfo.dispatch_dir (default: a splunkd-shaped path that does not exist here). */
  dispatchDir?: string;
}

/** A getinfo request as splunkd 8.x sends it (times as strings, percent-encoded search). */
export function getinfo(args: string[], options: GetinfoOptions = {}): Buffer {
  const search = `search index=eks sourcetype="aws:cloudwatchlogs:eks" | ekspodscan ${args.join(" ")}`;
  const recorder = options.recorderShape === true;
  const searchinfo = {
    args,
    raw_args: args,
    dispatch_dir: options.dispatchDir === undefined ? "/opt/splunk/var/run/splunk/dispatch/1700000000.42" : options.dispatchDir,
    sid: "1700000000.42",
    app: "eks_pod_scan",
    owner: "admin",
    username: "admin",
    session_key: "abc^def",
    splunkd_uri: "https://127.0.0.1:8089",
    splunk_version: "8.2.1",
    search: recorder ? search : encodeURIComponent(search),
    command: "ekspodscan",
    maxresultrows: options.maxresultrows === undefined ? 50000 : options.maxresultrows,
    earliest_time: recorder ? 1599084000.0 : "1599084000",
    latest_time: recorder ? 1599172248.5 : "0",
  };
  return chunk(JSON.stringify({ action: "getinfo", preview: false, streaming_command_will_restart: false, searchinfo }));
}

/** An execute request exactly as splunkd writes it (37 or 36 bytes of metadata). */
export function execute(finished: boolean, body = ""): Buffer {
  return chunk(`{"action":"execute","finished":${finished}}`, body);
}

/** The reply to an execute request that returns nothing. */
export function emptyReply(finished: boolean): Buffer {
  return chunk(`{"finished":${finished}}`);
}

export function reply(finished: boolean, body: string): Buffer {
  return chunk(`{"finished":${finished}}`, body);
}

const MV = "__mv_";

/** splunkd quotes a field name that starts with "_" or holds punctuation. */
function quoteName(name: string): string {
  return /^_|[^A-Za-z0-9.]/.test(name) ? `"${name}"` : name;
}

function quoteValue(value: string, always: boolean): string {
  if (value === "") return "";
  return always || /[",\r\n]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
}

function mvText(values: string[]): string {
  return values.map((v) => "$" + v.replace(/\$/g, "$$$$") + "$").join(";");
}

/**
 * Records as splunkd's CSV: plain columns (`fields`, or the union of the records' keys), then a
 * `__mv_` twin for every one; a multivalue goes joined by "\n" in the plain column and `$a$;$b$`
 * in its twin. `_time` is always quoted, as splunkd 8 does; other values only when they need it.
 */
export function splunkdCsv(records: Record[], fields: string[] = unionOfKeys(records)): string {
  const header = fields.concat(fields.map((f) => MV + f)).map(quoteName).join(",");
  const lines = [header];
  for (const record of records) {
    const plain: string[] = [];
    const twins: string[] = [];
    for (const field of fields) {
      const cell = record[field];
      const always = field === "_time";
      if (cell === undefined || cell === "") {
        plain.push("");
        twins.push("");
      } else if (typeof cell === "string") {
        plain.push(quoteValue(cell, always));
        twins.push("");
      } else {
        plain.push(quoteValue(cell.join("\n"), true));
        twins.push(quoteValue(mvText(cell), true));
      }
    }
    lines.push(plain.concat(twins).join(","));
  }
  return lines.join("\n") + "\n";
}

export function unionOfKeys(records: Record[]): string[] {
  const fields: string[] = [];
  for (const record of records) for (const key of Object.keys(record)) if (fields.indexOf(key) < 0) fields.push(key);
  return fields;
}

/** `$a$;$b$$c$` -> ["a", "b$c"] (test-side reader, a regular expression like the SDK's). */
function decodeMv(text: string): string[] {
  const values: string[] = [];
  const item = /\$((?:\$\$|[^$])*)\$(?:;|$)/y;
  let m: RegExpExecArray | null;
  while (item.lastIndex < text.length && (m = item.exec(text)) !== null) values.push(m[1].replace(/\$\$/g, "$"));
  if (item.lastIndex !== text.length) throw new Error(`bad __mv_ text ${JSON.stringify(text)}`);
  return values;
}

/** Reads a CSV body with csv-parse; twins are merged into multivalue cells and dropped as columns. */
export function readTable(body: string | Buffer): Table {
  const text = typeof body === "string" ? body : body.toString("utf8");
  if (text === "") return { fields: [], rows: [] };
  const lines: string[][] = parse(text, { relax_column_count: true, skip_empty_lines: true });
  const header = lines[0];
  const isTwin = (name: string) => name.startsWith(MV) && header.indexOf(name.slice(MV.length)) >= 0;
  const fields = header.filter((name) => !isTwin(name));
  const rows = lines.slice(1).map((line) =>
    fields.map((field) => {
      const twin = header.indexOf(MV + field);
      const twinText = twin >= 0 ? line[twin] || "" : "";
      if (twinText !== "") {
        const values = decodeMv(twinText);
        return values.length === 1 ? values[0] : values;
      }
      return line[header.indexOf(field)] || "";
    }),
  );
  return { fields, rows };
}

export function recordsOf(table: Table): Record[] {
  return table.rows.map((row) => {
    const record: Record = {};
    table.fields.forEach((field, i) => {
      if (row[i] !== "") record[field] = row[i];
    });
    return record;
  });
}

/**
 * What splunkd hands the reduce phase: the map phase's reply bodies decoded into records and written
 * again in splunkd's CSV. `dropEmptyColumns` leaves out a column no record has a value in (splunkd
 * cannot tell an empty CSV value from a missing field); `reverseColumns` changes the column order.
 */
export function splunkdReserialise(
  bodies: string[],
  options: { dropEmptyColumns?: boolean; reverseColumns?: boolean } = {},
): string {
  const tables = bodies.filter((b) => b !== "").map((b) => readTable(b));
  let fields: string[] = [];
  for (const t of tables) for (const f of t.fields) if (fields.indexOf(f) < 0) fields.push(f);
  const records = tables.reduce<Record[]>((all, t) => all.concat(recordsOf(t)), []);
  if (options.dropEmptyColumns) fields = fields.filter((f) => records.some((r) => r[f] !== undefined));
  if (options.reverseColumns) fields.reverse();
  return splunkdCsv(records, fields);
}

export interface Reply {
  meta: { [key: string]: unknown };
  metaText: string;
  body: string;
}

/** Splits a reply stream into chunks (strict: throws on anything but whole, well-formed chunks). */
export function readReplies(stream: Buffer): Reply[] {
  return splitChunks(stream).map((c) => ({ meta: c.meta, metaText: c.metaText, body: c.body.toString("utf8") }));
}
