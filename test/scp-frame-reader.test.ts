/**
 * FrameReader: the sink sees each chunk as start(meta, bodyLength), body parts, end(), in order,
 * however the byte stream is split. The oracle is encodeChunk's input (metadata and body bytes).
 */
import { expect } from "chai";
import fc from "fast-check";
import { FrameReader, FrameSink, ProtocolError, encodeChunk } from "../src/scp/framing";
import { ChunkMeta } from "../src/scp/types";
import { bytePieces, chunk, cutAt } from "./support/scp-chunks";

type Event = ["start", ChunkMeta, number] | ["body", string] | ["end"];

/** A sink that logs what it sees; parts are copied (as hex) since they are valid only during the call. */
function recordingSink(): { sink: FrameSink; events: Event[] } {
  const events: Event[] = [];
  const sink: FrameSink = {
    start: (meta, bodyLength) => events.push(["start", meta, bodyLength]),
    body: (part) => events.push(["body", Buffer.from(part).toString("hex")]),
    end: () => events.push(["end"]),
  };
  return { sink, events };
}

/** Merges consecutive body parts: how the body was split is not part of the contract. */
function merged(events: Event[]): Event[] {
  const out: Event[] = [];
  for (const event of events) {
    const last = out[out.length - 1];
    if (event[0] === "body" && last !== undefined && last[0] === "body") last[1] += event[1];
    else out.push(event[0] === "body" ? ["body", event[1]] : event);
  }
  return out;
}

/** What the sink must see for whole chunks: start, the body (when not empty), end. */
function expectedEvents(messages: Array<[ChunkMeta, Buffer]>): Event[] {
  const out: Event[] = [];
  for (const [meta, body] of messages) {
    out.push(["start", meta, body.length]);
    if (body.length > 0) out.push(["body", body.toString("hex")]);
    out.push(["end"]);
  }
  return out;
}

function feed(pieces: Buffer[]): Event[] {
  const { sink, events } = recordingSink();
  const reader = new FrameReader(sink);
  for (const piece of pieces) reader.push(piece);
  reader.end();
  return events;
}

/** Feeds bytes, returning what the sink saw and the ProtocolError thrown (by push or end). */
function feedUntilError(pieces: Buffer[]): { events: Event[]; error: string } {
  const { sink, events } = recordingSink();
  const reader = new FrameReader(sink);
  try {
    for (const piece of pieces) reader.push(piece);
    reader.end();
  } catch (err) {
    expect(err).to.be.instanceOf(ProtocolError);
    return { events, error: (err as Error).message };
  }
  throw new Error("expected a ProtocolError, nothing was thrown");
}

