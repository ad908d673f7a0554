/**
 * Runs the bundled command (app/bin/ekspodscan.js) as splunkd does: a child process fed on stdin,
 * answering on stdout, logging on stderr. A guard kills a child that does not exit in time, so a
 * hang fails the test instead of stalling it.
 */
import { execFileSync } from "child_process";
import { existsSync } from "fs";
import * as path from "path";
import { runLauncher, splunkWithOwnNode } from "./launcher";
import { NODE8, REPO_ROOT } from "./paths";
import { ProcessResult, RunOptions, runArgv } from "./spawn-run";

export { ProcessResult, RunOptions } from "./spawn-run";
export { NODE8, REPO_ROOT } from "./paths";

export const BUNDLE = path.join(REPO_ROOT, "app", "bin", "ekspodscan.js");

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

/** A suite's before hook that builds the bundle and installs node 8.17 when either is missing. */
export function needBundleAndNode8(): void {
  before(function () {
    this.timeout(300000);
    ensureBundle();
    ensureNode8();
  });
}

/** Spawns `node bundle`, writes `input`, ends stdin (unless keepOpen) and waits for the exit. */
export function runBundle(node: string, input: Buffer, options: RunOptions = {}): Promise<ProcessResult> {
  return runArgv([node, BUNDLE], input, { cwd: path.dirname(BUNDLE), ...options });
}

export const NODES: Array<{ name: string; path: string }> = [
  { name: `node ${process.version}`, path: process.execPath },
  { name: "node v8.17.0", path: NODE8 },
];

/** The launcher's own line in search.log, left out when stderr is compared. */
const RUNTIME_LINE = /^ekspodscan: runtime: .*\n/;

/**
 * Runs the same input under every node, then as splunkd starts it (python3 bin/ekspodscan.py from
 * the unpacked package, Splunk's node being node 8.17, no node on PATH); stdout, exit code and
 * stderr's first line must agree.
 */
export async function runOnEveryNode(input: Buffer, options: RunOptions = {}): Promise<ProcessResult> {
  const results: ProcessResult[] = [];
  const names: string[] = [];
  for (const node of NODES) {
    names.push(node.name);
    results.push(await runBundle(node.path, input, options));
  }
  names.push("bin/ekspodscan.py on node v8.17.0");
  const launched = await runLauncher(splunkWithOwnNode(), input, options);
  results.push({ ...launched, stderr: launched.stderr.replace(RUNTIME_LINE, "") });
  results.forEach((result, i) => {
    if (result.timedOut) throw new Error(`${names[i]}: the command did not exit (hang); stderr: ${result.stderr}`);
  });
  const [first, ...others] = results;
  others.forEach((other, i) => {
    const name = names[i + 1];
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
