/**
 * RowAggregator (the map phase's fast path) against PodScanStats.addEvent as the oracle: whatever
 * rows it takes, and wherever its groups are drained, the stats merged from its partial rows plus
 * the events it refused must equal the stats of every event added one by one. Rows come through a
 * real CsvRowStream (latin1 windows over UTF-8 bytes, random cuts).
 */
import { expect } from "chai";
import fc from "fast-check";
import { EVENT_FIELDS, EventReader } from "../src/command/events";
import { RowAggregator } from "../src/command/row-aggregator";
import { PodScanStats, partialRecord } from "../src/detection/stats";
import { encodeMultivalue } from "../src/scp/csv";
import { CsvRowStream } from "../src/scp/csv-stream";
import { cutAt } from "./support/scp-chunks";

const MV = "__mv_";
const TIMES = [
  "1599171244.277",
  "1599171244.2770", // the same number written differently: the smaller text must win
  "1599171200.5",
  "0.5",
  "0",
  "10",
  "999999999999999", // 15 digits
  "1599171244.2770000001", // too many digits for the fast path
  "007",
  "1e3",
  "-1.5",
  " 5",
  ".5",
  "5.",
  "",
];
const POOL = ["a", "b", "system:anonymous", "ü-ünïcode", "x,y", "line\nbreak", "$dollar$", "😀"];

/** By-fields take few values, so that groups repeat and ties on _time happen within one. */
const BY_FIELDS = ["sourceIPs{}", "source", "user.username", "user.groups{}"];
const byValue = fc.oneof({ weight: 20, arbitrary: fc.constantFrom("a", "ü-ünïcode") }, { weight: 1, arbitrary: fc.constantFrom(...POOL) });
const value = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...POOL) }, { weight: 1, arbitrary: fc.constant('say "hi"') });
const plainCell = (byField: boolean) => fc.oneof({ weight: 20, arbitrary: byField ? byValue : value }, { weight: 1, arbitrary: fc.constant("") });
/** A twin: mostly empty; else a multivalue (maybe with repeats and empty values) or text not in that form. */
const twinCell = fc.oneof(
  { weight: 12, arbitrary: fc.constant("") },
  { weight: 3, arbitrary: fc.array(fc.oneof(value, fc.constant("")), { minLength: 1, maxLength: 3 }).map(encodeMultivalue) },
  { weight: 1, arbitrary: fc.constant("not-multivalue") },
);
const timeCell = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...TIMES.slice(0, 5)) }, { weight: 2, arbitrary: fc.constantFrom(...TIMES) });
const timeTwin = fc.oneof({ weight: 8, arbitrary: fc.constant("") }, { weight: 1, arbitrary: fc.constantFrom(...TIMES).map((t) => encodeMultivalue([t, "1.5"])) });

type Shape = "plain" | "both" | "missing";
const shapes = fc.array(fc.oneof({ weight: 10, arbitrary: fc.constantFrom<Shape>("plain", "both") }, { weight: 1, arbitrary: fc.constant<Shape>("missing") }), {
  minLength: EVENT_FIELDS.length,
  maxLength: EVENT_FIELDS.length,
});

function header(fieldShapes: Shape[]): string[] {
  const plain = EVENT_FIELDS.filter((_, i) => fieldShapes[i] !== "missing");
  const twins = EVENT_FIELDS.filter((_, i) => fieldShapes[i] === "both").map((f) => MV + f);
  return plain.concat(twins);
}

const bodyArb = shapes.chain((fieldShapes) => {
  const names = header(fieldShapes);
  const cell = (name: string) => (name === "_time" ? timeCell : name === MV + "_time" ? timeTwin : name.startsWith(MV) ? twinCell : plainCell(BY_FIELDS.indexOf(name) >= 0));
  return fc.record({
    names: fc.constant(names),
    rows: fc.array(fc.tuple(...names.map(cell)), { minLength: 1, maxLength: 40 }),
    drainAt: fc.array(fc.nat(40), { maxLength: 3 }),
    quoteAll: fc.boolean(),
    cuts: fc.array(fc.nat(), { maxLength: 8 }),
  });
});

