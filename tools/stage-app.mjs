// Placeholder until the app-package work lands: stages nothing but the bundle.
import { mkdirSync, copyFileSync } from "node:fs";
import path from "node:path";
export async function stageApp({ root, commandBundle }) {
  const dir = path.join(root, "dist", "eks_pod_scan");
  mkdirSync(path.join(dir, "bin"), { recursive: true });
  copyFileSync(commandBundle, path.join(dir, "bin", "ekspodscan.js"));
  return dir;
}
