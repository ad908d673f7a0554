import { expect } from "chai";
import fc from "fast-check";
import { thousands } from "../src/ingest/report";

describe("ingest: counts with thousands separators", () => {
  it("writes what toLocaleString('en-US') writes, for any count", () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.maxSafeNat(), fc.integer({ min: 0, max: 10_000_000 })), (n) => {
        expect(thousands(n)).to.equal(n.toLocaleString("en-US"));
      }),
      { numRuns: 2000 },
    );
  });

  it("at each length around a separator", () => {
    expect([0, 999, 1000, 99_999, 100_000, 1_000_000, 194_778].map(thousands)).to.deep.equal(["0", "999", "1,000", "99,999", "100,000", "1,000,000", "194,778"]);
  });
});
