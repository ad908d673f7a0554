/** parseDecimalTime against parseFloat as the oracle, and decimalText giving back the exact text. */
import { expect } from "chai";
import fc from "fast-check";
import { DecimalTime, decimalText, parseDecimalTime } from "../src/command/decimal-time";

const digit = fc.constantFrom(..."0123456789".split(""));
const digits = (min: number, max: number) => fc.array(digit, { minLength: min, maxLength: max }).map((d) => d.join(""));
/** Plain decimals of at most 15 digits, no leading zero: what splunkd writes for _time. */
const plainDecimal = fc
  .tuple(fc.oneof(fc.constant("0"), fc.tuple(fc.constantFrom(..."123456789".split("")), digits(0, 10)).map(([a, b]) => a + b)), fc.option(digits(1, 9)))
  .map(([int, frac]) => (frac === null ? int : int + "." + frac))
  .filter((text) => text.replace(".", "").length <= 15);

function parse(text: string): { num: number; out: DecimalTime } {
  const out = { digits: -1, scale: -1 };
  return { num: parseDecimalTime("xx" + text + "yy", 2, 2 + text.length, out), out };
}

describe("command decimal time: _time read without a string", () => {
  it("a plain decimal reads as parseFloat's number, and its digits and scale give back the text", () => {
    fc.assert(
      fc.property(plainDecimal, (text) => {
        const { num, out } = parse(text);
        expect(num).to.equal(parseFloat(text));
        expect(decimalText(out.digits, out.scale)).to.equal(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("anything else is NaN, left to the general path", () => {
    for (const text of ["", ".", "5.", ".5", "007", "00", "01.5", "-1.5", "+1", "1e3", " 5", "5 ", "1.2.3", "NaN", "1,5", "1234567890.123456"]) {
      expect(parse(text).num, JSON.stringify(text)).to.be.NaN;
    }
  });

  it("keeps trailing zeros, so 1.5 and 1.50 stay apart as texts with one number", () => {
    const a = parse("1.5");
    const b = parse("1.50");
    expect(a.num).to.equal(b.num);
    expect([decimalText(a.out.digits, a.out.scale), decimalText(b.out.digits, b.out.scale)]).to.deep.equal(["1.5", "1.50"]);
    expect(decimalText(5, 3)).to.equal("0.005");
    expect(decimalText(0, 0)).to.equal("0");
  });
});
