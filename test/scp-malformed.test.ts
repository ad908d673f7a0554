/**
 * No malformed input may crash or hang the session: it always resolves, exit 0 only for a clean EOF
 * between chunks, and after the replies it owes it writes nothing more or exactly one error chunk.
 */
import { expect } from "chai";
import fc from "fast-check";
import { MAX_BODY_BYTES } from "../src/scp/framing";
import { GETINFO, RawChunk, chunk, cutAt, errorReply, execute, splitChunks, splitChunksTolerant } from "./support/scp-chunks";
import { SessionResult, handlerOf, runPieces } from "./support/scp-session";

const STREAMING = chunk('{"type":"streaming"}');
const EMPTY_REPLY = chunk('{"finished":false}');
const quiet = () => handlerOf(() => ({}));

/** Checks the output discipline and returns the non-error replies. */
function checkDiscipline(result: SessionResult): RawChunk[] {
  const replies = splitChunks(result.output); // throws unless every byte belongs to a well-formed chunk
  const errors = replies.filter((reply) => "error" in reply.meta);
  expect(result.code).to.be.oneOf([0, 1]);
  if (result.code === 0) {
    expect(errors).to.deep.equal([]);
    return replies;
  }
  expect(errors.length, "error chunks").to.equal(1);
  const last = replies[replies.length - 1];
  const message = last.meta.error as string;
  expect(typeof message).to.equal("string");
  expect(Buffer.concat([Buffer.from(last.header + "\n"), Buffer.from(last.metaText), last.body]).equals(errorReply(message))).to.equal(true);
  expect(result.logs[0]).to.equal(`error: ${message}`);
  return replies.slice(0, -1);
}

const splits = fc.array(fc.nat(), { maxLength: 20 });
const piecesOf = (stream: Buffer, cuts: number[]) => cutAt(stream, cuts.map((cut) => cut % (stream.length + 1)));

