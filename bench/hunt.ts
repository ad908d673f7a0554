/**
 * hunt's reading of an export against node alone gunzipping it, in the same run: the export is
 * made by scripts/make-sample.ts --repeat N (CloudWatch envelopes, gzip), both read it on stdin from
 * `cat`. Then peak RSS over an input of at least 1 GB (the export's gzip members repeated, which is
 * one valid multi-member gzip stream, as Firehose writes them), to show memory flat in the input size.
 *   BENCH_HUNT_REPEAT=60 (default)   4-hour windows in the export (60: ~189 MB, ~195k log events)
 */
import { createReadStream, createWriteStream, statSync } from "fs";
import { once } from "events";
import os from "os";
import path from "path";
import { writeSample } from "../scripts/make-sample";
import { defaultJobs } from "../src/cli/hunt";
import { runRepeated, runProcess } from "./measure";

const ROOT = path.resolve(__dirname, "..");
const CLI = path.join(ROOT, "dist", "cli", "eks-pod-scan.js");
const REPEAT = Number(process.env.BENCH_HUNT_REPEAT || 60);
const RUNS = 3;
const DEFAULT_JOBS = defaultJobs("stats");
const MIN_EXPORT_MB = 150;
const BIG_INPUT_MB = 1000;
export const HUNT_TARGET = { overGunzip: 0.5, bigInputRssMB: 150 };

// node alone: gunzip stdin and count the bytes, nothing else.
const GUNZIP_ONLY = 'let n=0;process.stdin.pipe(require("zlib").createGunzip()).on("data",c=>n+=c.length).on("end",()=>console.log(n))';

export interface HuntBench {
  lines: string[];
  exportMB: number;
  speedOverGunzip: number;
  bigInputMB: number;
  bigInputRssMB: number;
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function repeatFile(from: string, to: string, times: number): Promise<void> {
  const out = createWriteStream(to);
  for (let i = 0; i < times; i++) {
    for await (const chunk of createReadStream(from)) if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "close");
}

export async function measureHunt(dir: string): Promise<HuntBench> {
  const exportPath = path.join(dir, "export.jsonl.gz");
  const t0 = Date.now();
  const logEvents = await writeSample(exportPath, REPEAT);
  const gunzip = await runRepeated(process.execPath, ["-e", GUNZIP_ONLY], exportPath, RUNS);
  const exportBytes = Number(gunzip.runs[0].stdout.toString().trim());
  const exportMB = exportBytes / 1e6;
  const hunt = await runRepeated(process.execPath, [CLI, "hunt", "--input", "-", "--format", "csv"], exportPath, RUNS);
  // The same with the other choice of decode workers: none when hunt uses some here, else the cores less one.
  const otherJobs = DEFAULT_JOBS > 0 ? 0 : Math.max(1, os.availableParallelism() - 1);
  const other = await runRepeated(process.execPath, [CLI, "hunt", "--input", "-", "--format", "csv", "--jobs", String(otherJobs)], exportPath, RUNS);
  for (const run of [...hunt.runs, ...other.runs]) if (run.code !== 0) throw new Error(`hunt failed: exit ${run.code}: ${run.stderr}`);
  if (other.runs[0].stdout.toString() !== hunt.runs[0].stdout.toString()) throw new Error(`hunt --jobs ${otherJobs} printed other rows than hunt`);
  const read = /read ([\d,]+) events/.exec(hunt.runs[0].stderr);
  const rows = hunt.runs[0].stdout.toString().split("\r\n").filter((l) => l !== "").length - 1;

  const times = Math.ceil(BIG_INPUT_MB / exportMB);
  const bigPath = path.join(dir, "big.jsonl.gz");
  await repeatFile(exportPath, bigPath, times);
  const big = await runProcess(process.execPath, [CLI, "hunt", "--input", "-", "--format", "csv"], bigPath);
  if (big.code !== 0) throw new Error(`hunt over the big input failed: exit ${big.code}: ${big.stderr}`);
  const bigInputMB = exportMB * times;

  const speedOverGunzip = gunzip.seconds / hunt.seconds;
  const lines = [
    `hunt over an export from make-sample --repeat ${REPEAT}: ${fmt(exportMB, 1)} MB (${fmt(statSync(exportPath).size / 1e6, 1)} MB gzip), ${fmt(logEvents)} log events (made in ${fmt((Date.now() - t0) / 1000, 1)} s)`,
    `  node alone gunzips it: ${fmt(gunzip.seconds, 3)} s  ${fmt(exportMB / gunzip.seconds, 1)} MB/s  peak RSS ${fmt(gunzip.rss / 1024, 1)} MB`,
    `  hunt (read, match, stats): ${fmt(hunt.seconds, 3)} s  ${fmt(exportMB / hunt.seconds, 1)} MB/s  peak RSS ${fmt(hunt.rss / 1024, 1)} MB  (${read ? read[1] : "?"} events read, ${rows} rows)`,
    `  hunt runs: ${hunt.runs.map((r) => fmt(r.seconds, 3)).join(", ")} s; gunzip runs: ${gunzip.runs.map((r) => fmt(r.seconds, 3)).join(", ")} s`,
    `  hunt --jobs ${otherJobs} (its default here: ${DEFAULT_JOBS}): ${fmt(other.seconds, 3)} s, ${fmt((100 * gunzip.seconds) / other.seconds)}% of gunzip's speed, runs ${other.runs.map((r) => fmt(r.seconds, 3)).join(", ")} s`,
    `  hunt reads at ${fmt(100 * speedOverGunzip)}% of node's gunzip speed`,
    `  the same export ${times} times over (${fmt(bigInputMB, 0)} MB, one run): ${fmt(big.seconds, 3)} s, hunt's peak RSS ${fmt(big.rss / 1024, 1)} MB (the command's processes apart)`,
  ];
  if (exportMB < MIN_EXPORT_MB) lines.push(`  (the export is under ${MIN_EXPORT_MB} MB: raise BENCH_HUNT_REPEAT)`);
  return { lines, exportMB, speedOverGunzip, bigInputMB, bigInputRssMB: big.rss / 1024 };
}
