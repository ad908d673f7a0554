/**
 * termFilter(necessaryTerms(mode), header) rules rows out in place, on the real CsvCursor of a
 * CsvRowStream. It must never rule out a row that matcherFor(mode) would match on the event that
 * EventReader builds from the same row; for exact, with no multivalues, it decides the match.
 */
import { expect } from "chai";
import fc from "fast-check";
import { EVENT_FIELDS, EventReader, TermVerdict, rowEventReader, termFilter } from "../src/command/events";
import { AuditEvent, SPLUNK_FIELD } from "../src/detection/event";
import { MatchMode, matcherFor, necessaryTerms } from "../src/detection/match";
import { decodeCsv, encodeMultivalue } from "../src/scp/csv";
import { CsvCursor } from "../src/scp/csv-cursor";
import { CsvRowStream } from "../src/scp/csv-stream";
import { cutAt } from "./support/scp-chunks";

const MODES: MatchMode[] = ["exact", "broad"];
const MV = "__mv_";

/** Values per field that meet the terms (in any case), and near-misses and values that need quoting. */
const MEETS: { [field: string]: string[] } = {
  verb: ["list", "LIST", "List", "watch", "WATCH"],
  "user.username": ["system:anonymous", "SYSTEM:Anonymous"],
  "user.groups{}": ["system:unauthenticated", "System:Unauthenticated"],
  "objectRef.resource": ["pods", "PODS", "Pods"],
  requestURI: ["/api/v1/pods", "/API/V1/PODS", "/api/v1/pods?limit=500", "/api/v1/namespaces/default/pods", "/api/v1/watch/pods/"],
};
const MISSES: { [field: string]: string[] } = {
  verb: ["get", "lis", "listt", "list ", "lİst", "ｌist", 'li"st', "list\nwatch", "list,watch"],
  "user.username": ["system:anonymous ", "system:anonymou", "alice", "system:unauthenticated", "é"],
  "user.groups{}": ["system:authenticated", "system:unauthenticated\nsystem:masters", "system:unauthenticated "],
  "objectRef.resource": ["pod", "services", "pods\r", "pods,"],
  requestURI: ["/api/v1/pods/nginx", "/api/v1/%70ods", "/api/v1/pod", "/api/v1/pods,x", "/version", "/api/v1/pods//x"],
};
const OTHER = ["x", "1599171244.277", "203.0.113.7", "ท", 'a"b', "a,b", "😀"];
const valueOf = (field: string) =>
  MEETS[field] === undefined
    ? fc.constantFrom(...OTHER)
    : fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...MEETS[field]) }, { weight: 2, arbitrary: fc.constantFrom(...MISSES[field]) });
const plainValue = (field: string) => fc.oneof({ weight: 1, arbitrary: fc.constant("") }, { weight: 8, arbitrary: valueOf(field) });
/** A twin cell: mostly empty; else a multivalue, a one-value twin, or text not in the $a$;$b$ form. */
const twinValue = (field: string) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constant("") },
    { weight: 3, arbitrary: fc.array(valueOf(field), { minLength: 1, maxLength: 3 }).map(encodeMultivalue) },
    { weight: 1, arbitrary: fc.constantFrom("$unclosed", "not-multivalue", "$a$x") },
  );

type Column = { name: string; field: string; twin: boolean };

/** Each event field: plain column, plain and twin, twin alone, or missing; plus unrelated columns; in any order. */
const columnsArb: fc.Arbitrary<Column[]> = fc
  .tuple(
    fc.array(fc.constantFrom("plain", "plain", "plain", "plain", "both", "both", "twin", "missing"), { minLength: EVENT_FIELDS.length, maxLength: EVENT_FIELDS.length }),
    fc.subarray(["_raw", "host", "__mv_host"]),
  )
  .chain(([shapes, extra]) => {
    const columns: Column[] = extra.map((name) => ({ name, field: name, twin: false }));
    EVENT_FIELDS.forEach((field, i) => {
      if (shapes[i] === "plain" || shapes[i] === "both") columns.push({ name: field, field, twin: false });
      if (shapes[i] === "twin" || shapes[i] === "both") columns.push({ name: MV + field, field, twin: true });
    });
    return fc.shuffledSubarray(columns, { minLength: columns.length, maxLength: columns.length });
  });

