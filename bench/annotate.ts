/**
 * mode=annotate over one large execute chunk (400,000 of the bench's rows, ~103 MB), as splunkd
 * sends it with a large maxchunksize: the command's peak RSS, held to the issue-13 target.
 * The reply must be whole before its length is sent (SCP v2 header): past 8 MB it is held in a
 * temporary file (src/scp/reply-spill.ts), not in memory.
 */
import { createWriteStream } from "fs";
import path from "path";
import { encodeChunk } from "../src/scp/framing";
import { eventRows, getinfoChunk, header } from "./stream";
import { runProcess } from "./measure";

export const ANNOTATE_ROWS = 400000;
export const ANNOTATE_TARGET_MB = 150;

async function writeAnnotateStream(file: string, rows: number): Promise<number> {
  const next = eventRows(rows, 42);
  const parts: string[] = [header()];
  for (let row = next(); row !== null; row = next()) parts.push(row);
  const chunk = Buffer.concat([getinfoChunk(["mode=annotate"]), encodeChunk({ action: "execute", finished: true }, parts.join(""))]);
  const out = createWriteStream(file);
  await new Promise<void>((resolve, reject) => {
    out.on("error", reject);
    out.end(chunk, resolve);
  });
  return chunk.length;
}

export interface AnnotateFigures {
  lines: string[];
  chunkMB: number;
  rssMB: { [node: string]: number | null }; // null: the run failed
}

/** One run per node over the same chunk; a node path that is null is skipped. */
export async function measureAnnotate(dir: string, nodes: Array<[string, string | null]>): Promise<AnnotateFigures> {
  const file = path.join(dir, "annotate.input");
  const chunkMB = (await writeAnnotateStream(file, ANNOTATE_ROWS)) / (1024 * 1024);
  const bundle = path.resolve(__dirname, "..", "app", "bin", "ekspodscan.js");
  const lines = [`annotate: one execute chunk of ${ANNOTATE_ROWS.toLocaleString("en-US")} rows, ${chunkMB.toFixed(1)} MB (1 run per node)`];
  const rssMB: { [node: string]: number | null } = {};
  for (const [label, bin] of nodes) {
    if (bin === null) {
      lines.push(`  ${label}: skipped (no such node here)`);
      continue;
    }
    const run = await runProcess(bin, [bundle], file);
    const ok = run.code === 0 && run.stdout.length > 0;
    rssMB[label] = ok ? run.rss / 1024 : null;
    lines.push(`  ${label}: ${ok ? `${run.seconds.toFixed(3)} s  peak RSS ${(run.rss / 1024).toFixed(1)} MB  reply ${(run.stdout.length / (1024 * 1024)).toFixed(1)} MB` : `FAILED: exit ${run.code} ${run.stderr.trim().split("\n").pop()}`}`);
  }
  return { lines, chunkMB, rssMB };
}
