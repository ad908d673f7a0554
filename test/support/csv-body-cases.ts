/**
 * fast-check cases for CsvBodyBuilder: fields, rows of cells (values with CSV's special characters,
 * multivalues), which fields may hold a twin, a block size small enough that rows cross blocks, and
 * a spill threshold. `may` marks every field that holds a multivalue, and others at random.
 */
import fc from "fast-check";
import { Cell } from "../../src/scp/types";

const value = fc.string({ unit: fc.constantFrom('"', ",", "\n", "\r", "$", ";", "a", "é", "😀"), maxLength: 5 });
const cell: fc.Arbitrary<Cell> = fc.oneof(value, fc.array(value, { maxLength: 3 }));

export interface CsvBodyCase {
  fields: string[];
  rows: Cell[][];
  may: boolean[];
  blockBytes: number;
  thresholdBytes: number;
}

export const csvBodyCase: fc.Arbitrary<CsvBodyCase> = fc
  .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 })
  .chain((fields) =>
    fc.record({
      fields: fc.constant(fields),
      rows: fc.array(fc.array(cell, { minLength: fields.length, maxLength: fields.length }), { maxLength: 12 }),
      extra: fc.array(fc.boolean(), { minLength: fields.length, maxLength: fields.length }),
      blockBytes: fc.integer({ min: 1, max: 64 }),
      thresholdBytes: fc.integer({ min: 0, max: 200 }),
    }),
  )
  .map(({ fields, rows, extra, blockBytes, thresholdBytes }) => ({
    fields,
    rows,
    may: fields.map((_, i) => extra[i] || rows.some((row) => Array.isArray(row[i]) && row[i].length > 1)),
    blockBytes,
    thresholdBytes,
  }));
