/** Process measurements for the benchmark: wall time, peak RSS (VmHWM), time to the getinfo reply. */
import { execFileSync, spawn } from "child_process";
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import { Readable } from "stream";
import { getinfoChunk } from "./stream";

export interface RunResult {
  seconds: number;
  rss: number; // peak resident set, KiB
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
}

/** Several runs of one measurement: median time, the highest peak RSS, and every run for checks. */
export interface RepeatedResult {
  seconds: number;
  rss: number; // KiB, max over runs
  runs: RunResult[];
}

function peakRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

export function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Runs `bin args` with the file at inputPath on stdin; samples the peak RSS until it exits.
 * The input comes from `cat` through a kernel pipe (a FIFO; node's own stdio "pipe" is a socketpair),
 * as splunkd, a native process, would write it: pumping it through this tsx process's event loop
 * would add the producer's cost, on the same 2 cores, to what we measure. Time runs from spawning
 * our process to its exit; stdout is collected in full.
 */
export function runProcess(bin: string, args: string[], inputPath: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const dir = mkdtempSync(path.join(tmpdir(), "ekspodscan-fifo-"));
    const fifo = path.join(dir, "stdin");
    execFileSync("mkfifo", [fifo]);
    // The read end opens first (non-blocking, or open would wait for a writer); libuv makes a pipe
    // stdin non-blocking anyway. Our copies close once both children hold theirs, so the child sees
    // EOF when cat is done and cat gets SIGPIPE if the child dies early.
    const readEnd = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writeEnd = openSync(fifo, constants.O_WRONLY);
    rmSync(dir, { recursive: true });
    const producer = spawn("cat", [inputPath], { stdio: ["ignore", writeEnd, "inherit"] });
    const start = process.hrtime.bigint();
    const child = spawn(bin, args, { stdio: [readEnd, "pipe", "pipe"] });
    closeSync(readEnd);
    closeSync(writeEnd);
    const out: Buffer[] = [];
    let err = "";
    let rss = 0;
    let seconds = 0;
    const sample = () => (rss = Math.max(rss, peakRss(child.pid as number)));
    const timer = setInterval(sample, 5);
    // Both are "pipe" above; the typings only know that for all-named stdio.
    const stdout = child.stdout as Readable;
    const stderr = child.stderr as Readable;
    stdout.on("data", (d: Buffer) => {
      out.push(d);
      sample();
    });
    stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    producer.on("error", reject);
    child.on("exit", () => {
      seconds = Number(process.hrtime.bigint() - start) / 1e9;
      clearInterval(timer);
    });
    // "close" comes after the exit and after stdout/stderr are drained: only then is the output whole.
    child.on("close", (code, signal) => resolve({ seconds, rss, code, signal, stdout: Buffer.concat(out), stderr: err }));
  });
}

/** `times` runs of one measurement, one after the other, so one noisy run does not decide. */
export async function runRepeated(bin: string, args: string[], inputPath: string, times: number): Promise<RepeatedResult> {
  const runs: RunResult[] = [];
  for (let i = 0; i < times; i++) runs.push(await runProcess(bin, args, inputPath));
  return summarize(runs);
}

export function summarize(runs: RunResult[]): RepeatedResult {
  return { seconds: median(runs.map((r) => r.seconds)), rss: Math.max(...runs.map((r) => r.rss)), runs };
}

/** Milliseconds from spawn to a complete getinfo reply chunk, over `runs` fresh processes. */
/** Spawn to a whole getinfo reply, `runs` times: `bin script`, with `env` when given (else ours). */
export async function timeToGetinfo(bin: string, script: string, runs: number, env?: NodeJS.ProcessEnv): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(
      await new Promise<number>((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(bin, [script], { env, stdio: ["pipe", "pipe", env ? "ignore" : "inherit"] });
        let got = Buffer.alloc(0);
        let ms = 0;
        child.on("error", reject);
        child.stdout.on("data", (d: Buffer) => {
          got = Buffer.concat([got, d]);
          const header = /^chunked 1\.0,(\d+),(\d+)\n/.exec(got.toString("latin1"));
          if (!ms && header && got.length >= header[0].length + Number(header[1]) + Number(header[2])) {
            ms = Number(process.hrtime.bigint() - start) / 1e6;
            child.stdin.end();
          }
        });
        // The next spawn waits for this process to be gone, so exits do not overlap start-ups.
        child.on("close", () => (ms ? resolve(ms) : reject(new Error(`${bin} exited before replying to getinfo`))));
        child.stdin.write(getinfoChunk(["mode=stats"]));
      }),
    );
  }
  times.sort((a, b) => a - b);
  return { median: median(times), p95: times[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)] };
}
