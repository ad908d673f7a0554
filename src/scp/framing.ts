/**
 * SCP v2 framing: every message is `chunked 1.0,<metadata bytes>,<body bytes>\n<JSON metadata><body>`.
 * Lengths count UTF-8 bytes, and stdin hands us arbitrary fragments: FrameReader passes a body on
 * in those fragments, ChunkDecoder gathers each into one exactly-sized buffer.
 */
import { Chunk, ChunkMeta } from "./types";

export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** Largest metadata we accept: getinfo carries the whole search, which is never this big. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;
/**
 * Largest body we accept: any length that is an exact number. splunkd states no ceiling for what
 * it sends (commands.conf's maxchunksize bounds what the command writes, and its default, 0,
 * means any size: commands.conf.spec, https://docs.splunk.com/Documentation/Splunk/latest/Admin/Commandsconf),
 * and every mode of ekspodscan reads a body row by row, never whole.
 */
export const MAX_BODY_BYTES = Number.MAX_SAFE_INTEGER;
/** A header is ~30 bytes; anything without a newline by then is not a header. */
const MAX_HEADER_BYTES = 128;
const NEWLINE = 0x0a;
// Lenient like splunklib: optional spaces around the commas.
const HEADER = /^chunked\s+1\.0\s*,\s*(\d+)\s*,\s*(\d+)\s*$/;

export function encodeChunk(meta: object, body?: string | Buffer): Buffer {
  const [head, bodyBytes] = encodeChunkParts(meta, body);
  return Buffer.concat([head, bodyBytes], head.length + bodyBytes.length);
}

/** A chunk as its header line and metadata, then its body: written in turn, a large body is not copied. */
export function encodeChunkParts(meta: object, body?: string | Buffer): [Buffer, Buffer] {
  const bodyBytes = body === undefined ? EMPTY : typeof body === "string" ? Buffer.from(body, "utf8") : body;
  return [chunkHead(meta, bodyBytes.length), bodyBytes];
}

/** A chunk's header line and metadata, for a body of `bodyLength` bytes written after it. */
export function chunkHead(meta: object, bodyLength: number): Buffer {
  const metaText = JSON.stringify(meta);
  return Buffer.from(`chunked 1.0,${Buffer.byteLength(metaText, "utf8")},${bodyLength}\n${metaText}`, "utf8");
}

/** Receives the chunks a FrameReader decodes, the body as it arrives. */
export interface FrameSink {
  /** A chunk's header and metadata are complete; `bodyLength` bytes of body follow. */
  start(meta: ChunkMeta, bodyLength: number): void;
  /** The next piece of the body; a view of the input, valid only during the call. */
  body(part: Buffer): void;
  /** The chunk's last body byte has arrived (right after start for an empty body). */
  end(): void;
}

/**
 * Incremental decoder that hands a chunk's body over in the pieces stdin delivers, so a consumer
 * that can work row by row never holds a whole 50,000-row body (flat memory, no copy).
 */
export class FrameReader {
  private header: number[] = [];
  private inFrame = false;
  private meta: Buffer | null = null; // the metadata of the chunk being read, until complete
  private metaFilled = 0;
  private bodyLeft = 0;
  private bodyLength = 0;
  private chunksSeen = 0;

  constructor(private readonly sink: FrameSink) {}

  /**
   * Feeds bytes. Chunks that precede a malformed one reach the sink before the error is thrown.
   */
  push(data: Buffer): void {
    let pos = 0;
    while (pos < data.length) {
      if (!this.inFrame) {
        pos = this.readHeader(data, pos);
        if (this.inFrame && this.meta === null) this.startBody();
        continue;
      }
      if (this.meta !== null) {
        const take = Math.min(this.meta.length - this.metaFilled, data.length - pos);
        data.copy(this.meta, this.metaFilled, pos, pos + take);
        this.metaFilled += take;
        pos += take;
        if (this.metaFilled === this.meta.length) this.startBody();
        continue;
      }
      const take = Math.min(this.bodyLeft, data.length - pos);
      this.bodyLeft -= take;
      this.sink.body(data.subarray(pos, pos + take));
      pos += take;
      if (this.bodyLeft === 0) this.endFrame();
    }
  }

