/**
 * Start-up: spawn to getinfo reply, for the bundle under bare node, and through bin/ekspodscan.py
 * as splunkd starts it (python3, from the unpacked package, in an environment built from nothing):
 * with Splunk's own node 8.17, and with the node the linux-x64 package bundles.
 */
import { execFileSync } from "child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "fs";
import { tmpdir } from "os";
import path from "path";
import { timeToGetinfo } from "./measure";

export interface StartupRow {
  label: string;
  median: number | null; // ms; null when skipped
  p95: number | null;
  through: "bare" | "launcher";
  note?: string;
}

function unpack(tarball: string, splunkNode?: string): { home: string; launcher: string; emptyPath: string; root: string } {
  const root = mkdtempSync(path.join(tmpdir(), "ekspodscan-startup-"));
  const home = path.join(root, "splunk");
  mkdirSync(path.join(home, "etc", "apps"), { recursive: true });
  mkdirSync(path.join(home, "bin"));
  mkdirSync(path.join(root, "path"));
  execFileSync("tar", ["xzf", tarball, "-C", path.join(home, "etc", "apps")]);
  if (splunkNode) symlinkSync(splunkNode, path.join(home, "bin", "node"));
  return { home, launcher: path.join(home, "etc", "apps", "eks_pod_scan", "bin", "ekspodscan.py"), emptyPath: path.join(root, "path"), root };
}

export async function measureStartup(root: string, bundle: string, node8: string, runs: number): Promise<StartupRow[]> {
  const pkg = require(path.join(root, "package.json"));
  const small = path.join(root, "dist", `eks_pod_scan-${pkg.version}.tar.gz`);
  const linux = path.join(root, "dist", `eks_pod_scan-${pkg.version}-linux-x64.tar.gz`);
  const python = execFileSync("python3", ["-c", "import sys; print(sys.executable)"]).toString().trim();
  const rows: StartupRow[] = [];
  const bare = async (label: string, bin: string) => {
    if (!existsSync(bin)) return rows.push({ label, median: null, p95: null, through: "bare", note: `${bin} is missing` });
    rows.push({ label, ...(await timeToGetinfo(bin, bundle, runs)), through: "bare" });
  };
  const launched = async (label: string, tarball: string, splunkNode?: string) => {
    if (!existsSync(tarball) || (splunkNode && !existsSync(splunkNode))) {
      return rows.push({ label, median: null, p95: null, through: "launcher", note: `${path.basename(tarball)} (npm run build -- --with-node linux-x64) or node 8.17 is missing` });
    }
    const fake = unpack(tarball, splunkNode);
    try {
      const env = { SPLUNK_HOME: fake.home, PATH: fake.emptyPath };
      rows.push({ label, ...(await timeToGetinfo(python, fake.launcher, runs, env)), through: "launcher" });
    } finally {
      rmSync(fake.root, { recursive: true, force: true });
    }
  };
  await bare(`node ${process.version}`, process.execPath);
  await bare("node v8.17.0", node8);
  await launched("bin/ekspodscan.py -> Splunk's node v8.17.0", small, node8);
  await launched(`bin/ekspodscan.py -> bundled node v${pkg.eksPodScan.bundledNode}`, linux);
  return rows;
}
