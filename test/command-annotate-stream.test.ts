/**
 * mode=annotate|filter read rows as they arrive: their reply is held to what decoding the whole
 * body, annotating the Table and encoding it gives (the implementation they had, kept here as the
 * oracle), byte for byte, whatever the pieces the body arrives in; and a body never exists whole.
 */
import { expect } from "chai";
import fc from "fast-check";
import { annotateReceiver } from "../src/command/annotate-rows";
import { rowEventReader } from "../src/command/events";
import { parseOptions } from "../src/command/options";
import { ANNOTATE_COLUMNS, annotateEvent } from "../src/detection/annotate";
import { matcherFor } from "../src/detection/match";
import { ENRICH_COLUMNS } from "../src/detection/stats";
import { decodeCsv, encodeCsvBytes } from "../src/scp/csv";
import { Options } from "../src/command/options";
import { Table } from "../src/scp/types";
import { Session } from "../src/scp/session";
import { EksPodScanCommand } from "../src/command/ekspodscan";
import { getinfo } from "./support/command-streams";

/** The whole-body implementation: decodeCsv, annotate each row, encodeCsvBytes. */
function oracle(body: Buffer, options: Options): Buffer {
  const table = decodeCsv(body.toString("utf8"));
  const added = options.enrich ? ANNOTATE_COLUMNS.concat(ENRICH_COLUMNS) : ANNOTATE_COLUMNS.slice();
  const fields = table.fields.slice();
  const slots = added.map((name) => {
    const existing = fields.indexOf(name);
    return existing >= 0 ? existing : fields.push(name) - 1;
  });
  const eventOf = rowEventReader(table.fields);
  const matches = matcherFor(options.match);
  const rows = [];
  for (const row of table.rows) {
    const event = eventOf(row);
    const matched = matches(event);
    if (!matched && options.mode === "filter") continue;
    const values = annotateEvent(event, matched, options.enrich);
    for (let i = 0; i < slots.length; i++) row[slots[i]] = values[i];
    rows.push(row);
  }
  return encodeCsvBytes({ fields, rows } as Table);
}

function streamed(pieces: Buffer[], options: Options): Buffer {
  const receiver = annotateReceiver(options);
  for (const piece of pieces) receiver.write(piece);
  return Buffer.concat(receiver.end().body as Buffer[]);
}

function optionsOf(args: string[]): Options {
  return parseOptions(args);
}

const ARGS = [
  ["mode=annotate"],
  ["mode=filter"],
  ["mode=annotate", "enrich=true"],
  ["mode=filter", "match=broad", "enrich=true"],
  ["mode=annotate", "match=broad"],
];

// Values the detection reads, and ones that stress the CSV dialect.
const value = fc.oneof(
  fc.constantFrom("system:anonymous", "list", "watch", "pods", "/api/v1/pods", "/api/v1/namespaces/x/pods?watch=1", "403", "200", "allow"),
  fc.constantFrom("us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-1", "curl/7.68.0", "kube-hunter", "system:unauthenticated"),
  fc.string({ unit: fc.constantFrom('"', ",", "\n", "\r\n", "$", ";", "a", "é", "ท", "😀"), maxLength: 6 }),
);
const NAMES = ["_time", "_raw", "user.username", "user.groups{}", "verb", "objectRef.resource", "requestURI", "source", "sourceIPs{}",
  "responseStatus.code", "userAgent", "annotations.authorization.k8s.io/decision", "pod_scan", "cluster", "risk_score", "x,y", 'q"'];
const cellText = fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 3 }).map((vs) => "$" + vs.map((v) => v.split("$").join("$$")).join("$;$") + "$"));

