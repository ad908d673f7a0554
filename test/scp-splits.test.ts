/**
 * stdin hands the command arbitrary fragments: the same stream fed one byte at a time or in random
 * pieces must give byte-identical output to feeding it whole.
 */
import { expect } from "chai";
import fc from "fast-check";
import { encodeCsv } from "../src/scp/csv";
import { GETINFO, bytePieces, cutAt, execute, randomPieces, readRecording } from "./support/scp-chunks";
import { SessionResult, runPieces, runWhole } from "./support/scp-session";

const SEEDS = [1, 2, 3, 0x5eed];

function expectSame(actual: SessionResult, whole: SessionResult, how: string): void {
  expect([actual.code, actual.logs], how).to.deep.equal([whole.code, whole.logs]);
  expect(actual.output.length, `${how}: output length`).to.equal(whole.output.length);
  expect(actual.output.equals(whole.output), `${how}: output bytes`).to.equal(true);
}

describe("scp splits: real streams fed in fragments", function () {
  this.timeout(300000);

  for (const name of ["countmatches.input", "sum.reduce.input", "multibyte.input"]) {
    describe(name, () => {
      let stream: Buffer;
      let whole: SessionResult;
      before(async () => {
        stream = readRecording(name);
        whole = await runWhole(stream);
        expect(whole.code).to.equal(0);
      });

      it("one byte at a time", async () => {
        expectSame(await runPieces(bytePieces(stream)), whole, "1-byte pieces");
      });

      for (const seed of SEEDS) {
        it(`random pieces of 1..4096 bytes (seed ${seed})`, async () => {
          expectSame(await runPieces(randomPieces(stream, seed, 4096)), whole, `seed ${seed}`);
        });
      }
    });
  }

  describe("sum.map.input (16 MB: random pieces instead of single bytes)", () => {
    let stream: Buffer;
    let whole: SessionResult;
    before(async () => {
      stream = readRecording("sum.map.input");
      whole = await runWhole(stream);
      expect(whole.code).to.equal(0);
    });

    for (const seed of SEEDS.slice(0, 2)) {
      it(`random pieces of 1..64 KiB (seed ${seed})`, async () => {
        expectSame(await runPieces(randomPieces(stream, seed, 65536)), whole, `seed ${seed}`);
      });
    }

    it("its first 64 KiB one byte at a time, the rest in one piece", async () => {
      const head = stream.subarray(0, 65536);
      expectSame(await runPieces(bytePieces(head).concat([stream.subarray(65536)])), whole, "1-byte head");
    });
  });
});

describe("scp splits: generated streams", () => {
  const text = fc.string({ unit: fc.constantFrom("a", ",", '"', "\n", "\r\n", "$", "ท", "😀", "é"), maxLength: 6 });
  const cell = fc.oneof(text, fc.array(text, { minLength: 2, maxLength: 3 }));
  const body = fc.array(fc.tuple(cell, cell), { maxLength: 4 }).map((rows) => encodeCsv({ fields: ["f 1", "ท"], rows }));

  it("any split of a session with multibyte, multivalue bodies gives the output of the whole stream", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { maxLength: 30 }), async (bodies, cuts) => {
        const stream = Buffer.concat([GETINFO].concat(bodies.map((b, i) => execute(i === bodies.length - 1, b))));
        const whole = await runWhole(stream);
        expect(whole.code).to.equal(0);
        expectSame(await runPieces(cutAt(stream, cuts.map((cut) => cut % stream.length))), whole, "random cuts");
      }),
      { numRuns: 200 },
    );
  });
});