const metaArb = fc.dictionary(fc.string({ unit: "grapheme", maxLength: 6 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 });
const bodyArb = fc.oneof(
  fc.constant(Buffer.alloc(0)),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.string({ unit: fc.constantFrom("a", "\n", "\r\n", ",", "é", "ท", "😀", "chunked 1.0,2,0\n"), maxLength: 40 }).map((s) => Buffer.from(s)),
);
const blankArb = fc.constantFrom("", "", "\n", "\r\n", "\n\r\n");
const messagesArb = fc.array(fc.tuple(blankArb, metaArb, bodyArb), { maxLength: 5 });
/** Any split: random cuts, or one byte at a time. */
const splitArb = fc.oneof(
  fc.array(fc.nat(), { maxLength: 30 }).map((cuts) => (bytes: Buffer) => cutAt(bytes, cuts.map((c) => c % (bytes.length + 1)))),
  fc.constant(bytePieces),
);

const roundTrip = (meta: ChunkMeta): ChunkMeta => JSON.parse(JSON.stringify(meta));

describe("scp FrameReader: the sink's calls", () => {
  it("start, body parts, end for each chunk, in order, for any chunks and any split (1-byte pieces included)", () => {
    fc.assert(
      fc.property(messagesArb, splitArb, (messages, split) => {
        const stream = Buffer.concat(messages.map(([blank, meta, body]) => Buffer.concat([Buffer.from(blank), encodeChunk(meta, body)])));
        const events = feed(split(stream));
        expect(merged(events)).to.deep.equal(expectedEvents(messages.map(([, meta, body]) => [roundTrip(meta), body])));
      }),
      { numRuns: 400 },
    );
  });

  it("an empty body is start(meta, 0) then end() at once, with no body call", () => {
    const stream = Buffer.concat([chunk('{"a":1}'), chunk("", ""), chunk('{"b":2}', "xy")]);
    for (const pieces of [[stream], bytePieces(stream)]) {
      const events = feed(pieces);
      expect(merged(events)).to.deep.equal([["start", { a: 1 }, 0], ["end"], ["start", {}, 0], ["end"], ["start", { b: 2 }, 2], ["body", "7879"], ["end"]]);
    }
  });

  it("start comes once the metadata is complete, before any body byte; end right after the last body byte", () => {
    const { sink, events } = recordingSink();
    const reader = new FrameReader(sink);
    const bytes = chunk('{"n":1}', "abcd");
    const headerLength = "chunked 1.0,7,4\n".length;
    reader.push(bytes.subarray(0, headerLength + 6));
    expect(events).to.deep.equal([]);
    reader.push(bytes.subarray(headerLength + 6, headerLength + 7));
    expect(events).to.deep.equal([["start", { n: 1 }, 4]]);
    reader.push(bytes.subarray(headerLength + 7, headerLength + 9));
    expect(events).to.deep.equal([["start", { n: 1 }, 4], ["body", "6162"]]);
    reader.push(bytes.subarray(headerLength + 9));
    expect(events).to.deep.equal([["start", { n: 1 }, 4], ["body", "6162"], ["body", "6364"], ["end"]]);
    reader.end();
  });

  it("body parts hold exactly the body bytes: a body that looks like a header or holds newlines is not read as framing", () => {
    const body = "chunked 1.0,2,0\n{}\n\r\n";
    const stream = Buffer.concat([chunk("{}", body), Buffer.from("\r\n\n"), chunk('{"z":"ท"}', "😀")]);
    const expected: Event[] = [["start", {}, body.length], ["body", Buffer.from(body).toString("hex")], ["end"], ["start", { z: "ท" }, 4], ["body", Buffer.from("😀").toString("hex")], ["end"]];
    expect(merged(feed([stream]))).to.deep.equal(expected);
    expect(merged(feed(bytePieces(stream)))).to.deep.equal(expected);
  });

  it("skips stray blank lines (\\n, \\r\\n) before, between and after chunks", () => {
    const stream = Buffer.concat([Buffer.from("\n\r\n"), chunk('{"n":1}', "a"), Buffer.from("\n\n\r\n"), chunk('{"n":2}'), Buffer.from("\r\n")]);
    const expected: Event[] = [["start", { n: 1 }, 1], ["body", "61"], ["end"], ["start", { n: 2 }, 0], ["end"]];
    expect(merged(feed([stream]))).to.deep.equal(expected);
    expect(merged(feed(bytePieces(stream)))).to.deep.equal(expected);
  });

  it("ends cleanly with no input at all", () => {
    expect(feed([])).to.deep.equal([]);
  });
});

describe("scp FrameReader: errors (the same messages as ChunkDecoder), after the chunks before them", () => {
  const good = chunk('{"ok":1}', "row\n");
  const goodEvents: Event[] = [["start", { ok: 1 }, 4], ["body", Buffer.from("row\n").toString("hex")], ["end"]];
  const cases: Array<[string, Buffer, string]> = [
    ["a line that is not a header", Buffer.from("hello\n"), 'expected a chunk header "chunked 1.0,<n>,<n>", got "hello"'],
    ["a version other than 1.0", Buffer.from("chunked 2.0,1,0\n{}"), 'expected a chunk header "chunked 1.0,<n>,<n>", got "chunked 2.0,1,0"'],
    ["a negative length", Buffer.from("chunked 1.0,-1,0\n"), 'expected a chunk header "chunked 1.0,<n>,<n>", got "chunked 1.0,-1,0"'],
    ["129 bytes without a newline", Buffer.from("x".repeat(129)), `expected a chunk header, got "${"x".repeat(60)}"...`],
    ["oversized metadata", Buffer.from("chunked 1.0,16777217,0\n"), "chunk metadata of 16777217 bytes exceeds the limit of 16777216"],
    ["an oversized body", Buffer.from("chunked 1.0,2,9007199254740992\n"), "chunk body of 9007199254740992 bytes exceeds the limit of 9007199254740991"],
    ["metadata that is not JSON", chunk("{bad"), 'chunk 2 metadata is not JSON: "{bad"'],
    ["metadata that is a JSON array", chunk("[1,2]"), 'chunk 2 metadata is not a JSON object: "[1,2]"'],
    ["metadata that is JSON null", chunk("null", "body"), 'chunk 2 metadata is not a JSON object: "null"'],
    // The metadata is complete, the body is not: the metadata is judged before input ends.
    ["bad metadata in a chunk cut short in its body", Buffer.from("chunked 1.0,4,10\n{bad"), 'chunk 2 metadata is not JSON: "{bad"'],
    ["EOF inside a header", Buffer.from("chunked 1.0,2,"), 'input ended inside a chunk header: "chunked 1.0,2,"'],
    ["EOF inside a header ending in \\r", Buffer.from("chunked 1.0,2,3\r"), 'input ended inside a chunk header: "chunked 1.0,2,3\\r"'],
  ];
  for (const [name, bad, message] of cases) {
    it(`${name}: ${message}`, () => {
      const stream = Buffer.concat([good, bad]);
      for (const pieces of [[stream], bytePieces(stream), [good, bad]]) {
        const { events, error } = feedUntilError(pieces);
        expect(error).to.equal(message);
        expect(merged(events)).to.deep.equal(goodEvents);
      }
    });
  }

  it("a throw in one push comes after the chunks earlier in that same push reached the sink", () => {
    const stream = Buffer.concat([chunk('{"n":1}'), chunk('{"n":2}', "ab"), Buffer.from("nope\n"), chunk('{"n":3}')]);
    const { events, error } = feedUntilError([stream]);
    expect(error).to.equal('expected a chunk header "chunked 1.0,<n>,<n>", got "nope"');
    expect(merged(events)).to.deep.equal([["start", { n: 1 }, 0], ["end"], ["start", { n: 2 }, 2], ["body", "6162"], ["end"]]);
  });
});

describe("scp FrameReader: end() inside a chunk", () => {
  it("inside the metadata: got counts the metadata bytes received, of metadata + body; no start yet", () => {
    const { events, error } = feedUntilError([Buffer.from('chunked 1.0,7,10\n{"a":')]);
    expect(error).to.equal("input ended inside chunk 1: got 5 of 17 bytes");
    expect(events).to.deep.equal([]);
  });

  it("inside the body: got counts the metadata and the body bytes received; the body so far reached the sink", () => {
    const { events, error } = feedUntilError([Buffer.from('chunked 1.0,7,10\n{"a":1}012')]);
    expect(error).to.equal("input ended inside chunk 1: got 10 of 17 bytes");
    expect(merged(events)).to.deep.equal([["start", { a: 1 }, 10], ["body", "303132"]]);
  });

  it("right after the header line (zero bytes of metadata and body), and with zero-length metadata", () => {
    expect(feedUntilError([Buffer.from("chunked 1.0,2,0\n")]).error).to.equal("input ended inside chunk 1: got 0 of 2 bytes");
    const { events, error } = feedUntilError([Buffer.from("chunked 1.0,0,5\nab")]);
    expect(error).to.equal("input ended inside chunk 1: got 2 of 5 bytes");
    expect(merged(events)).to.deep.equal([["start", {}, 5], ["body", "6162"]]);
  });

  it("numbers the chunk after the complete ones: chunk 3", () => {
    const stream = Buffer.concat([chunk("{}"), Buffer.from("\n"), chunk("{}", "x"), Buffer.from("chunked 1.0,2,3\n{}y")]);
    expect(feedUntilError(bytePieces(stream)).error).to.equal("input ended inside chunk 3: got 3 of 5 bytes");
  });

  it("for any chunk cut anywhere (any split): the exact message, and the sink saw exactly the bytes received", () => {
    fc.assert(
      fc.property(metaArb, bodyArb, fc.nat(), splitArb, (meta, body, cut, split) => {
        const bytes = encodeChunk(meta, body);
        const at = 1 + (cut % (bytes.length - 1)); // 1..length-1: never whole, never nothing
        const headerLength = bytes.indexOf(0x0a) + 1;
        const metaLength = Buffer.byteLength(JSON.stringify(meta));
        const { events, error } = feedUntilError(split(bytes.subarray(0, at)));
        if (at < headerLength) {
          expect(error).to.equal(`input ended inside a chunk header: ${JSON.stringify(bytes.toString("latin1", 0, at))}`);
          expect(events).to.deep.equal([]);
          return;
        }
        expect(error).to.equal(`input ended inside chunk 1: got ${at - headerLength} of ${metaLength + body.length} bytes`);
        const bodyReceived = at - headerLength - metaLength;
        if (bodyReceived < 0) expect(events).to.deep.equal([]);
        else {
          const expected: Event[] = [["start", roundTrip(meta), body.length]];
          if (bodyReceived > 0) expected.push(["body", body.subarray(0, bodyReceived).toString("hex")]);
          expect(merged(events)).to.deep.equal(expected);
        }
      }),
      { numRuns: 400 },
    );
  });
});
