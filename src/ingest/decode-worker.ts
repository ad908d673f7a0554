/**
 * The decode worker's entry (bundled as dist/cli/decode-worker.js): decodes each piece of whole
 * lines it is sent, as the reader's thread would, and replies with what it found (see decode-pool.ts).
 */
import { parentPort } from "node:worker_threads";
import { FieldSelection } from "./flatten";
import { DecodeOptions, InputUsageError } from "./formats";
import { DecodeOp, decodeItems, recordItems } from "./items";
import { JsonScanner } from "./json-scanner";
import { PieceOptions, PieceReply, PieceRequest } from "./decode-pool";
import { mayMatchPodScan } from "./prefilter";

let lastOptions: { key: string; decode: DecodeOptions } | null = null;

function decodeOptions(options: PieceOptions): DecodeOptions {
  const key = JSON.stringify(options);
  if (lastOptions === null || lastOptions.key !== key) {
    const selection = options.fields === null ? FieldSelection.all() : FieldSelection.only(options.fields);
    const decode: DecodeOptions = { ...options, selection, mayMatch: options.podScansOnly ? mayMatchPodScan : undefined };
    lastOptions = { key, decode };
  }
  return lastOptions.decode;
}

function decodePiece(request: PieceRequest): PieceReply {
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

if (parentPort) {
  const port = parentPort;
  port.on("message", (request: PieceRequest) => port.postMessage(decodePiece(request)));
}