/** A splunkd-like body: some fields, some with their __mv_ twin, rows of raw cells, quoting at random. */
const body: fc.Arbitrary<Buffer> = fc
  .record({
    fields: fc.uniqueArray(fc.constantFrom(...NAMES), { minLength: 1, maxLength: 8 }),
    twinMask: fc.array(fc.boolean(), { minLength: 17, maxLength: 17 }),
    crlf: fc.boolean(),
  })
  .chain(({ fields, twinMask, crlf }) => {
    const header = fields.concat(fields.filter((_, i) => twinMask[i]).map((f) => "__mv_" + f));
    return fc.record({
      header: fc.constant(header),
      rows: fc.array(fc.array(cellText, { minLength: header.length, maxLength: header.length }), { maxLength: 6 }),
      quoteAll: fc.boolean(),
      eol: fc.constant(crlf ? "\r\n" : "\n"),
    });
  })
  .map(({ header, rows, quoteAll, eol }) => {
    const q = (v: string) => (quoteAll || /[",\r\n]/.test(v) ? '"' + v.split('"').join('""') + '"' : v);
    return Buffer.from([header].concat(rows).map((r) => r.map(q).join(",") + eol).join(""), "utf8");
  });

/** Cuts `bytes` at the given fractions of its length. */
function cut(bytes: Buffer, at: number[]): Buffer[] {
  const points = at.map((f) => Math.floor(f * bytes.length)).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(bytes.subarray(from, p));
    from = p;
  }
  pieces.push(bytes.subarray(from));
  return pieces;
}

describe("command mode=annotate|filter: rows as they arrive", () => {
  it("the reply is byte for byte the whole-body reply, however the body is cut, in every mode", () => {
    fc.assert(
      fc.property(body, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }), fc.constantFrom(...ARGS), (bytes, at, args) => {
        const options = optionsOf(args);
        expect(streamed(cut(bytes, at), options).toString("latin1")).to.equal(oracle(bytes, options).toString("latin1"));
      }),
      { numRuns: 600 },
    );
  });

  it("an empty body and a header-only body, as before", () => {
    for (const args of ARGS) {
      for (const text of ["", "\n\r\n", "a,__mv_a\n", '"pod_scan"\n']) {
        const options = optionsOf(args);
        expect(streamed([Buffer.from(text)], options).toString(), `${args} ${JSON.stringify(text)}`).to.equal(oracle(Buffer.from(text), options).toString());
      }
    }
  });
});

describe("command mode=annotate|filter: no body ceiling below what splunkd can send", () => {
  // A session told of a body past the old 256 MB limit (and past what one string can hold) takes
  // its rows as they come: nothing is gathered, so nothing fails before the body ends.
  it("a 3 GB body is taken row by row: no error and no reply before its end", () => {
    const command = new EksPodScanCommand();
    const session = new Session(command, () => undefined);
    const out: Buffer[] = [];
    session.output = (bytes) => out.push(bytes);
    expect(session.push(getinfo(["mode=annotate"]))).to.equal(true);
    const rows = Buffer.from("_time,user.username,verb,objectRef.resource,requestURI\n" + "1599171244.2,system:anonymous,list,pods,/api/v1/pods\n".repeat(20000));
    const meta = '{"action":"execute","finished":true}';
    expect(session.push(Buffer.from(`chunked 1.0,${meta.length},${3 * 1024 ** 3}\n${meta}`))).to.equal(true);
    for (let i = 0; i < 5; i++) expect(session.push(i === 0 ? rows : rows.subarray(rows.indexOf(10) + 1)), `piece ${i}`).to.equal(true);
    expect(out.length, "only the getinfo reply").to.equal(1);
  });

  it("accepts any body length that is an exact number, and says so past it", () => {
    const session = new Session(new EksPodScanCommand(), () => undefined);
    const out: Buffer[] = [];
    session.output = (bytes) => out.push(bytes);
    session.push(getinfo(["mode=annotate"]));
    expect(session.push(Buffer.from(`chunked 1.0,2,${Number.MAX_SAFE_INTEGER + 1}\n{}`))).to.equal(false);
    expect(out[1].toString()).to.include(`chunk body of 9007199254740992 bytes exceeds the limit of ${Number.MAX_SAFE_INTEGER}`);
  });
});