function csvLine(values: string[], quoteAll: boolean): string {
  return values.map((v) => (quoteAll || /[",\r\n]/.test(v) || (values.length === 1 && v === "") ? '"' + v.replace(/"/g, '""') + '"' : v)).join(",");
}

/**
 * Reads a body through a CsvRowStream both ways: every row into the oracle by addEvent; and each
 * row into a RowAggregator, refused rows by addEvent, drained into the stats after the rows numbered
 * in `drainAt` and at the end.
 */
function bothWays(pieces: Buffer[], drainAt: number[]): { oracle: PodScanStats; stats: PodScanStats; taken: number; refused: number } {
  const oracle = new PodScanStats();
  const stats = new PodScanStats();
  const aggregator = new RowAggregator();
  const events = new EventReader();
  const drain = () => {
    for (const row of aggregator.drain()) stats.addPartial(partialRecord(row));
  };
  let taken = 0;
  let refused = 0;
  const stream = new CsvRowStream({
    header: (h) => {
      events.setHeader(h);
      aggregator.setHeader(h);
    },
    row: (cursor) => {
      oracle.addEvent(events.read(cursor));
      if (aggregator.add(cursor)) taken++;
      else {
        refused++;
        stats.addEvent(events.read(cursor));
      }
      if (drainAt.indexOf(taken + refused) >= 0) drain();
    },
  });
  for (const piece of pieces) stream.write(piece);
  stream.end();
  drain();
  expect(aggregator.groupCount).to.equal(0);
  return { oracle, stats, taken, refused };
}

describe("command RowAggregator: the fast path of the map phase, against PodScanStats.addEvent", () => {
  it("merged partials plus refused rows give the oracle's stats, whatever the cells and drain points", () => {
    let taken = 0;
    let refused = 0;
    fc.assert(
      fc.property(bodyArb, ({ names, rows, drainAt, quoteAll, cuts }) => {
        const text = [csvLine(names, quoteAll)].concat(rows.map((r) => csvLine(r, quoteAll))).join("\n") + "\n";
        const run = bothWays(cutAt(Buffer.from(text, "utf8"), cuts), drainAt);
        taken += run.taken;
        refused += run.refused;
        expect(run.stats.resultRows(true)).to.deep.equal(run.oracle.resultRows(true));
      }),
      { numRuns: 400 },
    );
    // Both ways must have been exercised, or the property proves little.
    expect(taken).to.be.greaterThan(300);
    expect(refused).to.be.greaterThan(300);
  });

  it("keeps every distinct value past the 31 a bit mask holds, in one group and across drains", () => {
    const names = EVENT_FIELDS.slice();
    const line = (i: number) => names.map((n) => (n === "_time" ? String(1000 + i) : n === "userAgent" ? `ua-${(i * 7) % 90}` : "v")).join(",");
    const body = Buffer.from([names.join(",")].concat(Array.from({ length: 400 }, (_, i) => line(i))).join("\n") + "\n");
    const { oracle, stats, refused } = bothWays([body], [250]);
    expect(refused).to.equal(0);
    const rows = stats.resultRows(false);
    expect(rows).to.deep.equal(oracle.resultRows(false));
    expect(rows[0][9]).to.have.length(90); // values(userAgent)
  });

  it("takes a row with its by-fields and a plain decimal _time, and refuses the others, each for its reason", () => {
    const names = EVENT_FIELDS.concat([MV + "sourceIPs{}", MV + "_time"]);
    const base: { [name: string]: string } = {};
    for (const name of EVENT_FIELDS) base[name] = "v";
    base["_time"] = "1599171244.277";
    const verdicts = (rows: Array<{ [name: string]: string }>) => {
      const aggregator = new RowAggregator();
      const out: boolean[] = [];
      const stream = new CsvRowStream({ header: (h) => aggregator.setHeader(h), row: (c) => out.push(aggregator.add(c)) });
      const lines = [names.join(",")].concat(rows.map((r) => csvLine(names.map((n) => r[n] ?? ""), false)));
      stream.write(Buffer.from(lines.join("\n") + "\n"));
      stream.end();
      return out;
    };
    expect(
      verdicts([
        base,
        { ...base, [MV + "sourceIPs{}"]: "$10.0.0.1$;$10.0.0.2$" }, // taken: counts in both groups
        { ...base, "sourceIPs{}": "" }, // a missing by-field: the event is dropped, by the general path
        { ...base, _time: "1e3" },
        { ...base, _time: "" },
        { ...base, [MV + "_time"]: "$1$;$2$" },
        { ...base, userAgent: 'say "hi"' }, // doubled quotes: the raw text is not the value
        { ...base, [MV + "sourceIPs{}"]: "not-multivalue" },
      ]),
    ).to.deep.equal([true, true, false, false, false, false, false, false]);
  });
});