describe("scp malformed input", () => {
  it("random bytes, made of protocol-like tokens, never crash or hang the session", async () => {
    const token = fc.oneof(
      fc.constantFrom("chunked 1.0,", "chunked 1.0,0,0\n", "\n", "\r\n", ",", "0", "7", "36", "-1", "99999999999", "{}", "[]", "{"),
      fc.constantFrom('{"action":"getinfo","searchinfo":{}}', '{"action":"execute","finished":true}', "a,b\n1,2\n"),
      fc.uint8Array({ minLength: 1, maxLength: 8 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(token, { maxLength: 12 }), splits, async (tokens, cuts) => {
        const stream = Buffer.from(tokens.join(""), "latin1");
        const result = await runPieces(piecesOf(stream, cuts), quiet());
        const replies = checkDiscipline(result);
        // Exit 0 only when the whole input was well-formed chunks (blank lines aside), each one answered.
        if (result.code === 0) expect(replies.length).to.equal(splitChunksTolerant(stream).length);
      }),
      { numRuns: 400 },
    );
  });

  it("a valid stream cut at any byte: exit 0 at a chunk boundary, else replies owed plus one 'input ended' error", async () => {
    const chunks = [GETINFO, execute(false, "a\n1\n"), execute(true)];
    const stream = Buffer.concat(chunks);
    const boundaries = [0];
    for (const piece of chunks) boundaries.push(boundaries[boundaries.length - 1] + piece.length);
    for (let cut = 0; cut <= stream.length; cut++) {
      const result = await runPieces([stream.subarray(0, cut)], quiet());
      const complete = boundaries.filter((end) => end > 0 && end <= cut).length;
      const owed = [STREAMING, EMPTY_REPLY, chunk('{"finished":true}')].slice(0, complete);
      const replies = checkDiscipline(result);
      expect(Buffer.concat(owed).equals(result.output.subarray(0, Buffer.concat(owed).length)), `cut ${cut}`).to.equal(true);
      expect(replies.length, `cut ${cut}`).to.equal(complete);
      expect(result.code, `cut ${cut}`).to.equal(boundaries.indexOf(cut) >= 0 ? 0 : 1);
      if (result.code === 1) expect(splitChunks(result.output).pop()!.meta.error).to.match(/^input ended inside (chunk \d|a chunk header)/);
    }
  });

  // Each corruption follows a valid prefix at a chunk boundary; `tail` says whether bytes may follow it.
  const corruptions: Array<{ name: string; bytes: fc.Arbitrary<Buffer>; error: RegExp; tail: boolean }> = [
    {
      name: "a line that is not a header",
      bytes: fc.string({ unit: fc.constantFrom("x", "y", " ", ",", "1"), minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== "").map((s) => Buffer.from(s + "\n")),
      error: /^expected a chunk header "chunked 1.0,<n>,<n>", got /,
      tail: true,
    },
    { name: "a header without a newline", bytes: fc.constant(Buffer.from("chunked 1.0," + "1".repeat(130))), error: /^expected a chunk header, got /, tail: true },
    { name: "a negative length", bytes: fc.nat().map((n) => Buffer.from(`chunked 1.0,2,-${n}\n`)), error: /^expected a chunk header "chunked/, tail: true },
    {
      name: "an oversized body",
      bytes: fc.nat().map((n) => Buffer.from(`chunked 1.0,2,${MAX_BODY_BYTES + 1 + n}\n`)),
      error: /^chunk body of \d+ bytes exceeds the limit of 9007199254740991$/,
      tail: true,
    },
    { name: "bad JSON", bytes: fc.string({ maxLength: 10 }).map((s) => chunk("{x" + s)), error: /^chunk \d+ metadata is not JSON: /, tail: true },
    {
      name: "JSON that is not an object",
      bytes: fc.oneof(fc.array(fc.integer()), fc.integer(), fc.string(), fc.constant(null)).map((v) => chunk(JSON.stringify(v))),
      error: /^chunk \d+ metadata is not a JSON object: /,
      tail: true,
    },
    { name: "an unknown action", bytes: fc.constant(chunk('{"action":"frobnicate"}')), error: /^expected (an execute|a getinfo) chunk/, tail: true },
    {
      name: "EOF inside a chunk's body",
      bytes: fc.integer({ min: 1, max: 50 }).map((n) => Buffer.from(`chunked 1.0,20,${n}\n{"action":"execute"}`)),
      error: /^input ended inside chunk \d+: got 20 of /,
      tail: false,
    },
    {
      name: "EOF inside a chunk's metadata",
      bytes: fc.integer({ min: 0, max: 50 }).map((n) => Buffer.from(`chunked 1.0,20,${n}\n{"act`)),
      error: /^input ended inside chunk \d+: got 5 of /,
      tail: false,
    },
    { name: "EOF inside a header", bytes: fc.constantFrom("c", "chunked 1.0", "chunked 1.0,2,3\r").map((s) => Buffer.from(s)), error: /^input ended inside a chunk header: /, tail: false },
  ];

  for (const corruption of corruptions) {
    it(`${corruption.name}: the replies owed, then exactly one error chunk, whatever follows and however split`, async () => {
      const tail = corruption.tail ? fc.uint8Array({ maxLength: 60 }).map((bytes) => Buffer.from(bytes)) : fc.constant(Buffer.alloc(0));
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 0, max: 3 }), corruption.bytes, tail, splits, async (executes, bad, after, cuts) => {
          const prefix = [GETINFO];
          for (let i = 0; i < executes; i++) prefix.push(execute(false, "a\n1\n"));
          const stream = Buffer.concat(prefix.concat([bad, after]));
          const result = await runPieces(piecesOf(stream, cuts), quiet());
          const replies = checkDiscipline(result);
          expect(result.code).to.equal(1);
          expect(splitChunks(result.output).pop()!.meta.error).to.match(corruption.error);
          // Replies owed: getinfo's, then one per execute, however the bytes were split.
          const owed = [STREAMING.toString()].concat(new Array(executes).fill(EMPTY_REPLY.toString()));
          expect(replies.map((r) => `${r.header}\n${r.metaText}`)).to.deep.equal(owed);
        }),
        { numRuns: 100 },
      );
    });
  }
});
