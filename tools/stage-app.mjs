// Stages the installable app in <outDir>/eks_pod_scan/: app/ (without dot-files or local/), the
// confs rendered from the YAML content and package.json, and the command bundle at bin/ekspodscan.js
// (run by node through bin/ekspodscan.py, so it is no executable of its own). On-disk modes are set as
// in the package (644; 755 for directories, for bin/ scripts that start with "#!" and for bin/
// executables such as a bundled node) so the staged folder can also be copied into etc/apps as is.
import { chmodSync, copyFileSync, existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadDetections, loadMacros } from "./content.mjs";
import { APP_ID, renderAppConf } from "./render-app-conf.mjs";
import { renderMacros } from "./render-macros.mjs";
import { renderSavedSearches } from "./render-savedsearches.mjs";

export const COMMAND_SCRIPT = "bin/ekspodscan.js";

/** Source entries never shipped: dot-files (.DS_Store, ._x, .git...), local settings, the bundle. */
function skipped(rel, name) {
  return name.startsWith(".") || name === "local" || name === "local.meta" || name === "__MACOSX" || rel === COMMAND_SCRIPT;
}

function copyTree(src, dest, rel) {
  mkdirSync(dest, { recursive: true });
  for (const name of readdirSync(src).sort()) {
    const childRel = rel ? `${rel}/${name}` : name;
    if (skipped(childRel, name)) continue;
    const from = path.join(src, name);
    const stat = lstatSync(from);
    if (stat.isSymbolicLink()) throw new Error(`symbolic links are not packaged: app/${childRel}`);
    if (stat.isDirectory()) copyTree(from, path.join(dest, name), childRel);
    else copyFileSync(from, path.join(dest, name));
  }
}

/** Magic numbers of what an OS runs itself: "#!", ELF, PE ("MZ"), Mach-O 64-bit and universal. */
const EXECUTABLE_MAGIC = ["2321", "7f454c46", "4d5a", "cffaedfe", "feedfacf", "cafebabe"];

/** True for a file under bin/ that the OS can run itself: a "#!" script or a native executable. */
export function isExecutable(relPath, firstBytes) {
  const hex = Buffer.from(firstBytes.subarray(0, 4)).toString("hex");
  return relPath.startsWith("bin/") && EXECUTABLE_MAGIC.some((magic) => hex.startsWith(magic));
}

function setModes(dir, rel) {
  chmodSync(dir, 0o755);
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const childRel = rel ? `${rel}/${name}` : name;
    if (lstatSync(full).isDirectory()) setModes(full, childRel);
    else chmodSync(full, isExecutable(childRel, readFileSync(full).subarray(0, 4)) ? 0o755 : 0o644);
  }
}

/**
 * @param {{ root: string, commandBundle: string, outDir?: string }} options outDir defaults to <root>/dist
 * @returns {Promise<string>} the staged app directory
 */
export async function stageApp({ root, commandBundle, outDir }) {
  const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  const bundle = readFileSync(commandBundle);
  if (isExecutable(COMMAND_SCRIPT, bundle)) {
    throw new Error(`${commandBundle} must not be an executable: bin/ekspodscan.py runs it with node`);
  }
  const rendered = {
    "default/app.conf": renderAppConf(pkg),
    "default/savedsearches.conf": renderSavedSearches({ detections: loadDetections(root), version: pkg.version }),
    "default/macros.conf": renderMacros({
      macros: loadMacros(root),
      detections: loadDetections(root),
      version: pkg.version,
    }),
  };
  const appSrc = path.join(root, "app");
  for (const rel of Object.keys(rendered)) {
    if (existsSync(path.join(appSrc, rel))) throw new Error(`app/${rel} is rendered at build time; remove the hand-written copy`);
  }

  const staged = path.join(outDir || path.join(root, "dist"), APP_ID);
  rmSync(staged, { recursive: true, force: true });
  copyTree(appSrc, staged, "");
  for (const [rel, text] of Object.entries(rendered)) {
    mkdirSync(path.dirname(path.join(staged, rel)), { recursive: true });
    writeFileSync(path.join(staged, rel), text);
  }
  mkdirSync(path.join(staged, "bin"), { recursive: true });
  writeFileSync(path.join(staged, COMMAND_SCRIPT), bundle);
  setModes(staged, "");
  return staged;
}
