/**
 * SCP v2 framing: every message is `chunked 1.0,<metadata bytes>,<body bytes>\n<JSON metadata><body>`.
 * Lengths count UTF-8 bytes, and stdin hands us arbitrary fragments, so the decoder copies bytes
 * into one exactly-sized buffer per chunk (flat memory, even when fed one byte at a time).
 */
import { Chunk } from "./types";

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** Largest metadata we accept: getinfo carries the whole search, which is never this big. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;
/** Largest body we accept: node 8's V8 cannot hold a string much longer than 2^28 characters. */
export const MAX_BODY_BYTES = 256 * 1024 * 1024;
/** A header is ~30 bytes; anything without a newline by then is not a header. */
const MAX_HEADER_BYTES = 128;
const NEWLINE = 0x0a;
// Lenient like splunklib: optional spaces around the commas.
const HEADER = /^chunked\s+1\.0\s*,\s*(\d+)\s*,\s*(\d+)\s*$/;

export function encodeChunk(meta: object, body?: string | Buffer): Buffer {
  const metaBytes = Buffer.from(JSON.stringify(meta), "utf8");
  const bodyBytes = body === undefined ? Buffer.alloc(0) : typeof body === "string" ? Buffer.from(body, "utf8") : body;
  const header = Buffer.from(`chunked 1.0,${metaBytes.length},${bodyBytes.length}\n`, "latin1");
  return Buffer.concat([header, metaBytes, bodyBytes], header.length + metaBytes.length + bodyBytes.length);
}

/** Incremental decoder: push() bytes as they arrive, get back every chunk they complete. */
export class ChunkDecoder {
  private header: number[] = [];
  private frame: Buffer | null = null; // metadata + body of the chunk being filled
  private filled = 0;
  private metaLength = 0;
  private chunksSeen = 0;

  push(data: Buffer): Chunk[] {
    const chunks: Chunk[] = [];
    this.decode(data, (chunk) => chunks.push(chunk));
    return chunks;
  }

  /**
   * Feeds bytes and hands over each completed chunk at once, so chunks that precede a malformed
   * one are delivered before the error is thrown.
   */
  decode(data: Buffer, onChunk: (chunk: Chunk) => void): void {
    let pos = 0;
    while (pos < data.length) {
      if (this.frame === null) {
        pos = this.readHeader(data, pos);
        const frame = this.frame as Buffer | null; // set by readHeader once a header line is complete
        if (frame === null) break; // header still incomplete
        if (frame.length === 0) onChunk(this.complete());
        continue;
      }
      const take = Math.min(this.frame.length - this.filled, data.length - pos);
      data.copy(this.frame, this.filled, pos, pos + take);
      this.filled += take;
      pos += take;
      if (this.filled === this.frame.length) onChunk(this.complete());
    }
  }

  /** End of input: fine between chunks, an error inside one. */
  end(): void {
    if (this.frame !== null) {
      throw new ProtocolError(
        `input ended inside chunk ${this.chunksSeen + 1}: got ${this.filled} of ${this.frame.length} bytes`,
      );
    }
    if (this.header.length > 0) {
      throw new ProtocolError(`input ended inside a chunk header: ${describe(Buffer.from(this.header))}`);
    }
  }

  /** Consumes header bytes from data; sets up the frame once the header line is complete. */
  private readHeader(data: Buffer, pos: number): number {
    while (pos < data.length) {
      const byte = data[pos++];
      if (byte !== NEWLINE) {
        this.header.push(byte);
        if (this.header.length > MAX_HEADER_BYTES) {
          throw new ProtocolError(`expected a chunk header, got ${describe(Buffer.from(this.header))}`);
        }
        continue;
      }
      const line = Buffer.from(this.header).toString("latin1").replace(/\r$/, "");
      this.header = [];
      if (line.length === 0) continue; // a stray blank line between chunks
      this.startFrame(line);
      return pos;
    }
    return pos;
  }

  private startFrame(line: string): void {
    const match = HEADER.exec(line);
    if (!match) throw new ProtocolError(`expected a chunk header "chunked 1.0,<n>,<n>", got ${describe(Buffer.from(line, "latin1"))}`);
    const metaLength = Number(match[1]);
    const bodyLength = Number(match[2]);
    if (metaLength > MAX_METADATA_BYTES) {
      throw new ProtocolError(`chunk metadata of ${metaLength} bytes exceeds the limit of ${MAX_METADATA_BYTES}`);
    }
    if (bodyLength > MAX_BODY_BYTES) {
      throw new ProtocolError(`chunk body of ${bodyLength} bytes exceeds the limit of ${MAX_BODY_BYTES}`);
    }
    this.metaLength = metaLength;
    this.frame = Buffer.allocUnsafe(metaLength + bodyLength);
    this.filled = 0;
  }

  private complete(): Chunk {
    const frame = this.frame as Buffer;
    this.frame = null;
    this.chunksSeen++;
    const metaText = frame.toString("utf8", 0, this.metaLength);
    let meta: unknown;
    try {
      meta = this.metaLength === 0 ? {} : JSON.parse(metaText);
    } catch (err) {
      throw new ProtocolError(`chunk ${this.chunksSeen} metadata is not JSON: ${describe(Buffer.from(metaText))}`);
    }
    if (meta === null || typeof meta !== "object" || Array.isArray(meta)) {
      throw new ProtocolError(`chunk ${this.chunksSeen} metadata is not a JSON object: ${describe(Buffer.from(metaText))}`);
    }
    return { meta: meta as Chunk["meta"], body: frame.slice(this.metaLength) };
  }
}

/** A short, printable excerpt of bad input for an error message. */
function describe(bytes: Buffer): string {
  const text = JSON.stringify(bytes.toString("latin1", 0, Math.min(bytes.length, 60)));
  return bytes.length > 60 ? `${text}...` : text;
}
