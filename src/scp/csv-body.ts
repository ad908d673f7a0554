/**
 * Builds a reply body row by row, in the bytes encodeCsvBytes would write for the same Table,
 * without holding the rows as cells: each row is encoded as it comes, into blocks of bytes.
 *
 * encodeCsvBytes gives a field its `__mv_` twin only when some row holds a multivalue there, and
 * the twins go in the header and at the end of every row; which fields have one is known only at
 * the end. So each row is written with a twin cell for every field that may hold a multivalue
 * (those with a twin in the input, and the added ones), and end() removes, in place, the twin
 * cells of fields that held none. Memory follows the reply (which must be whole before its length
 * is sent), never the rows as strings, and the reply is never copied. With a SpillOptions, blocks
 * past its threshold go to a temporary file (ReplySpill) and are read back, one at a time, as the
 * reply is written: memory then follows the threshold, not the reply.
 */
import { CsvWriter, headerCells, isMultivalue, writePlainCells } from "./csv";
import { ReplySpill, SpillOptions } from "./reply-spill";
import { StreamedBody } from "./session";
import { Cell } from "./types";

const BLOCK_BYTES = 1024 * 1024;
const LF = 10;
const COMMA = 44;

interface Block {
  bytes: Buffer;
  used: number;
  firstRow: number; // index of its first row
  spilledAt: number; // its offset in the spill file, or -1 while in memory
}

export class CsvBodyBuilder {
  private readonly row = new CsvWriter(4096); // one row; its room follows the longest row
  private readonly blocks: Block[] = [];
  // Per row, in its block: where it starts, and where its twin cells start.
  private rowStarts: Int32Array = new Int32Array(1024);
  private twinStarts: Int32Array = new Int32Array(1024);
  private rows = 0;
  // The non-empty twin cells, in row order then field order: row, candidate, start, end in its block.
  private readonly entries: number[] = [];
  private readonly candidates: number[] = []; // the fields written with a twin cell
  private readonly used: boolean[]; // per candidate: some row held a multivalue there
  private readonly loneColumn: boolean;
  private spill: ReplySpill | null = null;
  private heldInMemory = 0;

  /** `mayHaveTwin[i]`: whether field i can hold a multivalue (only those get a twin cell). */
  constructor(
    private readonly fields: string[],
    mayHaveTwin: boolean[],
    private readonly blockBytes = BLOCK_BYTES,
    private readonly spillOptions: SpillOptions | null = null,
  ) {
    for (let i = 0; i < fields.length; i++) if (mayHaveTwin[i]) this.candidates.push(i);
    this.used = this.candidates.map(() => false);
    // encodeCsvBytes quotes a lone empty value; a twin would end that, but a lone field here is
    // always one that no row gives a multivalue (see the caller), so one field means lone.
    this.loneColumn = fields.length === 1;
  }

  /** Bytes held for the rows so far (the blocks' room). */
  get heldBytes(): number {
    let held = 0;
    for (const block of this.blocks) held += block.bytes.length;
    return held;
  }

  /** The spill file, once some blocks went to it (null: all in memory). */
  get spillPath(): string | null {
    return this.spill === null ? null : this.spill.path;
  }

  add(row: Cell[]): void {
    const out = this.row;
    out.clear();
    writePlainCells(out, row, this.fields.length, this.loneColumn);
    const twinStart = out.size;
    const cells: number[] = []; // candidate, start, end within the row
    for (let k = 0; k < this.candidates.length; k++) {
      out.byte(COMMA);
      const cell = row[this.candidates[k]];
      if (!isMultivalue(cell)) continue;
      this.used[k] = true;
      const start = out.size;
      out.multivalue(cell as string[]);
      cells.push(k, start, out.size);
    }
    out.byte(LF);
    const block = this.blockFor(out.size);
    const at = block.used;
    out.bytes().copy(block.bytes, at);
    block.used += out.size;
    if (this.rows === this.rowStarts.length) {
      this.rowStarts = grown(this.rowStarts);
      this.twinStarts = grown(this.twinStarts);
    }
    this.rowStarts[this.rows] = at;
    this.twinStarts[this.rows] = at + twinStart;
    for (let i = 0; i < cells.length; i += 3) this.entries.push(this.rows, cells[i], at + cells[i + 1], at + cells[i + 2]);
    this.rows++;
  }

