/**
 * bin/ekspodscan.py as splunkd starts it: the package from dist/ unpacked into a fake
 * $SPLUNK_HOME/etc/apps, python3 running the launcher with an environment built from nothing
 * (SPLUNK_HOME, and a PATH that holds no node unless a test puts one there).
 */
import { execFileSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import * as path from "path";
import { ProcessResult, RunOptions, runArgv } from "./spawn-run";

import { NODE8, REPO_ROOT } from "./paths";

const VERSION: string = require("../../package.json").version;
export const SMALL_PACKAGE = path.join(REPO_ROOT, "dist", `eks_pod_scan-${VERSION}.tar.gz`);
export const LINUX_PACKAGE = path.join(REPO_ROOT, "dist", `eks_pod_scan-${VERSION}-linux-x64.tar.gz`);

/** The interpreter itself, not a shim: pyenv's python3 is a shell script that needs PATH. */
export const PYTHON = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();

export interface FakeSplunk {
  home: string;
  appDir: string;
  launcher: string;
  /** A folder for PATH that holds nothing, or what a test puts there. */
  emptyPath: string;
}

/** Builds the packages the way pretest does, when it has not. */
function ensurePackage(tarball: string): void {
  if (existsSync(tarball)) return;
  const args = tarball === LINUX_PACKAGE ? ["build.mjs", "--with-node", "linux-x64"] : ["build.mjs"];
  execFileSync(process.execPath, args, { cwd: REPO_ROOT, stdio: ["ignore", "inherit", "inherit"] });
}

/** A $SPLUNK_HOME with the package installed; bin/node links to `splunkNode` when given. */
export function fakeSplunk(tarball: string, splunkNode?: string): FakeSplunk {
  ensurePackage(tarball);
  const root = mkdtempSync(path.join(tmpdir(), "eks-splunk-"));
  const home = path.join(root, "splunk");
  mkdirSync(path.join(home, "etc", "apps"), { recursive: true });
  mkdirSync(path.join(home, "bin"));
  mkdirSync(path.join(root, "path"));
  // tar keeps the package's modes, as splunkd's installer does.
  execFileSync("tar", ["xzf", tarball, "-C", path.join(home, "etc", "apps")]);
  if (splunkNode) symlinkSync(splunkNode, path.join(home, "bin", "node"));
  const appDir = path.join(home, "etc", "apps", "eks_pod_scan");
  return { home, appDir, launcher: path.join(appDir, "bin", "ekspodscan.py"), emptyPath: path.join(root, "path") };
}

let withOwnNode: FakeSplunk | undefined;

/** One shared Splunk 8.x/10.0 stand-in: the small package, $SPLUNK_HOME/bin/node = node 8.17. */
export function splunkWithOwnNode(): FakeSplunk {
  if (!withOwnNode) withOwnNode = fakeSplunk(SMALL_PACKAGE, NODE8);
  return withOwnNode;
}

export interface LaunchOptions extends RunOptions {
  env?: NodeJS.ProcessEnv; // added to SPLUNK_HOME and PATH
}

/** Runs python3 bin/ekspodscan.py in a fresh dispatch-like folder, as splunkd does. */
export function runLauncher(splunk: FakeSplunk, input: Buffer, options: LaunchOptions = {}): Promise<ProcessResult> {
  const env = { SPLUNK_HOME: splunk.home, PATH: splunk.emptyPath, ...options.env };
  const cwd = mkdtempSync(path.join(tmpdir(), "eks-dispatch-"));
  return runArgv([PYTHON, splunk.launcher], input, { ...options, env, cwd });
}
