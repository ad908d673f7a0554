/**
 * Decodes one piece of whole lines as the reader's thread would, into the ops that replay it: what a
 * decode worker does with each piece it is sent, and what the reader's thread does with its own turns.
 */
import { FieldSelection } from "./flatten";
import { DecodeOptions, InputUsageError } from "./formats";
import { DecodeOp, decodeItems, recordItems } from "./items";
import { JsonScanner } from "./json-scanner";
import { mayMatchPodScan } from "./prefilter";

/** What decoding a file's lines needs: DecodeOptions without its functions, so it can cross threads. */
export interface PieceOptions {
  region: string;
  source?: string;
  logGroup?: string;
  logStream?: string;
  fileSource: string;
  fields: string[] | null; // the FieldSelection's names, null for all
  podScansOnly: boolean; // the pod-scan pre-filter (DecodeOptions.mayMatch) is on
}

export interface PieceRequest {
  seq: number;
  firstLine: number;
  bytes: Uint8Array;
  options: PieceOptions;
}

export type PieceReply = { seq: number; ops: DecodeOp[] } | { seq: number; failure: string };

let lastOptions: { key: string; decode: DecodeOptions } | null = null;

/** The DecodeOptions these stand for; `selection` is the one they were made from, when at hand. */
export function toDecodeOptions(options: PieceOptions, selection?: FieldSelection): DecodeOptions {
  const fields = selection || (options.fields === null ? FieldSelection.all() : FieldSelection.only(options.fields));
  return { ...options, selection: fields, mayMatch: options.podScansOnly ? mayMatchPodScan : undefined };
}

function decodeOptions(options: PieceOptions): DecodeOptions {
  const key = JSON.stringify(options);
  if (lastOptions === null || lastOptions.key !== key) lastOptions = { key, decode: toDecodeOptions(options) };
  return lastOptions.decode;
}

export function decodePiece(request: PieceRequest): PieceReply {
  const ops: DecodeOp[] = [];
  const bytes = Buffer.from(request.bytes.buffer, request.bytes.byteOffset, request.bytes.byteLength);
  const scanner = new JsonScanner({ firstLine: request.firstLine, lineOriented: true, midFile: true });
  try {
    decodeItems([...scanner.push(bytes), ...scanner.end()], decodeOptions(request.options), recordItems(ops));
  } catch (err) {
    if (!(err instanceof InputUsageError)) return { seq: request.seq, failure: (err as Error).stack || String(err) };
    ops.push(["usage", err.message]);
  }
  return { seq: request.seq, ops };
}
