/**
 * Conformance against real splunkd byte streams (../shared/recordings/scpv2/, read in place),
 * driven through runSession() with a pass-through command; csv-parse is the oracle for the rows.
 */
import { expect } from "chai";
import { parse } from "csv-parse/sync";
import { ChunkDecoder } from "../src/scp/framing";
import { GETINFO, RawChunk, chunk, execute, readRecording, splitChunks } from "./support/scp-chunks";
import { EchoHandler, SessionResult, runWhole } from "./support/scp-session";

interface Expectation {
  chunks: number;
  finished: boolean[];
  rows: number[];
}

// Chunk and row counts of each recording (rows are CSV records, not lines: countmatches' tweets hold
// newlines, so its 48108-byte body has 629 "\n" but 500 records).
const RECORDINGS: { [name: string]: Expectation } = {
  "countmatches.input": { chunks: 2, finished: [true], rows: [500] },
  "sum.map.input": { chunks: 2, finished: [true], rows: [50000] },
  "sum.reduce.input": { chunks: 2, finished: [true], rows: [1] },
  "multibyte.input": {
    chunks: 10,
    finished: [false, false, false, false, false, false, false, false, true],
    rows: [6638, 5861, 1, 6574, 5926, 6412, 6088, 1741, 1441],
  },
};

/** Records of a CSV body as csv-parse reads them (header first), short rows padded, all-empty __mv_ twins left out. */
function oracleRecords(body: Buffer): string[][] {
  const [header, ...rows] = parse(body.toString("utf8"), { relax_column_count: true }) as string[][];
  if (!header) return [];
  const padded = rows.map((row) => header.map((_, col) => row[col] || ""));
  const keep = header.map((name, col) => !name.startsWith("__mv_") || padded.some((row) => row[col] !== ""));
  const pick = (row: string[]) => row.filter((_, col) => keep[col]);
  return [pick(header)].concat(padded.map(pick));
}

describe("scp conformance: real splunkd streams", function () {
  this.timeout(120000);

  for (const name of Object.keys(RECORDINGS)) {
    const expected = RECORDINGS[name];

    describe(name, () => {
      let stream: Buffer;
      let requests: RawChunk[];
      let handler: EchoHandler;
      let result: SessionResult;
      before(async () => {
        stream = readRecording(name);
        requests = splitChunks(stream);
        handler = new EchoHandler();
        result = await runWhole(stream, handler);
      });

      it(`holds ${expected.chunks} chunks: one getinfo, then executes`, () => {
        expect(requests.map((c) => c.meta.action)).to.deep.equal(["getinfo"].concat(new Array(expected.chunks - 1).fill("execute")));
        expect(requests[0].body.length).to.equal(0);
      });

      it("ChunkDecoder, fed the whole stream at once, returns every chunk with its metadata and body bytes", () => {
        const decoder = new ChunkDecoder();
        const chunks = decoder.push(stream);
        decoder.end();
        expect(chunks.length).to.equal(expected.chunks);
        expect(chunks.map((c) => c.meta)).to.deep.equal(requests.map((c) => c.meta));
        chunks.forEach((c, i) => expect(c.body.equals(requests[i].body), `body of chunk ${i + 1}`).to.equal(true));
      });

      it("gets exactly one reply per request, finished echoed, exit code 0, nothing logged", () => {
        expect([result.code, result.logs]).to.deep.equal([0, []]);
        const replies = splitChunks(result.output);
        expect(replies.length).to.equal(expected.chunks);
        expect(replies[0].metaText).to.equal('{"type":"streaming"}');
        expect(replies.slice(1).map((r) => r.metaText)).to.deep.equal(expected.finished.map((f) => `{"finished":${f}}`));
        expect(handler.getinfos).to.have.length(1);
        expect(handler.executes.map((e) => e.finished)).to.deep.equal(expected.finished);
        expect(handler.executes.map((e) => e.bodyBytes)).to.deep.equal(requests.slice(1).map((r) => r.body.length));
        expect(handler.executes.map((e) => e.rows)).to.deep.equal(expected.rows);
      });

      if (name === "sum.map.input") {
        it("reads the 16 MB chunk in one go: 50,000 rows of 24 fields", () => {
          expect(handler.executes.map((e) => [e.bodyBytes, e.rows, e.fields.length])).to.deep.equal([[16109782, 50000, 24]]);
          expect(handler.executes[0].fields.slice(0, 3)).to.deep.equal(["_raw", "_time", "color"]);
        });
      }

      it("passes every record through unchanged (csv-parse reads the same records in and out)", () => {
        const replies = splitChunks(result.output);
        requests.slice(1).forEach((request, i) => {
          const records = oracleRecords(request.body);
          expect(records.length - 1, `records in chunk ${i + 1}`).to.equal(expected.rows[i]);
          // JSON text comparison: chai's deep equal is slow on 50,000 x 24 cells.
          expect(JSON.stringify(parse(replies[i + 1].body.toString("utf8"))), `reply ${i + 1}`).to.equal(JSON.stringify(records));
        });
      });
    });
  }

  it("counts body lengths in UTF-8 bytes: multibyte chunk 1 is 172638 bytes, 159362 characters", () => {
    const body = splitChunks(readRecording("multibyte.input"))[1].body;
    expect([body.length, body.toString("utf8").length]).to.deep.equal([172638, 159362]);
  });

  it("answers sum.reduce's re-serialised map output exactly", async () => {
    const result = await runWhole(readRecording("sum.reduce.input"));
    expect(splitChunks(result.output).map((c) => c.header + "\n" + c.metaText + c.body.toString())).to.deep.equal([
      'chunked 1.0,20,0\n{"type":"streaming"}',
      'chunked 1.0,17,20\n{"finished":true}total\n2147943.07811\n',
    ]);
  });

  it("keeps _chunked_idx untouched when splunkd sends it (required_fields mode)", async () => {
    const body = (from: number) => `"_chunked_idx",age,"__mv__chunked_idx","__mv_age"\n${from},41,,\n${from + 1},"7",,\n`;
    const result = await runWhole(Buffer.concat([GETINFO, execute(false, body(0)), execute(true, body(2))]));
    expect(result.output.toString()).to.equal(
      Buffer.concat([
        chunk('{"type":"streaming"}'),
        chunk('{"finished":false}', "_chunked_idx,age\n0,41\n1,7\n"),
        chunk('{"finished":true}', "_chunked_idx,age\n2,41\n3,7\n"),
      ]).toString(),
    );
  });

  it("decodes and re-encodes a multivalue cell (_si from splunkd's events input)", async () => {
    const handler = new EchoHandler();
    const input = '"_si",host,"__mv__si","__mv_host"\n"FIREFLY-WIN\nbeatles",h1,"$FIREFLY-WIN$;$beatles$",\n';
    const result = await runWhole(Buffer.concat([GETINFO, execute(true, input)]), handler);
    expect(splitChunks(result.output)[1].body.toString()).to.equal('_si,host,__mv__si\n"FIREFLY-WIN\nbeatles",h1,$FIREFLY-WIN$;$beatles$\n');
    expect(handler.executes[0].rows).to.equal(1);
  });
});
