// eks_pod_scan-<version>-<platform>.tar.gz: the app plus bin/node/<platform>/ (node, its LICENSE and
// a README.txt naming the release and its source), where bin/ekspodscan.py looks first after the
// settings. Staged in a scratch folder that is removed once packed (the node binary is ~150 MB).
import { appendFileSync, chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { bundledNodeVersion, nodeRuntimeFiles } from "./node-runtime.mjs";
import { packApp } from "./pack-app.mjs";
import { stageApp } from "./stage-app.mjs";

/**
 * AppInspect's check_for_binary_files_without_source_code fails a binary unless a README names it
 * under a "# Binary File Declaration" heading (it then becomes a manual check).
 */
function binaryDeclaration(platform, exe, version) {
  return [
    "",
    "# Binary File Declaration",
    "",
    `- \`bin/node/${platform}/${exe}\`: Node.js v${version} for ${platform}, unmodified, the runtime of the`,
    "  `ekspodscan` command (`bin/ekspodscan.py` starts it). Source code:",
    `  https://github.com/nodejs/node/tree/v${version}. Its license, provenance and npm integrity are in`,
    `  \`bin/node/${platform}/LICENSE\` and \`bin/node/${platform}/README.txt\`.`,
    "",
  ].join("\n");
}

/**
 * @param {{ root: string, platform: string, commandBundle: string, outDir?: string }} options
 * @returns {Promise<string>} the tarball's path
 */
export async function packWithNode({ root, platform, commandBundle, outDir }) {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const files = await nodeRuntimeFiles(root, platform, bundledNodeVersion(pkg));
  const dest = outDir || path.join(root, "dist");
  const scratch = path.join(dest, `.staging-${platform}`);
  try {
    const staged = await stageApp({ root, commandBundle, outDir: scratch });
    const runtimeDir = path.join(staged, "bin", "node", platform);
    mkdirSync(runtimeDir, { recursive: true });
    for (const [name, data] of files) {
      writeFileSync(path.join(runtimeDir, name), data);
      chmodSync(path.join(runtimeDir, name), name.startsWith("node") ? 0o755 : 0o644);
    }
    appendFileSync(path.join(staged, "README.md"), binaryDeclaration(platform, [...files.keys()][0], bundledNodeVersion(pkg)));
    // gzip -6: 50.6 MB in 7 s for the linux node, where -9 saves 0.2 MB for 13 s more.
    return await packApp({ root, stagedDir: staged, outDir: dest, platform, level: 6 });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
