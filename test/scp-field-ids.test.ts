/**
 * FieldIds against readCell as the oracle: the ids of a row's cell name its present values, in order,
 * over the real CsvRowStream (latin1 windows over UTF-8 bytes, cut anywhere), across clear().
 */
import { expect } from "chai";
import fc from "fast-check";
import { encodeMultivalue } from "../src/scp/csv";
import { fieldColumns, readCell } from "../src/scp/csv-cursor";
import { CsvRowStream } from "../src/scp/csv-stream";
import { FieldIds } from "../src/scp/field-ids";
import { cutAt } from "./support/scp-chunks";

const VALUES = ["a", "b", "ü", "😀", "x,y", "two\nlines", "$d$", 'q"q', "", "1599171244.277", "a".repeat(40)];
const value = fc.constantFrom(...VALUES);
const twin = fc.oneof({ weight: 3, arbitrary: fc.constant("") }, { weight: 2, arbitrary: fc.array(value, { minLength: 1, maxLength: 4 }).map(encodeMultivalue) }, { weight: 1, arbitrary: fc.constant("$broken") });

function line(values: string[]): string {
  return values.map((v) => (/[",\r\n]/.test(v) || v === "" ? '"' + v.replace(/"/g, '""') + '"' : v)).join(",");
}

describe("scp FieldIds: ids of a field's values off the raw text", () => {
  it("a cell's ids name its present values, repeats kept, or are null where only readCell can read it", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, twin), { minLength: 1, maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), fc.nat(300), (rows, cuts, clearAt) => {
        const text = "other,f,__mv_f\n" + rows.map(([plain, mv]) => line(["o", plain, mv])).join("\n") + "\n";
        const ids = new FieldIds("f");
        let columns = fieldColumns([], "f");
        let n = 0;
        const stream = new CsvRowStream({
          header: (names) => {
            ids.setHeader(names);
            columns = fieldColumns(names, "f");
          },
          row: (cursor) => {
            if (++n === clearAt) ids.clear();
            const got = ids.idsOf(cursor);
            const escaped = cursor.isEscaped(columns.twin >= 0 && !cursor.isEmpty(columns.twin) ? columns.twin : columns.plain);
            const cell = readCell(cursor, columns);
            const wanted = (typeof cell === "string" ? [cell] : cell).filter((v) => v !== "");
            if (got === null) {
              // Only doubled quotes or a twin that is not a multivalue (readCell then reads the plain column).
              expect(escaped || /^\$broken$/.test(rows[n - 1][1])).to.equal(true);
              return;
            }
            expect(got.map((id) => ids.values[id])).to.deep.equal(wanted);
          },
        });
        for (const piece of cutAt(Buffer.from(text, "utf8"), cuts)) stream.write(piece);
        stream.end();
      }),
      { numRuns: 300 },
    );
  });
});
