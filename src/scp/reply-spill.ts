/**
 * A temporary file that holds a reply's bytes past a threshold. An SCP v2 reply must be whole
 * before its length is sent, so a large one is held somewhere: here on disk (the search's
 * dispatch directory when getinfo gives one) instead of in memory. Blocking calls only, as the
 * session's own reads and writes are, and nothing newer than node 8 (unlinkSync, not rmSync).
 * The file is removed when the reply is written, on an error, and at exit whatever happened.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "fs";
import os from "os";
import path from "path";
import { CommandError } from "./session";

export interface SpillOptions {
  /** Where the file goes ("" or absent: the system's temporary directory). */
  dir?: string;
  /** Reply bytes held in memory before the rest go to the file. */
  thresholdBytes: number;
}

export const SPILL_THRESHOLD_BYTES = 8 * 1024 * 1024;

/** The threshold, or EKSPODSCAN_SPILL_BYTES when set (tests use a tiny one). */
export function spillThreshold(env: { [name: string]: string | undefined } = process.env): number {
  const set = parseInt(env.EKSPODSCAN_SPILL_BYTES || "", 10);
  return isFinite(set) && set >= 0 ? set : SPILL_THRESHOLD_BYTES;
}

const open = new Set<ReplySpill>();
let exitHook = false;
let serial = 0;

export class ReplySpill {
  readonly path: string;
  private fd: number | null = null;
  private size = 0;

  constructor(dir: string | undefined) {
    this.path = path.join(dir || os.tmpdir(), `ekspodscan-reply-${process.pid}-${++serial}.tmp`);
  }

  /** Appends bytes; the file's offset where they start. */
  append(bytes: Buffer, length: number): number {
    const at = this.size;
    try {
      if (this.fd === null) this.create();
      let done = 0;
      while (done < length) done += writeSync(this.fd as number, bytes, done, length - done, at + done);
    } catch (err) {
      this.remove();
      throw new CommandError(`cannot hold the reply in ${this.path}: ${(err as Error).message}`);
    }
    this.size += length;
    return at;
  }

  /** Reads `length` bytes at `position` into the start of `into`. */
  read(into: Buffer, position: number, length: number): void {
    let done = 0;
    while (done < length) {
      const read = readSync(this.fd as number, into, done, length - done, position + done);
      if (read === 0) throw new Error(`${this.path} ended early`);
      done += read;
    }
  }

  /** Closes and deletes the file; safe to call again. */
  remove(): void {
    open.delete(this);
    if (this.fd === null) return;
    const fd = this.fd;
    this.fd = null;
    try {
      closeSync(fd);
    } catch (err) {
      // already closed: the unlink below is what matters
    }
    try {
      unlinkSync(this.path);
    } catch (err) {
      // gone already
    }
  }

  private create(): void {
    this.fd = openSync(this.path, "wx+", 0o600);
    open.add(this);
    if (!exitHook) {
      exitHook = true;
      process.on("exit", () => open.forEach((spill) => spill.remove()));
    }
  }
}
