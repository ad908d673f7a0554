/**
 * Cuts a byte stream into pieces of whole lines, each with the number of its first line, so that
 * the lines of a line-oriented export can be decoded apart (decode-pool.ts).
 */
const LF = 0x0a;

export interface LinePiece {
  bytes: Buffer;
  firstLine: number;
}

function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(LF); at >= 0; at = bytes.indexOf(LF, at + 1)) lines++;
  return lines;
}

export class LineCutter {
  private held: Buffer[] = []; // the bytes since the last line feed
  /** The line the held bytes start on. */
  nextLine = 1;

  /** The whole lines that `chunk` completes, with the bytes held before it; null when it ends none. */
  cut(chunk: Buffer): LinePiece | null {
    const lastLf = chunk.lastIndexOf(LF);
    if (lastLf < 0) {
      if (chunk.length > 0) this.held.push(chunk);
      return null;
    }
    const head = chunk.subarray(0, lastLf + 1);
    const bytes = this.held.length > 0 ? Buffer.concat([...this.held, head]) : head;
    this.held = lastLf + 1 < chunk.length ? [chunk.subarray(lastLf + 1)] : [];
    const firstLine = this.nextLine;
    this.nextLine += countLines(bytes);
    return { bytes, firstLine };
  }

  /** What follows the last line feed, at the end of the input. */
  rest(): LinePiece | null {
    if (this.held.length === 0) return null;
    const bytes = Buffer.concat(this.held);
    this.held = [];
    return { bytes, firstLine: this.nextLine };
  }
}
