/**
 * Test-side view of SCP v2 byte streams, written independently of src/scp so it can act as an
 * oracle: a strict whole-buffer chunk splitter, a chunk builder, and seeded byte splitters.
 */
import * as fs from "fs";
import * as path from "path";
import { seededRandom } from "../../scripts/seeded-random";

export interface RawChunk {
  /** The header line without its newline, e.g. `chunked 1.0,17,0`. */
  header: string;
  metaText: string;
  meta: { [key: string]: unknown };
  body: Buffer;
}

const HEADER = /^chunked 1\.0,(\d+),(\d+)$/;

/** Splits a whole, well-formed stream into chunks; throws on anything else (no blank lines allowed). */
export function splitChunks(stream: Buffer): RawChunk[] {
  const chunks: RawChunk[] = [];
  let pos = 0;
  while (pos < stream.length) {
    const newline = stream.indexOf(0x0a, pos);
    if (newline < 0) throw new Error(`no header line at byte ${pos}`);
    const header = stream.toString("latin1", pos, newline);
    const match = HEADER.exec(header);
    if (!match) throw new Error(`bad header at byte ${pos}: ${JSON.stringify(header)}`);
    const metaStart = newline + 1;
    const bodyStart = metaStart + Number(match[1]);
    const end = bodyStart + Number(match[2]);
    if (end > stream.length) throw new Error(`chunk at byte ${pos} runs past the end of the stream`);
    const metaText = stream.toString("utf8", metaStart, bodyStart);
    chunks.push({ header, metaText, meta: JSON.parse(metaText), body: stream.subarray(bodyStart, end) });
    pos = end;
  }
  return chunks;
}

/** Like splitChunks, but skips blank lines between chunks and allows splunklib's spaces in headers. */
export function splitChunksTolerant(stream: Buffer): RawChunk[] {
  const chunks: RawChunk[] = [];
  let pos = 0;
  for (;;) {
    while (stream[pos] === 0x0a || (stream[pos] === 0x0d && stream[pos + 1] === 0x0a)) pos += stream[pos] === 0x0a ? 1 : 2;
    if (pos >= stream.length) return chunks;
    const newline = stream.indexOf(0x0a, pos);
    if (newline < 0) throw new Error(`no header line at byte ${pos}`);
    const header = stream.toString("latin1", pos, newline).replace(/\r$/, "");
    const match = /^chunked\s+1\.0\s*,\s*(\d+)\s*,\s*(\d+)\s*$/.exec(header);
    if (!match) throw new Error(`bad header at byte ${pos}: ${JSON.stringify(header)}`);
    const bodyStart = newline + 1 + Number(match[1]);
    const end = bodyStart + Number(match[2]);
    if (end > stream.length) throw new Error(`chunk at byte ${pos} runs past the end of the stream`);
    const metaText = stream.toString("utf8", newline + 1, bodyStart);
    chunks.push({ header, metaText, meta: metaText === "" ? {} : JSON.parse(metaText), body: stream.subarray(bodyStart, end) });
    pos = end;
  }
}

/** Builds one chunk by hand (not via encodeChunk): metadata text as given, lengths in UTF-8 bytes. */
export function chunk(metaText: string, body = ""): Buffer {
  const meta = Buffer.from(metaText, "utf8");
  const bytes = Buffer.from(body, "utf8");
  return Buffer.concat([Buffer.from(`chunked 1.0,${meta.length},${bytes.length}\n`, "latin1"), meta, bytes]);
}

export const GETINFO = chunk(
  '{"action":"getinfo","preview":false,"searchinfo":{"args":[],"raw_args":[],"command":"echo","search":"%7C%20echo","earliest_time":"0","latest_time":"0"}}',
);

export function execute(finished: boolean, body = ""): Buffer {
  return chunk(`{"action":"execute","finished":${finished}}`, body);
}

/** The session's exact error reply for a message. */
export function errorReply(message: string): Buffer {
  const json = JSON.stringify(message);
  return chunk(`{"inspector":{"messages":[["ERROR",${json}]]},"finished":true,"error":${json}}`);
}

/** The recordings are read in place from the shared directory beside the repository. */
export const RECORDINGS_DIR = path.resolve(__dirname, "..", "..", "..", "shared", "recordings", "scpv2");

export function readRecording(name: string): Buffer {
  return fs.readFileSync(path.join(RECORDINGS_DIR, name));
}

/** Cuts bytes into pieces of 1..maxPiece bytes chosen by a seeded PRNG. */
export function randomPieces(bytes: Buffer, seed: number, maxPiece: number): Buffer[] {
  const random = seededRandom(seed);
  const pieces: Buffer[] = [];
  for (let pos = 0; pos < bytes.length; ) {
    const size = 1 + Math.floor(random() * maxPiece);
    pieces.push(bytes.subarray(pos, pos + size));
    pos += size;
  }
  return pieces;
}

export function bytePieces(bytes: Buffer): Buffer[] {
  const pieces: Buffer[] = new Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) pieces[i] = bytes.subarray(i, i + 1);
  return pieces;
}

/** Cuts bytes at the given offsets (any order, duplicates and out-of-range offsets ignored). */
export function cutAt(bytes: Buffer, offsets: number[]): Buffer[] {
  const cuts = offsets.filter((at) => at > 0 && at < bytes.length).sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let start = 0;
  for (const at of cuts) {
    if (at === start) continue;
    pieces.push(bytes.subarray(start, at));
    start = at;
  }
  pieces.push(bytes.subarray(start));
  return pieces;
}
