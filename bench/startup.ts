/**
 * Start-up: spawn to getinfo reply, for the bundle under bare node, and through bin/ekspodscan.py
 * as splunkd starts it (python3, from the unpacked package, in an environment built from nothing):
 * with Splunk's own node 8.17, and with the node the linux-x64 package bundles. The install is the
 * launcher tests' fake $SPLUNK_HOME (test/support/launcher.ts).
 */
import { existsSync, rmSync } from "fs";
import path from "path";
import { LINUX_PACKAGE, PYTHON, SMALL_PACKAGE, fakeSplunk } from "../test/support/launcher";
import { timeToGetinfo } from "./measure";

export interface StartupRow {
  label: string;
  median: number | null; // ms; null when skipped
  p95: number | null;
  through: "bare" | "launcher";
  note?: string;
}

export async function measureStartup(root: string, bundle: string, node8: string, runs: number): Promise<StartupRow[]> {
  const pkg = require(path.join(root, "package.json"));
  const rows: StartupRow[] = [];
  const bare = async (label: string, bin: string) => {
    if (!existsSync(bin)) return rows.push({ label, median: null, p95: null, through: "bare", note: `${bin} is missing` });
    rows.push({ label, ...(await timeToGetinfo(bin, bundle, runs)), through: "bare" });
  };
  const launched = async (label: string, tarball: string, splunkNode?: string) => {
    if (!existsSync(tarball) || (splunkNode && !existsSync(splunkNode))) {
      return rows.push({ label, median: null, p95: null, through: "launcher", note: `${path.basename(tarball)} (npm run build -- --with-node linux-x64) or node 8.17 is missing` });
    }
    const splunk = fakeSplunk(tarball, splunkNode);
    try {
      const env = { SPLUNK_HOME: splunk.home, PATH: splunk.emptyPath };
      rows.push({ label, ...(await timeToGetinfo(PYTHON, splunk.launcher, runs, env)), through: "launcher" });
    } finally {
      rmSync(path.dirname(splunk.home), { recursive: true, force: true });
    }
  };
  await bare(`node ${process.version}`, process.execPath);
  await bare("node v8.17.0", node8);
  await launched("bin/ekspodscan.py -> Splunk's node v8.17.0", SMALL_PACKAGE, node8);
  await launched(`bin/ekspodscan.py -> bundled node v${pkg.eksPodScan.bundledNode}`, LINUX_PACKAGE);
  return rows;
}