const bodyArb = columnsArb.chain((columns) =>
  fc.record({
    columns: fc.constant(columns),
    rows: fc.array(fc.tuple(...columns.map((c) => (c.twin ? twinValue(c.field) : plainValue(c.field)))), { minLength: 1, maxLength: 25 }),
    quoteAll: fc.boolean(),
    eol: fc.constantFrom("\n", "\r\n"),
    repeat: fc.constantFrom(1, 1, 1, 60), // 60 copies cross 64 KiB scan windows
    cuts: fc.array(fc.nat(), { maxLength: 20 }),
  }),
);

function csvLine(values: string[], quoteAll: boolean): string {
  const quoted = values.map((v) => (quoteAll || /[",\r\n]/.test(v) || (values.length === 1 && v === "") ? '"' + v.replace(/"/g, '""') + '"' : v));
  return quoted.join(",");
}

/** Runs a body through a CsvRowStream; `row` sees the header and the real cursor. */
function eachRow(pieces: Buffer[], row: (cursor: CsvCursor, header: string[], index: number) => void): void {
  let header: string[] = [];
  let index = 0;
  const rows = new CsvRowStream({ header: (names) => (header = names), row: (cursor) => row(cursor, header, index++) });
  for (const piece of pieces) rows.write(piece);
  rows.end();
}

describe("command termFilter: never rules out a row the matcher matches (real cursor, any split)", () => {
  it("exact and broad: filter false => matcher false; exact with empty twins: filter true => matcher true", () => {
    const seen = { exactMatched: 0, broadMatched: 0, exactRuledOut: 0, broadRuledOut: 0, broadPassedUnmatched: 0, eventsCompared: 0 };
    fc.assert(
      fc.property(bodyArb, ({ columns, rows, quoteAll, eol, repeat, cuts }) => {
        const lines = [csvLine(columns.map((c) => c.name), quoteAll)];
        for (let r = 0; r < repeat; r++) for (const row of rows) lines.push(csvLine(row, quoteAll));
        const text = lines.join(eol) + eol;
        const bytes = Buffer.from(text);
        // The whole-body codec's events, when every twin has its plain column (as splunkd sends them).
        const decoded = columns.every((c) => !c.twin || columns.some((p) => p.name === c.field)) ? decodeCsv(text) : null;
        const oracleEvent = decoded === null ? null : rowEventReader(decoded.fields);
        const reader = new EventReader();
        let readerHeader: string[] | null = null;
        let filters: Array<(cursor: CsvCursor) => TermVerdict> = [];
        eachRow(cutAt(bytes, cuts.map((c) => c % bytes.length)), (cursor, header, index) => {
          if (readerHeader !== header) {
            readerHeader = header;
            reader.setHeader(header);
            filters = MODES.map((mode) => termFilter(necessaryTerms(mode), header));
          }
          const verdicts = filters.map((filter) => filter(cursor));
          const passes = verdicts.map((verdict) => verdict !== "out");
          const event: AuditEvent = reader.read(cursor);
          if (oracleEvent !== null && decoded !== null) {
            expect(event).to.deep.equal(oracleEvent(decoded.rows[index]));
            seen.eventsCompared++;
          }
          const matched = MODES.map((mode) => matcherFor(mode)(event));
          if (!passes[0]) expect(matched[0], "exact: ruled out but matches").to.equal(false);
          if (!passes[1]) expect(matched[1], "broad: ruled out but matches").to.equal(false);
          const row = rows[index % rows.length];
          const termTwinsEmpty = columns.every((c, i) => !c.twin || row[i] === "" || !necessaryTerms("exact").some((t) => SPLUNK_FIELD[t.field] === c.field));
          if (passes[0] && termTwinsEmpty) expect(verdicts[0], "exact: single values that pass are met").to.equal("met");
          // The command skips the matcher for exact rows whose terms are met: they must match.
          if (verdicts[0] === "met") expect(matched[0], "exact: terms met but does not match").to.equal(true);
          seen.exactMatched += Number(matched[0]);
          seen.broadMatched += Number(matched[1]);
          seen.exactRuledOut += Number(!passes[0]);
          seen.broadRuledOut += Number(!passes[1]);
          seen.broadPassedUnmatched += Number(passes[1] && !matched[1]);
        });
      }),
      { numRuns: 400 },
    );
    // The property must not hold vacuously: every branch was taken many times.
    for (const [name, count] of Object.entries(seen)) expect(count, name).to.be.greaterThan(50);
  });
});

/** Filter results for each row of a body, per mode. */
function filterResults(text: string): { exact: boolean[]; broad: boolean[] } {
  const out = { exact: [] as boolean[], broad: [] as boolean[] };
  const filters: { [mode: string]: (cursor: CsvCursor) => TermVerdict } = {};
  eachRow([Buffer.from(text)], (cursor, header) => {
    for (const mode of MODES) {
      filters[mode] = filters[mode] || termFilter(necessaryTerms(mode), header);
      out[mode].push(filters[mode](cursor) !== "out");
    }
  });
  return out;
}

describe("command termFilter: examples", () => {
  it("exact: each term case-insensitively, quoted or not; a near-miss in any term rules the row out", () => {
    const text = [
      "requestURI,objectRef.resource,verb,user.username,_time",
      "/api/v1/pods,pods,list,system:anonymous,1",
      '"/API/V1/PODS","Pods",LIST,"System:Anonymous",2',
      "/api/v1/pods?limit=5,pods,list,system:anonymous,3",
      "/api/v1/pods,pod,list,system:anonymous,4",
      "/api/v1/pods,pods,watch,system:anonymous,5",
      "/api/v1/pods,pods,lİst,system:anonymous,6",
      "/api/v1/pods,pods,list,,7",
      "/api/v1/pods,pods,list",
    ].join("\r\n");
    expect(filterResults(text).exact).to.deep.equal([true, true, false, false, false, false, false, false]);
  });

  it("a term field missing from the header rules out every row; a non-empty twin passes the term to the matcher", () => {
    expect(filterResults("objectRef.resource,verb,user.username\npods,list,system:anonymous\n").exact).to.deep.equal([false]);
    const text = "verb,__mv_verb,requestURI\nget,$get$;$list$,/api/v1/pods\nget,,/api/v1/pods\nwatch,,/api/v1/pods\nWatch,$unclosed,x\n";
    expect(filterResults(text).broad).to.deep.equal([true, false, true, true]);
    // A twin column without its plain column: an empty twin cell leaves nothing to match.
    expect(filterResults("__mv_verb,x\n$list$;$get$,1\n,2\n").broad).to.deep.equal([true, false]);
  });

  it("met on single values, unsure when a term's field is a multivalue, out on a miss", () => {
    const text = [
      "requestURI,verb,__mv_verb,objectRef.resource,user.username",
      "/api/v1/pods,list,,pods,system:anonymous",
      '/api/v1/pods,"get\nlist",$get$;$list$,pods,system:anonymous',
      '/api/v1/pods,"get\nwatch",$get$;$watch$,pods,system:anonymous',
      "/api/v1/pods,get,,pods,system:anonymous",
    ].join("\n");
    const verdicts: TermVerdict[] = [];
    let check: ((cursor: CsvCursor) => TermVerdict) | null = null;
    eachRow([Buffer.from(text)], (cursor, header) => {
      check = check || termFilter(necessaryTerms("exact"), header);
      verdicts.push(check(cursor));
    });
    expect(verdicts).to.deep.equal(["met", "unsure", "unsure", "out"]);
  });
});
