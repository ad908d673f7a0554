import { expect } from "chai";
import fc from "fast-check";
import { ChunkDecoder, MAX_BODY_BYTES, MAX_METADATA_BYTES, ProtocolError, encodeChunk } from "../src/scp/framing";
import { Chunk } from "../src/scp/types";
import { chunk, cutAt } from "./support/scp-chunks";

function decodeAll(pieces: Buffer[]): Chunk[] {
  const decoder = new ChunkDecoder();
  const chunks: Chunk[] = [];
  for (const piece of pieces) chunks.push(...decoder.push(piece));
  decoder.end();
  return chunks;
}

function errorOf(action: () => unknown): ProtocolError {
  try {
    action();
  } catch (err) {
    expect(err).to.be.instanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error("expected a ProtocolError, nothing was thrown");
}

function pushAll(text: string | Buffer): () => void {
  return () => {
    const decoder = new ChunkDecoder();
    decoder.push(typeof text === "string" ? Buffer.from(text, "latin1") : text);
    decoder.end();
  };
}

describe("scp framing: encodeChunk", () => {
  it("writes the header, compact JSON and the body, lengths in UTF-8 bytes", () => {
    expect(encodeChunk({ finished: true }).toString("latin1")).to.equal('chunked 1.0,17,0\n{"finished":true}');
    const reply = encodeChunk({ finished: false, note: "ท" }, "a,b\n\u0e17,😀\n");
    expect(reply.toString("utf8")).to.equal('chunked 1.0,31,13\n{"finished":false,"note":"ท"}a,b\nท,😀\n');
  });

  it("takes a Buffer body as is", () => {
    const body = Buffer.from([0xff, 0x00, 0x0a]);
    expect(encodeChunk({}, body)).to.deep.equal(Buffer.concat([Buffer.from("chunked 1.0,2,3\n{}"), body]));
  });
});

describe("scp framing: ChunkDecoder", () => {
  it("decodes consecutive chunks and keeps the body as raw bytes", () => {
    const stream = Buffer.concat([chunk('{"action":"getinfo"}'), chunk('{"action":"execute","finished":true}', "x,y\nท,1\n")]);
    const chunks = decodeAll([stream]);
    expect(chunks.map((c) => c.meta)).to.deep.equal([{ action: "getinfo" }, { action: "execute", finished: true }]);
    expect(chunks[0].body.length).to.equal(0);
    expect(chunks[1].body).to.deep.equal(Buffer.from("x,y\nท,1\n", "utf8"));
  });

  it("counts lengths in bytes: a multibyte body is not cut short or overrun", () => {
    const body = "ทท😀\n"; // 11 bytes, 5 UTF-16 units
    const chunks = decodeAll([Buffer.concat([chunk("{}", body), chunk('{"n":2}')])]);
    expect(chunks).to.have.length(2);
    expect(chunks[0].body.toString("utf8")).to.equal(body);
    expect(chunks[1].meta).to.deep.equal({ n: 2 });
  });

  it("returns a chunk only once all its bytes have arrived", () => {
    const decoder = new ChunkDecoder();
    const bytes = chunk('{"a":1}', "body");
    expect(decoder.push(bytes.subarray(0, 5))).to.deep.equal([]);
    expect(decoder.push(bytes.subarray(5, bytes.length - 1))).to.deep.equal([]);
    const done = decoder.push(bytes.subarray(bytes.length - 1));
    expect(done.map((c) => [c.meta, c.body.toString()])).to.deep.equal([[{ a: 1 }, "body"]]);
    decoder.end();
  });

  it("accepts zero metadata bytes as an empty object, and a zero-length chunk", () => {
    expect(decodeAll([Buffer.from("chunked 1.0,0,0\nchunked 1.0,0,2\nab")]).map((c) => [c.meta, c.body.toString()])).to.deep.equal([
      [{}, ""],
      [{}, "ab"],
    ]);
  });

  it("tolerates stray blank lines (\\n or \\r\\n) between chunks and before the first", () => {
    const stream = Buffer.concat([Buffer.from("\n"), chunk('{"n":1}'), Buffer.from("\r\n\n"), chunk('{"n":2}', "b"), Buffer.from("\n")]);
    expect(decodeAll([stream]).map((c) => c.meta)).to.deep.equal([{ n: 1 }, { n: 2 }]);
  });

  it("is lenient about spaces in the header and a \\r before its newline, like splunklib", () => {
    expect(decodeAll([Buffer.from("chunked  1.0 , 2 ,1 \r\n{}x")]).map((c) => c.body.toString())).to.deep.equal(["x"]);
  });

  it("ends cleanly between chunks and with no input at all", () => {
    expect(() => new ChunkDecoder().end()).not.to.throw();
    expect(decodeAll([chunk("{}")])).to.have.length(1);
  });

  describe("errors (exact messages)", () => {
    it("a line that is not a header", () => {
      expect(errorOf(pushAll("hello\n")).message).to.equal('expected a chunk header "chunked 1.0,<n>,<n>", got "hello"');
      expect(errorOf(pushAll("chunked 2.0,1,0\n{}")).message).to.equal(
        'expected a chunk header "chunked 1.0,<n>,<n>", got "chunked 2.0,1,0"',
      );
    });

    it("negative lengths are not a header", () => {
      expect(errorOf(pushAll("chunked 1.0,-1,0\n")).message).to.equal(
        'expected a chunk header "chunked 1.0,<n>,<n>", got "chunked 1.0,-1,0"',
      );
      expect(errorOf(pushAll("chunked 1.0,2,-5\n{}")).message).to.equal(
        'expected a chunk header "chunked 1.0,<n>,<n>", got "chunked 1.0,2,-5"',
      );
    });

    it("more than 128 bytes without a newline, shown as a 60-byte excerpt", () => {
      const message = errorOf(pushAll("x".repeat(129))).message;
      expect(message).to.equal(`expected a chunk header, got "${"x".repeat(60)}"...`);
    });

    it("oversized metadata and body lengths, before allocating anything", () => {
      expect(errorOf(pushAll(`chunked 1.0,${MAX_METADATA_BYTES + 1},0\n`)).message).to.equal(
        "chunk metadata of 16777217 bytes exceeds the limit of 16777216",
      );
      // Any exact length is accepted (no ceiling below what splunkd can send); past that, refused.
      expect(MAX_BODY_BYTES).to.equal(Number.MAX_SAFE_INTEGER);
      expect(errorOf(pushAll(`chunked 1.0,2,${MAX_BODY_BYTES + 1}\n`)).message).to.equal(
        "chunk body of 9007199254740992 bytes exceeds the limit of 9007199254740991",
      );
      expect(errorOf(pushAll("chunked 1.0,2,99999999999999999999999\n")).message).to.equal(
        "chunk body of 1e+23 bytes exceeds the limit of 9007199254740991",
      );
    });

    it("metadata that is not JSON, or not a JSON object", () => {
      expect(errorOf(pushAll(chunk("{bad"))).message).to.equal('chunk 1 metadata is not JSON: "{bad"');
      expect(errorOf(pushAll(Buffer.concat([chunk("{}"), chunk('{"a":1}x')]))).message).to.equal(
        'chunk 2 metadata is not JSON: "{\\"a\\":1}x"',
      );
      for (const json of ["[1,2]", "null", '"text"', "42", "true"]) {
        expect(errorOf(pushAll(chunk(json))).message).to.equal(`chunk 1 metadata is not a JSON object: ${JSON.stringify(json)}`);
      }
    });

    it("input ending inside a chunk or inside a header", () => {
      const partial = chunk('{"a":1}', "0123456789").subarray(0, 20);
      expect(errorOf(pushAll(partial)).message).to.equal("input ended inside chunk 1: got 3 of 17 bytes");
      expect(errorOf(pushAll(Buffer.concat([chunk("{}"), Buffer.from("chunked 1.0,2,")]))).message).to.equal(
        'input ended inside a chunk header: "chunked 1.0,2,"',
      );
      expect(errorOf(pushAll("chunked 1.0,2,0\n")).message).to.equal("input ended inside chunk 1: got 0 of 2 bytes");
    });
  });
});

describe("scp framing: properties", () => {
  const metaArb = fc.dictionary(fc.string({ unit: "grapheme", maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 5 });
  const bodyArb = fc.oneof(
    fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
    fc.string({ unit: "grapheme", maxLength: 100 }).map((text) => Buffer.from(text, "utf8")),
  );
  const blankArb = fc.constantFrom("", "", "\n", "\r\n");

  it("encodeChunk -> ChunkDecoder returns the same metadata and body bytes, however the stream is split", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(blankArb, metaArb, bodyArb), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 40 }),
        (messages, cuts) => {
          const stream = Buffer.concat(messages.map(([blank, meta, body]) => Buffer.concat([Buffer.from(blank), encodeChunk(meta, body)])));
          const chunks = decodeAll(cutAt(stream, cuts.map((cut) => cut % (stream.length + 1))));
          expect(chunks.map((c) => c.meta)).to.deep.equal(messages.map(([, meta]) => JSON.parse(JSON.stringify(meta))));
          expect(chunks.map((c) => c.body.toString("hex"))).to.deep.equal(messages.map(([, , body]) => body.toString("hex")));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a stream cut short anywhere inside a chunk is an error at end(), never a silent partial chunk", () => {
    fc.assert(
      fc.property(metaArb, bodyArb, fc.nat(), (meta, body, cut) => {
        const bytes = encodeChunk(meta, body);
        const at = 1 + (cut % (bytes.length - 1)); // 1..length-1
        const decoder = new ChunkDecoder();
        expect(decoder.push(bytes.subarray(0, at))).to.deep.equal([]);
        expect(() => decoder.end()).to.throw(ProtocolError, /^input ended inside (chunk 1|a chunk header)/);
      }),
      { numRuns: 200 },
    );
  });
});
