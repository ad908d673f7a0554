/**
 * The SCP v2 session loop: one getinfo reply, then exactly one reply per execute chunk with
 * `finished` echoed. A failure becomes an error chunk Splunk shows to the user and a non-zero exit.
 */
import { Readable, Writable } from "stream";
import { ChunkDecoder, ProtocolError, encodeChunk } from "./framing";
import { CommandInfo, GetInfoRequest, parseGetInfo } from "./getinfo";
import { Chunk } from "./types";

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

export interface CommandHandler {
  getinfo(request: GetInfoRequest): { info: CommandInfo; messages?: Message[] };
  execute(request: ExecuteRequest): ExecuteReply;
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
    const decoder = new ChunkDecoder();
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

    const handle = (chunk: Chunk) => {
      const action = chunk.meta.action;
      if (!sawGetInfo) {
        if (action !== "getinfo") throw new ProtocolError(`expected a getinfo chunk first, got action ${JSON.stringify(action)}`);
        if (chunk.body.length > 0) throw new ProtocolError("getinfo chunk carries an unexpected body");
        sawGetInfo = true;
        const { info, messages } = handler.getinfo(parseGetInfo(chunk.meta));
        write(encodeChunk(messages && messages.length > 0 ? { ...info, inspector: { messages } } : info));
        return;
      }
      if (action !== "execute") throw new ProtocolError(`expected an execute chunk, got action ${JSON.stringify(action)}`);
      const finished = chunk.meta.finished === true;
      const reply = handler.execute({ body: chunk.body, finished });
      write(encodeChunk(replyMeta(finished, reply.messages), reply.body));
    };

    const onData = (data: Buffer) => {
      if (failed) return;
      try {
        decoder.decode(data, (chunk) => {
          if (!failed) handle(chunk);
        });
      } catch (err) {
        fail(err);
      }
    };

    const onEnd = () => {
      if (failed) return;
      try {
        decoder.end();
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

function userMessage(err: unknown): string {
  if (err instanceof CommandError || err instanceof ProtocolError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}
