/**
 * Decode workers: JSON.parse and the pre-filter of a line-oriented export take most of hunt's time
 * on one thread, and lines decode apart, so pieces of whole lines are decoded on worker threads
 * while the reader's thread gunzips and cuts the next ones. The reader's thread takes a turn too
 * (every count+1-th piece): with one worker on two cores it would otherwise wait for that worker.
 * Each reply is the piece's DecodeOps, replayed in order, so the report, the times assigned and the
 * events are those of one thread.
 */
import { Worker } from "node:worker_threads";
import { DecodeOp } from "./items";
import { PieceOptions, PieceReply, PieceRequest, decodePiece } from "./piece-decoder";


/** A worker failed (a bug, or out of memory): not a problem with the input. */
export class DecodeWorkerError extends Error {}

export class DecodePool {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, { resolve(ops: DecodeOp[]): void; reject(err: Error): void }>();
  private seq = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor(script: string, count: number) {
    for (let i = 0; i < count; i++) {
      const worker = new Worker(script);
      worker.on("message", (reply: PieceReply) => this.settle(reply));
      worker.on("error", (err) => this.fail(new DecodeWorkerError(`a decode worker failed: ${err.stack || err.message}`)));
      worker.on("exit", (code) => {
        if (!this.closing) this.fail(new DecodeWorkerError(`a decode worker exited with code ${code}`));
      });
      this.workers.push(worker);
    }
  }

  /** Pieces worth having in flight: two per thread that decodes, this one included. */
  get depth(): number {
    return 2 * (this.workers.length + 1);
  }

  /** The ops of a piece of whole lines that starts on line `firstLine` of its file. */
  decode(piece: Buffer, firstLine: number, options: PieceOptions): Promise<DecodeOp[]> {
    if (this.failure) return Promise.reject(this.failure);
    const seq = this.seq++;
    const turn = seq % (this.workers.length + 1);
    if (turn === this.workers.length) {
      const reply = decodePiece({ seq, firstLine, bytes: piece, options });
      return "failure" in reply ? Promise.reject(new DecodeWorkerError(`decoding failed: ${reply.failure}`)) : Promise.resolve(reply.ops);
    }
    const bytes = new Uint8Array(piece.length); // its own memory, handed over without a copy
    bytes.set(piece);
    const reply = new Promise<DecodeOp[]>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
    const request: PieceRequest = { seq, firstLine, bytes, options };
    this.workers[turn].postMessage(request, [bytes.buffer]);
    return reply;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private settle(reply: PieceReply): void {
    const waiter = this.waiting.get(reply.seq);
    if (!waiter) return;
    this.waiting.delete(reply.seq);
    if ("failure" in reply) waiter.reject(new DecodeWorkerError(`a decode worker failed: ${reply.failure}`));
    else waiter.resolve(reply.ops);
  }

  private fail(err: Error): void {
    if (!this.failure) this.failure = err;
    for (const waiter of this.waiting.values()) waiter.reject(this.failure);
    this.waiting.clear();
  }
}
