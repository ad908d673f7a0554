/**
 * Runs a Session over blocking reads and writes of file descriptors, as splunkd's pipes are: one
 * reused read buffer and no stream machinery, which spares a Buffer per 64 KiB read (external
 * memory the GC frees late) and the event loop's turns. `npm run bench` shows it: the floors
 * "protocol" (this runner) and "protocol-streams" (session-stream.ts) differ only in it.
 */
import { readSync, writeSync } from "fs";
import { Session } from "./session";

const READ_BYTES = 1024 * 1024;

export type BlockingResult =
  | { code: number } // the session ran to its end
  | { nonBlocking: true }; // input would block: go on with runSession on a stream (same Session)

/** Runs `session` over `inFd`/`outFd` until EOF or an error. */
export function runBlockingSession(session: Session, inFd: number, outFd: number, log: (line: string) => void): BlockingResult {
  let broken: Error | null = null;
  session.output = (bytes) => {
    if (broken === null) broken = writeAll(outFd, bytes);
  };
  const buffer = Buffer.allocUnsafe(READ_BYTES);
  for (;;) {
    let read: number;
    try {
      read = readSync(inFd, buffer, 0, buffer.length, null);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") return { nonBlocking: true };
      if (code !== "EOF") {
        log(`cannot read from splunkd: ${(err as Error).message}`);
        return { code: 1 };
      }
      read = 0; // Windows reports the end of a pipe as an EOF error
    }
    const ok = read === 0 ? session.finish() : session.push(buffer.subarray(0, read));
    if (broken !== null) {
      log(`cannot write to splunkd: ${(broken as Error).message}`);
      return { code: 1 };
    }
    if (!ok) return { code: 1 };
    if (read === 0) return { code: 0 };
  }
}

/** Writes all of `bytes`; the error when the descriptor is gone (EPIPE: splunkd stopped reading). */
function writeAll(fd: number, bytes: Buffer): Error | null {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EAGAIN") return err as Error;
      pause(1); // a non-blocking descriptor that is full: wait for splunkd to read
    }
  }
  return null;
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

function pause(milliseconds: number): void {
  Atomics.wait(sleeper, 0, 0, milliseconds);
}
