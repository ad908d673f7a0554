/**
 * gunzip that loses no decoded byte to a later error. node's zlib drops the output of the step that
 * fails (trailing garbage after the last member, a CRC that does not match), and a stream's async
 * iterator drops what it had buffered. So the output is taken as it comes, and for a file the failing
 * step is decoded again, a byte at a time, before the error is passed on: `gzip -dc` gives the same
 * bytes. Multi-member gzip (as Firehose writes it) is one stream to zlib.
 */
import { Readable, pipeline } from "node:stream";
import { Gunzip, createGunzip } from "node:zlib";

/**
 * zlib's output chunk. Over make-sample --repeat 60 (4 runs each): 256 KB took 2.66-2.98 s of user
 * CPU at 97 MB peak RSS, 512 KB 2.07-2.87 s at 96-99 MB, 1 MB 2.39-2.75 s at 114-117 MB.
 */
const CHUNK_BYTES = 1 << 19;

/**
 * The decompressed bytes of `compressed`. `replay` reads the same compressed bytes again (a file);
 * without it (stdin) the output of the failing step, at most 64 KiB, cannot be recovered.
 */
export async function* gunzipAll(compressed: AsyncIterable<Buffer>, replay?: () => AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  pipeline(Readable.from(compressed, { objectMode: false }), gunzip, () => {
    /* errors surface through the iteration below */
  });
  let delivered = 0;
  try {
    for await (const chunk of everyChunk(gunzip)) {
      delivered += chunk.length;
      yield chunk;
    }
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Z_BUF_ERROR (input cut short) loses nothing: zlib gave all it could before it.
    if (replay !== undefined && code === "Z_DATA_ERROR") {
      const lost = await failingStepOutput(replay(), gunzip.bytesWritten, delivered);
      if (lost.length > 0) yield lost;
    }
    throw err;
  }
}

/** The chunks of a stream, then its error: unlike its async iterator, no buffered chunk is dropped. */
async function* everyChunk(stream: Gunzip): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const signal = () => {
    if (wake) wake();
  };
  stream.on("data", (chunk: Buffer) => {
    queue.push(chunk);
    stream.pause(); // one chunk ahead of the consumer at most
    signal();
  });
  stream.on("end", () => ((ended = true), signal()));
  stream.on("error", (err) => ((failure = err), signal()));
  for (;;) {
    const chunk = queue.shift();
    if (chunk !== undefined) {
      yield chunk;
      continue;
    }
    if (failure !== null) throw failure;
    if (ended) return;
    stream.resume();
    await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
  }
}

/**
 * Decodes the input again: the `goodInput` bytes zlib had consumed without error as they come, then
 * one byte per step until the error, so that every byte decoded before it is output. Returns the
 * output past the `skip` bytes already delivered.
 */
async function failingStepOutput(input: AsyncIterable<Buffer>, goodInput: number, skip: number): Promise<Buffer> {
  const gunzip = createGunzip({ chunkSize: CHUNK_BYTES });
  const tail: Buffer[] = [];
  let seen = 0;
  let failed = false;
  let stepDone: (() => void) | null = null;
  gunzip.on("data", (chunk: Buffer) => {
    if (seen + chunk.length > skip) tail.push(seen >= skip ? chunk : chunk.subarray(skip - seen));
    seen += chunk.length;
  });
  gunzip.on("error", () => {
    failed = true;
    if (stepDone) stepDone();
  });
  // A step ends when zlib has taken its bytes, or with the error they caused.
  const step = (bytes: Buffer) =>
    new Promise<void>((resolve) => {
      stepDone = resolve;
      gunzip.write(bytes, () => resolve());
    });
  let fed = 0;
  for await (const piece of input) {
    let at = 0;
    if (fed < goodInput) {
      at = Math.min(piece.length, goodInput - fed);
      await step(piece.subarray(0, at));
      fed += at;
    }
    for (; at < piece.length && !failed; at++) await step(piece.subarray(at, at + 1));
    if (failed) break;
  }
  gunzip.destroy();
  return Buffer.concat(tail);
}
