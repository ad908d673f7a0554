import { expect } from "chai";
import fc from "fast-check";
import { decodeCsv } from "../src/scp/csv";
import { Cell } from "../src/scp/types";
import { csvHeader, csvRow, splunkdCsv } from "../src/local/splunkd-csv";

describe("splunkd's CSV, as the hunt driver writes it", () => {
  it("writes every field with its __mv_ twin, quoting like splunkd", () => {
    expect(csvHeader(["_time", "verb", "sourceIPs{}"])).to.equal('"_time",verb,"sourceIPs{}","__mv__time","__mv_verb","__mv_sourceIPs{}"');
    expect(csvRow(["1599171244.277", 'say "hi", then', ["a$b", "c"]])).to.equal('1599171244.277,"say ""hi"", then","a$b\nc",,,$a$$b$;$c$');
    expect(csvRow(["", [], ["only"]])).to.equal(",,only,,,");
  });

  it("reads back through the command's decoder to the same cells (property)", () => {
    const value = fc.string({ unit: "grapheme", maxLength: 12 });
    const cell: fc.Arbitrary<Cell> = fc.oneof(value, fc.array(value, { minLength: 2, maxLength: 4 }));
    fc.assert(
      fc.property(fc.array(fc.array(cell, { minLength: 3, maxLength: 3 }), { maxLength: 5 }), (rows) => {
        const table = decodeCsv(splunkdCsv(["a", "_b", "c{}"], rows));
        expect(table.fields).to.deep.equal(["a", "_b", "c{}"]);
        expect(table.rows).to.deep.equal(rows);
      }),
    );
  });
});