  /**
   * The body: its pieces in order (the header, then the blocks of rows), or, once some went to
   * the spill file, a StreamedBody that reads them back one block at a time.
   */
  end(): Buffer[] | StreamedBody {
    const twins = this.candidates.filter((_, k) => this.used[k]);
    const header = Buffer.from(headerCells(this.fields, twins).join(",") + "\n", "utf8");
    if (this.spill !== null) return this.streamed(header, twins.length);
    const pieces: Buffer[] = [header];
    // The pieces hold the blocks now, until written.
    this.eachBlock(twins.length, (held) => held, (piece) => pieces.push(piece));
    return pieces;
  }

  /**
   * Each block in order, as `load` gives it (read back from the spill, or as held), compacted when
   * some candidate went unused, handed to `emit`, then let go.
   */
  private eachBlock(twins: number, load: (held: Block) => Block, emit: (piece: Buffer) => void): void {
    const compact = twins < this.candidates.length;
    let entry = 0;
    for (let b = 0; b < this.blocks.length; b++) {
      const block = load(this.blocks[b]);
      if (compact) {
        const lastRow = b + 1 < this.blocks.length ? this.blocks[b + 1].firstRow : this.rows;
        entry = this.compact(block, lastRow, entry);
      }
      if (block.used > 0) emit(block.bytes.subarray(0, block.used));
      this.blocks[b] = EMPTY_BLOCK;
    }
  }

  /**
   * Rewrites a block's rows without the twin cells of unused candidates. Every row only shrinks,
   * so what is written never passes what is still to be read.
   */
  private compact(block: Block, lastRow: number, entry: number): number {
    const bytes = block.bytes;
    const entries = this.entries;
    let to = 0;
    for (let r = block.firstRow; r < lastRow; r++) {
      to += bytes.copy(bytes, to, this.rowStarts[r], this.twinStarts[r]);
      for (let k = 0; k < this.candidates.length; k++) {
        if (!this.used[k]) continue;
        bytes[to++] = COMMA;
        // Entries exist only for used candidates, in the order they are met here.
        if (entry < entries.length && entries[entry] === r && entries[entry + 1] === k) {
          to += bytes.copy(bytes, to, entries[entry + 2], entries[entry + 3]);
          entry += 4;
        }
      }
      bytes[to++] = LF;
    }
    block.used = to;
    return entry;
  }

  /** Spilled: each block is read back and compacted as it is written; none is held whole. */
  private streamed(header: Buffer, twins: number): StreamedBody {
    const spill = this.spill as ReplySpill;
    let used = 0;
    for (const block of this.blocks) used += block.used;
    // Compacting drops exactly one comma per row for each candidate no row used (no cell there).
    const length = header.length + used - this.rows * (this.candidates.length - twins);
    return {
      length,
      writeTo: (write) => {
        write(header);
        let room = EMPTY; // one buffer for every block read back (pieces are valid during write only)
        const readBack = (held: Block): Block => {
          if (held.spilledAt < 0) return held;
          if (room.length < held.used) room = Buffer.allocUnsafe(Math.max(held.used, this.blockBytes));
          spill.read(room, held.spilledAt, held.used);
          return { bytes: room, used: held.used, firstRow: held.firstRow, spilledAt: held.spilledAt };
        };
        this.eachBlock(twins, readBack, write);
      },
      discard: () => spill.remove(),
    };
  }

  private blockFor(bytes: number): Block {
    const last = this.blocks[this.blocks.length - 1];
    if (last !== undefined && last.used + bytes <= last.bytes.length) return last;
    const size = Math.max(this.blockBytes, bytes);
    if (this.spillOptions !== null && this.heldInMemory + size > this.spillOptions.thresholdBytes) this.spillBlocks();
    const block = { bytes: Buffer.allocUnsafe(size), used: 0, firstRow: this.rows, spilledAt: -1 };
    this.blocks.push(block);
    this.heldInMemory += size;
    return block;
  }

  /** Moves every block still in memory to the spill file (all are complete: a new one starts). */
  private spillBlocks(): void {
    if (this.spill === null) this.spill = new ReplySpill((this.spillOptions as SpillOptions).dir);
    for (const block of this.blocks) {
      if (block.spilledAt >= 0) continue;
      block.spilledAt = this.spill.append(block.bytes, block.used);
      block.bytes = EMPTY;
    }
    this.heldInMemory = 0;
  }
}

const EMPTY = Buffer.alloc(0);
const EMPTY_BLOCK: Block = { bytes: EMPTY, used: 0, firstRow: 0, spilledAt: -1 };

function grown(values: Int32Array): Int32Array {
  const bigger = new Int32Array(values.length * 2);
  bigger.set(values);
  return bigger;
}
