/**
 * Runs a Session over streams: stdin/stdout when they cannot be used blocking (see session-fd.ts),
 * and in-process tests. Output backpressure pauses input.
 */
import { Readable, Writable } from "stream";
import { CommandHandler, Log, Session } from "./session";

/** Runs one session; resolves with the process exit code once output is flushed. */
export function runSession(
  input: Readable,
  output: Writable,
  handler: CommandHandler | Session,
  log: Log = (line) => process.stderr.write(line + "\n"),
): Promise<number> {
  const session = handler instanceof Session ? handler : new Session(handler, log);
  return new Promise<number>((resolve) => {
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

    // Resolves once everything written so far is flushed.
    const stopAfterFlush = (code: number) => output.write(Buffer.alloc(0), () => stop(code));

    session.outputKeepsBytes = true;
    session.output = (bytes) => {
      if (stopped || output.write(bytes) || awaitingDrain) return;
      awaitingDrain = true;
      input.pause();
      output.once("drain", () => {
        awaitingDrain = false;
        if (!session.failed && !stopped) input.resume();
      });
    };

    const onData = (data: Buffer) => {
      if (!session.failed && !session.push(data)) stopAfterFlush(1);
    };

    const onEnd = () => {
      if (session.failed) return;
      stopAfterFlush(session.finish() ? 0 : 1);
    };

    output.on("error", (err: Error) => {
      log(`cannot write to splunkd: ${err.message}`);
      stop(1);
    });
    input.on("data", onData);
    input.on("end", onEnd);
  });
}
