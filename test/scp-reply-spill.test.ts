/**
 * CsvBodyBuilder with a spill file: the same bytes as the in-memory builder (the oracle) whether
 * the reply stays under the threshold or goes past it, and the file is gone after success and
 * after an error; an unwritable spill directory is a clear error.
 */
import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, readdirSync, rmdirSync } from "fs";
import os from "os";
import path from "path";
import { CsvBodyBuilder } from "../src/scp/csv-body";
import { encodeChunk } from "../src/scp/framing";
import { CommandError, Session, StreamedBody } from "../src/scp/session";
import { Cell } from "../src/scp/types";
import { csvBodyCase } from "./support/csv-body-cases";


/** The body's bytes, as Session writes them: the length it announced must match. */
function written(body: Buffer[] | StreamedBody): Buffer {
  if (Array.isArray(body)) return Buffer.concat(body);
  const pieces: Buffer[] = [];
  try {
    body.writeTo((piece) => pieces.push(Buffer.from(piece)));
  } finally {
    body.discard();
  }
  const bytes = Buffer.concat(pieces);
  expect(bytes.length).to.equal(body.length);
  return bytes;
}

describe("scp reply spill", () => {
  let dir = "";
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "spill-test-"));
  });
  afterEach(() => rmdirSync(dir));

  it("gives the in-memory builder's bytes under and over the threshold, and leaves no file", () => {
    fc.assert(
      fc.property(csvBodyCase, ({ fields, rows, may, blockBytes, thresholdBytes }) => {
          if (fields.length === 1 && may[0]) return;
          const oracle = new CsvBodyBuilder(fields, may, blockBytes);
          const spilling = new CsvBodyBuilder(fields, may, blockBytes, { dir, thresholdBytes });
          for (const row of rows) {
            oracle.add(row.slice());
            spilling.add(row.slice());
          }
          expect(written(spilling.end()).toString("latin1")).to.equal(written(oracle.end()).toString("latin1"));
          expect(readdirSync(dir)).to.deep.equal([]);
      }),
      { numRuns: 600 },
    );
  });

  it("holds only the threshold in memory: 50,000 rows over a 1 MB threshold, 1 block held", () => {
    const fields = ["_time", "requestURI", "user.groups{}"];
    const oracle = new CsvBodyBuilder(fields, [false, false, true]);
    const body = new CsvBodyBuilder(fields, [false, false, true], undefined, { dir, thresholdBytes: 1024 * 1024 });
    for (let i = 0; i < 50000; i++) {
      const row: Cell[] = [String(1599171244 + i), "/api/v1/pods", i % 3 ? "a" : "b"];
      oracle.add(row.slice());
      body.add(row);
    }
    expect(body.heldBytes).to.equal(1024 * 1024);
    expect(readdirSync(dir)).to.have.length(1);
    const reply = body.end();
    expect(Array.isArray(reply)).to.equal(false);
    expect(written(reply).equals(written(oracle.end()))).to.equal(true);
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  for (const keeps of [false, true]) {
    it(`a Session writes the spilled reply as the held one, output ${keeps ? "keeping" : "not keeping"} its buffers`, () => {
      const fields = ["_time", "uri"];
      const replies: Buffer[] = [];
      for (const spill of [null, { dir, thresholdBytes: 0 }]) {
        const session = new Session(
          {
            getinfo: () => ({ info: { type: "streaming" } }),
            execute: () => {
              const body = new CsvBodyBuilder(fields, [false, true], 16, spill);
              for (let i = 0; i < 40; i++) body.add([String(i), i % 7 ? "/api/v1/pods" : ["a", String(i)]]);
              return { body: body.end() };
            },
          },
          () => undefined,
        );
        session.outputKeepsBytes = keeps;
        const out: Buffer[] = [];
        session.output = (bytes) => out.push(keeps ? bytes : Buffer.from(bytes));
        session.push(Buffer.concat([encodeChunk({ action: "getinfo", searchinfo: {} }), encodeChunk({ action: "execute", finished: true })]));
        expect(session.finish()).to.equal(true);
        replies.push(Buffer.concat(out));
      }
      expect(replies[1].toString("latin1")).to.equal(replies[0].toString("latin1"));
      expect(readdirSync(dir)).to.deep.equal([]);
    });
  }

  it("removes the file when writing the reply out fails", () => {
    const body = new CsvBodyBuilder(["a"], [false], 4, { dir, thresholdBytes: 0 });
    for (let i = 0; i < 10; i++) body.add(["xyz"]);
    const reply = body.end() as StreamedBody;
    expect(readdirSync(dir)).to.have.length(1);
    expect(() =>
      reply.writeTo(() => {
        throw new Error("EPIPE");
      }),
    ).to.throw("EPIPE");
    reply.discard();
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it("turns an unwritable spill directory into a clear CommandError", () => {
    const missing = path.join(dir, "gone");
    const body = new CsvBodyBuilder(["a"], [false], 4, { dir: missing, thresholdBytes: 0 });
    body.add(["xyz"]);
    expect(() => body.add(["xyz"])).to.throw(CommandError, `cannot hold the reply in ${missing}${path.sep}ekspodscan-reply-`);
    expect(() => body.add(["xyz"])).to.throw(CommandError, /ENOENT/);
  });
});
