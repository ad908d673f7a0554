/**
 * The SCP v2 session: one getinfo reply, then exactly one reply per execute chunk with `finished`
 * echoed. A failure becomes an error chunk Splunk shows to the user and a non-zero exit.
 * Session holds that discipline; session-stream.ts and session-fd.ts move the bytes.
 */
import { FrameReader, ProtocolError, chunkHead, encodeChunk, encodeChunkParts } from "./framing";
import { CommandInfo, GetInfoRequest, parseGetInfo } from "./getinfo";
import { ChunkMeta } from "./types";

export type MessageLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
export type Message = [MessageLevel, string];

export interface ExecuteRequest {
  body: Buffer;
  finished: boolean;
}

/** A body told by its length, then written piece by piece (from a spill file), then discarded. */
export interface StreamedBody {
  length: number;
  /** Each piece is valid only during its write (its buffer is reused for the next). */
  writeTo(write: (piece: Buffer) => void): void;
  discard(): void;
}

export interface ExecuteReply {
  /** The body; as pieces, they are written in turn (a large reply is never joined). */
  body?: string | Buffer | Buffer[] | StreamedBody;
  messages?: Message[];
}

/** Takes one execute chunk's body piece by piece, then gives the reply. */
export interface BodyReceiver {
  write(part: Buffer): void;
  end(): ExecuteReply;
}

export interface CommandHandler {
  getinfo(request: GetInfoRequest): { info: CommandInfo; messages?: Message[] };
  /** An execute chunk, its body whole. */
  execute(request: ExecuteRequest): ExecuteReply;
  /** Optional: a receiver that takes the chunk's body as it arrives instead (null: use execute). */
  receive?(finished: boolean): BodyReceiver | null;
}

/** An error whose message is meant for the Splunk user as it is (bad options, bad input). */
export class CommandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommandError";
  }
}

export function errorChunk(message: string): Buffer {
  // splunkd wants inspector before error.
  return encodeChunk({ inspector: { messages: [["ERROR", message]] }, finished: true, error: message });
}

export function replyMeta(finished: boolean, messages?: Message[]): object {
  return messages && messages.length > 0 ? { inspector: { messages }, finished } : { finished };
}

export type Log = (line: string) => void;

/**
 * One session's protocol state. Runners push() input as it arrives, call finish() at EOF, and send on
 * every reply through `output`. After a failure the error chunk is the last thing output, and
 * nothing more is read.
 */
export class Session {
  /** Set at once on an error: nothing is read or answered after it. */
  failed = false;
  /** Where replies go; set by the runner. */
  output: (bytes: Buffer) => void = () => undefined;
  /** Whether output may still hold a buffer after it returns (a stream does; blocking writes do not). */
  outputKeepsBytes = false;
  private readonly reader: FrameReader;
  private sawGetInfo = false;
  private getinfoMeta: ChunkMeta | null = null; // the getinfo chunk, until its end
  private receiver: BodyReceiver | null = null;
  private finished = false;

  constructor(
    private readonly handler: CommandHandler,
    private readonly log: Log,
  ) {
    this.reader = new FrameReader({
      start: (meta, bodyLength) => this.start(meta, bodyLength),
      body: (part) => (this.receiver as BodyReceiver).write(part),
      end: () => this.end(),
    });
  }

  /** Feeds input; false once the session has failed (its error chunk already output). */
  push(data: Buffer): boolean {
    if (this.failed) return false;
    try {
      this.reader.push(data);
    } catch (err) {
      this.fail(err);
    }
    return !this.failed;
  }

  /** End of input; false when it came inside a chunk (the session then fails). */
  finish(): boolean {
    if (this.failed) return false;
    try {
      this.reader.end();
    } catch (err) {
      this.fail(err);
    }
    return !this.failed;
  }

  private start(meta: ChunkMeta, bodyLength: number): void {
    const action = meta.action;
    if (!this.sawGetInfo) {
      if (action !== "getinfo") throw new ProtocolError(`expected a getinfo chunk first, got action ${JSON.stringify(action)}`);
      if (bodyLength > 0) throw new ProtocolError("getinfo chunk carries an unexpected body");
      this.sawGetInfo = true;
      this.getinfoMeta = meta;
      return;
    }
    if (action !== "execute") throw new ProtocolError(`expected an execute chunk, got action ${JSON.stringify(action)}`);
    const finished = meta.finished === true;
    this.finished = finished;
    const streaming = this.handler.receive ? this.handler.receive(finished) : null;
    this.receiver = streaming || wholeBody(bodyLength, finished, this.handler);
  }

  private end(): void {
    const getinfoMeta = this.getinfoMeta;
    if (getinfoMeta !== null) {
      this.getinfoMeta = null;
      const { info, messages } = this.handler.getinfo(parseGetInfo(getinfoMeta));
      this.output(encodeChunk(messages && messages.length > 0 ? { ...info, inspector: { messages } } : info));
      return;
    }
    const reply = (this.receiver as BodyReceiver).end();
    this.receiver = null;
    const meta = replyMeta(this.finished, reply.messages);
    const body = reply.body;
    if (isStreamed(body)) {
      try {
        this.output(chunkHead(meta, body.length));
        body.writeTo(this.outputKeepsBytes ? (piece) => this.output(Buffer.from(piece)) : this.output);
      } finally {
        body.discard();
      }
      return;
    }
    const pieces = Array.isArray(body) ? body : null;
    if (pieces === null) {
      const [head, body] = encodeChunkParts(meta, reply.body as string | Buffer | undefined);
      this.output(head);
      if (body.length > 0) this.output(body);
      return;
    }
    let length = 0;
    for (const piece of pieces) length += piece.length;
    this.output(chunkHead(meta, length));
    for (let i = 0; i < pieces.length; i++) {
      if (pieces[i].length > 0) this.output(pieces[i]);
      pieces[i] = EMPTY; // written: let it go before the next is
    }
  }

  private fail(err: unknown): void {
    this.failed = true;
    const message = userMessage(err);
    this.log(`error: ${message}`);
    if (!(err instanceof CommandError || err instanceof ProtocolError) && err instanceof Error && err.stack) this.log(err.stack);
    this.output(errorChunk(message));
  }
}

/** Gathers a body into one exactly-sized buffer for handler.execute. */
function wholeBody(length: number, finished: boolean, handler: CommandHandler): BodyReceiver {
  const body = Buffer.allocUnsafe(length);
  let filled = 0;
  return {
    write(part) {
      filled += part.copy(body, filled);
    },
    end: () => handler.execute({ body, finished }),
  };
}

const EMPTY = Buffer.alloc(0);

function isStreamed(body: ExecuteReply["body"]): body is StreamedBody {
  return typeof body === "object" && !Buffer.isBuffer(body) && !Array.isArray(body);
}

function userMessage(err: unknown): string {
  if (err instanceof CommandError || err instanceof ProtocolError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
