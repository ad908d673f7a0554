/**
 * fast-check properties of the CSV codec, with csv-parse as the oracle for raw rows.
 */
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { decodeCsv, encodeCsv, parseCsvRows } from "../src/scp/csv";
import { Cell, Table } from "../src/scp/types";

// Characters that stress the dialect, plus any grapheme (astral ones included).
const unit = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('"', ",", "\n", "\r\n", "\r", "$", "$$", ";", " ", "a", "Z", "0", "é", "ท", "😀", "𝄞") },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
);
const value = fc.string({ unit, maxLength: 8 });
const fieldName = fc.string({ unit, minLength: 1, maxLength: 6 }).filter((name) => name.lastIndexOf("__mv_", 0) !== 0);
// Any cell; [] and one-element arrays are legal input but encode like plain values.
const cell: fc.Arbitrary<Cell> = fc.oneof(value, fc.array(value, { maxLength: 4 }));

const table: fc.Arbitrary<Table> = fc
  .uniqueArray(fieldName, { minLength: 1, maxLength: 5 })
  .chain((fields) =>
    fc.record({
      fields: fc.constant(fields),
      rows: fc.array(fc.array(cell, { minLength: fields.length, maxLength: fields.length }), { maxLength: 6 }),
    }),
  );

/** What decoding gives back: [] is an empty value, [x] is x. */
function normalise(cellValue: Cell): Cell {
  if (typeof cellValue === "string") return cellValue;
  if (cellValue.length === 0) return "";
  return cellValue.length === 1 ? cellValue[0] : cellValue;
}

/** The test's own `__mv_` encoder (splunklib's rule), independent of src/scp/multivalue.ts. */
function twinOf(values: string[]): string {
  return "$" + values.map((v) => v.split("$").join("$$")).join("$;$") + "$";
}

const csvParseRelaxed = (text: string): string[][] =>
  parse(text, { relax_column_count: true, relax_quotes: true, skip_empty_lines: true, record_delimiter: ["\r\n", "\n"] });

describe("scp csv: properties", () => {
  it("decodeCsv(encodeCsv(table)) gives the table back (multivalues, quotes, commas, newlines, $, UTF-8)", () => {
    fc.assert(
      fc.property(table, (t) => {
        const expected = { fields: t.fields, rows: t.rows.map((row) => row.map(normalise)) };
        expect(decodeCsv(encodeCsv(t))).to.deep.equal(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("csv-parse reads encodeCsv's output as the header plus twins and the plain and $-encoded cells", () => {
    fc.assert(
      fc.property(table, (t) => {
        const twins = t.fields.map((_, i) => i).filter((i) => t.rows.some((row) => normalise(row[i]) instanceof Array));
        const expected = [t.fields.concat(twins.map((i) => "__mv_" + t.fields[i]))];
        for (const row of t.rows) {
          const cells = row.map(normalise);
          const plain = cells.map((c) => (typeof c === "string" ? c : c.join("\n")));
          expected.push(plain.concat(twins.map((i) => (typeof cells[i] === "string" ? "" : twinOf(cells[i] as string[])))));
        }
        // Strict parse: no relaxing and no skipping, so a row that became a blank line shows up as [""].
        expect(parse(encodeCsv(t), { record_delimiter: "\n" })).to.deep.equal(expected);
      }),
      { numRuns: 500 },
    );
  });

  it("parseCsvRows agrees with csv-parse on CSV written with any quoting and \\n or \\r\\n line ends", () => {
    const rowsArb = fc.array(fc.array(fc.tuple(value, fc.boolean()), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(rowsArb, fc.constantFrom("\n", "\r\n"), fc.boolean(), fc.boolean(), (rows, eol, finalEol, blankLines) => {
        const lines = rows.map((row) =>
          row
            .map(([v, quoteAnyway]) => {
              // A lone empty field must be quoted, or the row is a blank line.
              const mustQuote = /[",\r\n]/.test(v) || (row.length === 1 && v === "");
              return mustQuote || quoteAnyway ? '"' + v.replace(/"/g, '""') + '"' : v;
            })
            .join(","),
        );
        const text = lines.join(blankLines ? eol + eol : eol) + (finalEol ? eol : "");
        const model = rows.map((row) => row.map(([v]) => v));
        expect(parseCsvRows(text)).to.deep.equal(model);
        expect(parse(text, { relax_column_count: true, skip_empty_lines: true, record_delimiter: eol })).to.deep.equal(model);
      }),
      { numRuns: 500 },
    );
  });

  it("on arbitrary text, whatever parseCsvRows accepts csv-parse reads the same way", () => {
    // No lone \r: splunkd never sends one outside quotes, and there csv-parse keeps it as data.
    const textArb = fc.string({ unit: fc.constantFrom("a", "é", "😀", ",", '"', '""', "\n", "\r\n", " ", "$"), maxLength: 30 });
    fc.assert(
      fc.property(textArb, (text) => {
        let ours: string[][];
        try {
          ours = parseCsvRows(text);
        } catch (err) {
          return; // ours is the stricter parser (e.g. text after a closing quote)
        }
        expect(ours).to.deep.equal(csvParseRelaxed(text));
      }),
      { numRuns: 2000 },
    );
  });

  it("decodeCsv never throws anything but a ProtocolError, whatever the text", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom("a", "__mv_a", "$", ";", ",", '"', "\n", "\r", "\r\n"), maxLength: 40 }), (text) => {
        try {
          decodeCsv(text);
        } catch (err) {
          expect((err as Error).name).to.equal("ProtocolError");
        }
      }),
      { numRuns: 2000 },
    );
  });
});
