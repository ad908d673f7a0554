/**
 * The decode worker's entry (bundled as dist/cli/decode-worker.js): decodes each piece of whole
 * lines it is sent and replies with its ops (see decode-pool.ts).
 */
import { parentPort } from "node:worker_threads";
import { PieceRequest, decodePiece } from "./piece-decoder";

if (parentPort) {
  const port = parentPort;
  port.on("message", (request: PieceRequest) => port.postMessage(decodePiece(request)));
}