  /** End of input: fine between chunks, an error inside one. */
  end(): void {
    if (this.inFrame) {
      const metaLength = this.meta === null ? this.metaFilled : this.meta.length;
      const got = this.metaFilled + this.bodyLength - this.bodyLeft;
      throw new ProtocolError(
        `input ended inside chunk ${this.chunksSeen + 1}: got ${got} of ${metaLength + this.bodyLength} bytes`,
      );
    }
    if (this.header.length > 0) {
      throw new ProtocolError(`input ended inside a chunk header: ${describe(Buffer.from(this.header))}`);
    }
  }

  /** Consumes header bytes from data; opens the frame once the header line is complete. */
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
      this.openFrame(line);
      return pos;
    }
    return pos;
  }

  private openFrame(line: string): void {
    const match = HEADER.exec(line);
    if (!match) throw new ProtocolError(`expected a chunk header "chunked 1.0,<n>,<n>", got ${describe(Buffer.from(line, "latin1"))}`);
    const metaLength = Number(match[1]);
    const bodyLength = Number(match[2]); // past MAX_SAFE_INTEGER this is no longer exact: refused below
    if (metaLength > MAX_METADATA_BYTES) {
      throw new ProtocolError(`chunk metadata of ${metaLength} bytes exceeds the limit of ${MAX_METADATA_BYTES}`);
    }
    if (bodyLength > MAX_BODY_BYTES) {
      throw new ProtocolError(`chunk body of ${bodyLength} bytes exceeds the limit of ${MAX_BODY_BYTES}`);
    }
    this.inFrame = true;
    this.meta = metaLength === 0 ? null : Buffer.allocUnsafe(metaLength);
    this.metaFilled = 0;
    this.bodyLength = this.bodyLeft = bodyLength;
  }

  /** The metadata is complete: parse it and hand the chunk to the sink. */
  private startBody(): void {
    const metaBytes = this.meta;
    this.meta = null;
    const number = this.chunksSeen + 1;
    let meta: unknown = {};
    if (metaBytes !== null) {
      const metaText = metaBytes.toString("utf8");
      try {
        meta = JSON.parse(metaText);
      } catch (err) {
        throw new ProtocolError(`chunk ${number} metadata is not JSON: ${describe(Buffer.from(metaText))}`);
      }
      if (meta === null || typeof meta !== "object" || Array.isArray(meta)) {
        throw new ProtocolError(`chunk ${number} metadata is not a JSON object: ${describe(Buffer.from(metaText))}`);
      }
    }
    this.sink.start(meta as ChunkMeta, this.bodyLength);
    if (this.bodyLeft === 0) this.endFrame();
  }

  private endFrame(): void {
    this.inFrame = false;
    this.metaFilled = 0;
    this.chunksSeen++;
    this.sink.end();
  }
}

/** Whole chunks: a FrameReader whose sink copies each body into one exactly-sized buffer. */
export class ChunkDecoder {
  private readonly reader: FrameReader;
  private onChunk: (chunk: Chunk) => void = () => undefined;
  private meta: ChunkMeta = {};
  private body: Buffer = EMPTY;
  private filled = 0;

  constructor() {
    this.reader = new FrameReader({
      start: (meta, bodyLength) => {
        this.meta = meta;
        this.body = bodyLength === 0 ? EMPTY : Buffer.allocUnsafe(bodyLength);
        this.filled = 0;
      },
      body: (part) => {
        part.copy(this.body, this.filled);
        this.filled += part.length;
      },
      end: () => this.onChunk({ meta: this.meta, body: this.body }),
    });
  }

  push(data: Buffer): Chunk[] {
    const chunks: Chunk[] = [];
    this.decode(data, (chunk) => chunks.push(chunk));
    return chunks;
  }

  /** Feeds bytes and hands over each completed chunk at once (before any later error is thrown). */
  decode(data: Buffer, onChunk: (chunk: Chunk) => void): void {
    this.onChunk = onChunk;
    this.reader.push(data);
  }

  end(): void {
    this.reader.end();
  }
}

const EMPTY = Buffer.alloc(0);

/** A short, printable excerpt of bad input for an error message. */
function describe(bytes: Buffer): string {
  const text = JSON.stringify(bytes.toString("latin1", 0, Math.min(bytes.length, 60)));
  return bytes.length > 60 ? `${text}...` : text;
}
