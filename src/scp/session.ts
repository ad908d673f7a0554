/**
 * The SCP v2 session loop: one getinfo reply, then exactly one reply per execute chunk with
 * `finished` echoed. A failure becomes an error chunk Splunk shows to the user and a non-zero exit.
 */
import { Readable, Writable } from "stream";
import { FrameReader, ProtocolError, encodeChunk } from "./framing";
import { CommandInfo, GetInfoRequest, parseGetInfo } from "./getinfo";
import { ChunkMeta } from "./types";

export type MessageLevel = "DEBUG" | "INFO" | "WARN" | "ERROR";
export type Message = [MessageLevel, string];

export interface ExecuteRequest {
  body: Buffer;
  finished: boolean;
}

export interface ExecuteReply {
  body?: string;
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

/** Runs one session; resolves with the process exit code once output is flushed. */
export function runSession(
  input: Readable,
  output: Writable,
  handler: CommandHandler,
  log: (line: string) => void = (line) => process.stderr.write(line + "\n"),
): Promise<number> {
  return new Promise<number>((resolve) => {
    let sawGetInfo = false;
    let failed = false; // set at once: nothing is read or answered after an error
    let stopped = false;
    let awaitingDrain = false;

    const stop = (code: number) => {
      if (stopped) return;
      stopped = true;
      input.removeListener("data", onData);
      input.removeListener("end", onEnd);
      input.pause();
      resolve(code);
    };

    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      const message = userMessage(err);
      log(`error: ${message}`);
      if (!(err instanceof CommandError || err instanceof ProtocolError) && err instanceof Error && err.stack) log(err.stack);
      if (stopped) return;
      output.write(errorChunk(message), () => stop(1));
    };

    const write = (bytes: Buffer) => {
      if (output.write(bytes) || awaitingDrain) return;
      awaitingDrain = true;
      input.pause();
      output.once("drain", () => {
        awaitingDrain = false;
        if (!failed && !stopped) input.resume();
      });
    };

    let getinfoMeta: ChunkMeta | null = null; // the getinfo chunk, until its end
    let receiver: BodyReceiver | null = null;
    let finished = false;
    const reader = new FrameReader({
      start(meta, bodyLength) {
        const action = meta.action;
        if (!sawGetInfo) {
          if (action !== "getinfo") throw new ProtocolError(`expected a getinfo chunk first, got action ${JSON.stringify(action)}`);
          if (bodyLength > 0) throw new ProtocolError("getinfo chunk carries an unexpected body");
          sawGetInfo = true;
          getinfoMeta = meta;
          return;
        }
        if (action !== "execute") throw new ProtocolError(`expected an execute chunk, got action ${JSON.stringify(action)}`);
        finished = meta.finished === true;
        const streaming = handler.receive ? handler.receive(finished) : null;
        receiver = streaming || wholeBody(bodyLength, finished, handler);
      },
      body(part) {
        (receiver as BodyReceiver).write(part);
      },
      end() {
        if (getinfoMeta !== null) {
          const { info, messages } = handler.getinfo(parseGetInfo(getinfoMeta));
          getinfoMeta = null;
          write(encodeChunk(messages && messages.length > 0 ? { ...info, inspector: { messages } } : info));
          return;
        }
        const reply = (receiver as BodyReceiver).end();
        receiver = null;
        write(encodeChunk(replyMeta(finished, reply.messages), reply.body));
      },
    });

    const onData = (data: Buffer) => {
      if (failed) return;
      try {
        reader.push(data);
      } catch (err) {
        fail(err);
      }
    };

    const onEnd = () => {
      if (failed) return;
      try {
        reader.end();
        output.write(Buffer.alloc(0), () => stop(0));
      } catch (err) {
        fail(err);
      }
    };

    output.on("error", (err: Error) => {
      log(`cannot write to splunkd: ${err.message}`);
      stop(1);
    });
    input.on("data", onData);
    input.on("end", onEnd);
  });
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

function userMessage(err: unknown): string {
  if (err instanceof CommandError || err instanceof ProtocolError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
