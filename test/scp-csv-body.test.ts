/**
 * CsvBodyBuilder against encodeCsvBytes as the oracle: the same bytes for the same rows, with
 * blocks small enough that rows cross many of them, whatever the fields that may hold a twin.
 */
import { expect } from "chai";
import fc from "fast-check";
import { encodeCsvBytes } from "../src/scp/csv";
import { CsvBodyBuilder } from "../src/scp/csv-body";
import { Cell } from "../src/scp/types";

const value = fc.string({ unit: fc.constantFrom('"', ",", "\n", "\r", "$", ";", "a", "é", "😀"), maxLength: 5 });
const cell: fc.Arbitrary<Cell> = fc.oneof(value, fc.array(value, { maxLength: 3 }));

describe("scp CsvBodyBuilder", () => {
  it("writes encodeCsvBytes' bytes, twins only where used, across blocks of any size", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }).chain((fields) =>
          fc.record({
            fields: fc.constant(fields),
            rows: fc.array(fc.array(cell, { minLength: fields.length, maxLength: fields.length }), { maxLength: 12 }),
            extra: fc.array(fc.boolean(), { minLength: fields.length, maxLength: fields.length }),
            blockBytes: fc.integer({ min: 1, max: 64 }),
          }),
        ),
        ({ fields, rows, extra, blockBytes }) => {
          // A field that holds a multivalue must be a candidate; others may be, at random.
          const may = fields.map((_, i) => extra[i] || rows.some((row) => Array.isArray(row[i]) && row[i].length > 1));
          if (fields.length === 1 && may[0]) return; // a lone field never holds a multivalue (the caller's case)
          const body = new CsvBodyBuilder(fields, may, blockBytes);
          for (const row of rows) body.add(row.slice());
          expect(Buffer.concat(body.end() as Buffer[]).toString("latin1")).to.equal(encodeCsvBytes({ fields, rows }).toString("latin1"));
        },
      ),
      { numRuns: 800 },
    );
  });

  it("holds the rows' bytes in 1 MB blocks, not the rows: 50,000 rows, 1.9 MB, in 2 blocks", () => {
    const fields = ["_time", "requestURI", "user.groups{}"];
    const rows: Cell[][] = [];
    for (let i = 0; i < 50000; i++) rows.push([String(1599171244 + i), "/api/v1/pods", i % 2 ? ["a", "b"] : "a"]);
    const body = new CsvBodyBuilder(fields, [false, false, true]);
    for (const row of rows) body.add(row);
    expect(body.heldBytes).to.equal(2 * 1024 * 1024);
    const want = encodeCsvBytes({ fields, rows });
    expect(want.length).to.be.within(1.5 * 1024 * 1024, 2 * 1024 * 1024);
    expect(Buffer.concat(body.end() as Buffer[]).equals(want)).to.equal(true);
  });
});
