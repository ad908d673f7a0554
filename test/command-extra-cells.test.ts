/**
 * A row with more cells than its header: the cells past the header name no field, and every mode
 * ignores them (as splunklib's reader does); the reply is the one the row gives without them.
 */
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { decodeCsv } from "../src/scp/csv";
import { EVENT_FIELD_ORDER, RECORDS } from "./support/command-events";
import { replyBodies } from "./support/command-run";
import { Record, splunkdCsv } from "./support/command-streams";

const EXTRA = ["extra one", "x,\"y\"\nz"];

/** The body written again with csv-stringify; `extra` cells appended to every data row. */
function rewritten(body: string, extra: string[]): string {
  const lines: string[][] = parse(body, { relax_column_count: true });
  return stringify([lines[0]].concat(lines.slice(1).map((line) => line.concat(extra))));
}

function bodiesOf(records: Record[], fields: string[]): { plain: string; extra: string } {
  const body = splunkdCsv(records, fields);
  return { plain: rewritten(body, []), extra: rewritten(body, EXTRA) };
}

describe("command: a row with more cells than the header", () => {
  it("decodeCsv keeps the header's cells and drops the rest, twins included", () => {
    expect(decodeCsv("a,b\n1,2,3\n")).to.deep.equal({ fields: ["a", "b"], rows: [["1", "2"]] });
    expect(decodeCsv('a,__mv_a\n"x\ny","$x$;$y$",$z$\n')).to.deep.equal({ fields: ["a"], rows: [[["x", "y"]]] });
  });

  for (const mode of ["stats", "annotate", "filter"]) {
    it(`mode=${mode}: the same reply as the rows without the extra cells`, async () => {
      const fields = mode === "stats" ? EVENT_FIELD_ORDER : EVENT_FIELD_ORDER.concat(["_chunked_idx"]);
      const records = RECORDS.map((record, i) => (mode === "stats" ? record : { ...record, _chunked_idx: String(i) }));
      const { plain, extra } = bodiesOf(records, fields);
      const args = mode === "stats" ? [] : [`mode=${mode}`];
      const expected = await replyBodies(args, [[true, plain]]);
      expect(expected[0]).not.to.equal("");
      expect(await replyBodies(args, [[true, extra]])).to.deep.equal(expected);
    });
  }

  it("mode=stats, map phase: the same partial rows", async () => {
    const { plain, extra } = bodiesOf(RECORDS, EVENT_FIELD_ORDER);
    const expected = await replyBodies(["phase=map"], [[true, plain]]);
    expect(expected[0]).not.to.equal("");
    expect(await replyBodies(["phase=map"], [[true, extra]])).to.deep.equal(expected);
  });
});
