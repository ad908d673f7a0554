/**
 * Drives runSession() in-process: input fed as exact pieces (one 'data' event each), output and
 * log lines collected, and a guard so that a hanging session fails the test instead of stalling it.
 */
import { Readable, Writable } from "stream";
import { decodeCsv, encodeCsv } from "../../src/scp/csv";
import { GetInfoRequest } from "../../src/scp/getinfo";
import { CommandHandler, ExecuteReply, ExecuteRequest, Message } from "../../src/scp/session";
import { runSession } from "../../src/scp/session-stream";

export interface SessionResult {
  code: number;
  output: Buffer;
  logs: string[];
}

/** A streaming pass-through command: decodes each body and encodes it again. */
export class EchoHandler implements CommandHandler {
  readonly getinfos: GetInfoRequest[] = [];
  readonly executes: Array<{ finished: boolean; bodyBytes: number; rows: number; fields: string[] }> = [];

  getinfo(request: GetInfoRequest): { info: { type: "streaming" }; messages?: Message[] } {
    this.getinfos.push(request);
    return { info: { type: "streaming" } };
  }

  execute(request: ExecuteRequest): ExecuteReply {
    const table = decodeCsv(request.body.toString("utf8"));
    this.executes.push({ finished: request.finished, bodyBytes: request.body.length, rows: table.rows.length, fields: table.fields });
    return { body: encodeCsv(table) };
  }
}

/** A handler built from plain functions, for error and message paths. */
export function handlerOf(
  execute: (request: ExecuteRequest) => ExecuteReply,
  getinfo: (request: GetInfoRequest) => ReturnType<CommandHandler["getinfo"]> = () => ({ info: { type: "streaming" } }),
): CommandHandler {
  return { getinfo, execute };
}

/** A Readable that emits each piece as its own 'data' event, then EOF (unless keepOpen). */
export function piecesStream(pieces: Buffer[], keepOpen = false): Readable {
  let next = 0;
  return new Readable({
    read() {
      if (next < pieces.length) this.push(pieces[next++]);
      else if (!keepOpen) this.push(null);
    },
  });
}

export class CollectingWritable extends Writable {
  readonly pieces: Buffer[] = [];
  constructor(options: { highWaterMark?: number; delayed?: boolean } = {}) {
    super({
      highWaterMark: options.highWaterMark,
      write: (data: Buffer, _encoding, done) => {
        this.pieces.push(Buffer.from(data));
        if (options.delayed) setImmediate(done);
        else done();
      },
    });
  }
  bytes(): Buffer {
    return Buffer.concat(this.pieces);
  }
}

const GUARD_MS = 15000;

/** Runs a session to completion; rejects only if it neither resolves nor rejects in time (guard). */
export async function runPieces(
  pieces: Buffer[],
  handler: CommandHandler = new EchoHandler(),
  options: { output?: CollectingWritable; keepOpen?: boolean; guardMs?: number } = {},
): Promise<SessionResult> {
  const output = options.output || new CollectingWritable();
  const logs: string[] = [];
  const session = runSession(piecesStream(pieces, options.keepOpen), output, handler, (line) => logs.push(line));
  const code = await withGuard(session, options.guardMs || GUARD_MS);
  return { code, output: output.bytes(), logs };
}

export function runWhole(stream: Buffer, handler?: CommandHandler): Promise<SessionResult> {
  return runPieces(stream.length > 0 ? [stream] : [], handler);
}

function withGuard<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`session did not resolve within ${ms} ms (hang)`)), ms);
  });
  return Promise.race([promise, guard]).then(
    (value) => {
      clearTimeout(timer);
      return value;
    },
    (err) => {
      clearTimeout(timer);
      throw err;
    },
  );
}
