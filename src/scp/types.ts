/** One CSV cell as splunkd sends it: a value, or an array for a multivalue ("" = empty/absent). */
export type Cell = string | string[];

/** A decoded execute body: column names (no __mv_ twins) and rows of cells in that order. */
export interface Table {
  fields: string[];
  rows: Cell[][];
}

/** One protocol message: parsed JSON metadata and the raw body bytes. */
export type ChunkMeta = { [key: string]: unknown };

export interface Chunk {
  meta: ChunkMeta;
  body: Buffer;
}
