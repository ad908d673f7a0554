/** GroupTable numbers tuples of ids in order of first sight, against a Map of joined keys as the oracle. */
import { expect } from "chai";
import fc from "fast-check";
import { GroupTable } from "../src/command/group-table";

describe("command GroupTable", () => {
  it("numbers each distinct tuple once, in order of first sight, across growth and clear()", () => {
    const tuple = fc.array(fc.oneof(fc.nat(2), fc.nat(3000)), { minLength: 3, maxLength: 3 }); // repeats, and growth
    fc.assert(
      fc.property(fc.array(fc.array(tuple, { maxLength: 3000 }), { minLength: 1, maxLength: 3 }), (rounds) => {
        const table = new GroupTable(3, 4);
        for (const tuples of rounds) {
          const oracle = new Map<string, number>();
          for (const t of tuples) {
            const key = t.join(",");
            if (!oracle.has(key)) oracle.set(key, oracle.size);
            expect(table.indexOf(Int32Array.from(t))).to.equal(oracle.get(key));
          }
          expect(table.size).to.equal(oracle.size);
          for (const [key, g] of oracle) expect([0, 1, 2].map((i) => table.key(g, i)).join(",")).to.equal(key);
          table.clear();
        }
      }),
      { numRuns: 50 },
    );
  });
});
