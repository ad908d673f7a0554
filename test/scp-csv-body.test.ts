/**
 * CsvBodyBuilder against encodeCsvBytes as the oracle: the same bytes for the same rows, with
 * blocks small enough that rows cross many of them, whatever the fields that may hold a twin.
 */
import { expect } from "chai";
import fc from "fast-check";
import { encodeCsvBytes } from "../src/scp/csv";
import { CsvBodyBuilder } from "../src/scp/csv-body";
import { Cell } from "../src/scp/types";
import { csvBodyCase } from "./support/csv-body-cases";


describe("scp CsvBodyBuilder", () => {
  it("writes encodeCsvBytes' bytes, twins only where used, across blocks of any size", () => {
    fc.assert(
      fc.property(csvBodyCase, ({ fields, rows, may, blockBytes }) => {
          if (fields.length === 1 && may[0]) return; // a lone field never holds a multivalue (the caller's case)
          const body = new CsvBodyBuilder(fields, may, blockBytes);
          for (const row of rows) body.add(row.slice());
          expect(Buffer.concat(body.end() as Buffer[]).toString("latin1")).to.equal(encodeCsvBytes({ fields, rows }).toString("latin1"));
      }),
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
