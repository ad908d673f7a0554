/** Process measurements for the benchmark: wall time, peak RSS (VmHWM), time to the getinfo reply. */
import { spawn } from "child_process";
import { createReadStream, readFileSync } from "fs";
import { getinfoChunk } from "./stream";

export interface RunResult {
  seconds: number;
  rss: number; // peak resident set, KiB
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

function peakRss(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Runs `bin args` with the file at inputPath on stdin; samples the peak RSS until it exits. */
export function runProcess(bin: string, args: string[], inputPath: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    let rss = 0;
    const timer = setInterval(() => {
      rss = Math.max(rss, peakRss(child.pid as number));
    }, 5);
    child.stdout.on("data", (d: Buffer) => {
      out.push(d);
      rss = Math.max(rss, peakRss(child.pid as number));
    });
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("exit", (code) => {
      clearInterval(timer);
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      resolve({ seconds, rss, code, stdout: Buffer.concat(out), stderr: err });
    });
    createReadStream(inputPath).pipe(child.stdin);
  });
}

/** Milliseconds from spawn to a complete getinfo reply chunk, over `runs` fresh processes. */
export async function timeToGetinfo(bin: string, script: string, runs: number): Promise<{ median: number; p95: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    times.push(
      await new Promise<number>((resolve, reject) => {
        const start = process.hrtime.bigint();
        const child = spawn(bin, [script], { stdio: ["pipe", "pipe", "inherit"] });
        let got = Buffer.alloc(0);
        child.on("error", reject);
        child.stdout.on("data", (d: Buffer) => {
          got = Buffer.concat([got, d]);
          const header = /^chunked 1\.0,(\d+),(\d+)\n/.exec(got.toString("latin1"));
          if (header && got.length >= header[0].length + Number(header[1]) + Number(header[2])) {
            resolve(Number(process.hrtime.bigint() - start) / 1e6);
            child.stdin.end();
          }
        });
        child.stdin.write(getinfoChunk(["mode=stats"]));
      }),
    );
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)], p95: times[Math.min(runs - 1, Math.ceil(runs * 0.95) - 1)] };
}
