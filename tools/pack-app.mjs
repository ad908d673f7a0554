// Packs a staged app into <outDir>/<id>-<version>.tar.gz, byte-identical from one build to the next:
// entries in a fixed tree order, one top folder, fixed mtimes, uid/gid 0 without names, modes set
// here (never taken from the disk), gzip header with mtime 0 and OS "unknown".
import { lstatSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";
import { APP_ID } from "./render-app-conf.mjs";
import { isExecutable } from "./stage-app.mjs";

/** SOURCE_DATE_EPOCH when set (reproducible-builds convention), else 2020-04-15T00:00:00Z. */
export function packageMtime() {
  const env = process.env.SOURCE_DATE_EPOCH;
  const seconds = env && /^\d+$/.test(env) ? Number(env) : 1586908800;
  return new Date(seconds * 1000);
}

/** Byte order of UTF-8 names, so the order does not depend on locale. */
function byBytes(a, b) {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Depth-first, each directory before its children, siblings in byte order. */
function collect(dir, rel, out) {
  for (const name of readdirSync(dir).sort(byBytes)) {
    const full = path.join(dir, name);
    const childRel = `${rel}/${name}`;
    const stat = lstatSync(full);
    if (stat.isSymbolicLink()) throw new Error(`symbolic link in the staged app: ${childRel}`);
    if (stat.isDirectory()) {
      out.push({ rel: childRel, type: "directory" });
      collect(full, childRel, out);
    } else {
      out.push({ rel: childRel, type: "file", data: readFileSync(full) });
    }
  }
  return out;
}

async function tarBuffer(entries, mtime) {
  const pack = tar.pack();
  const chunks = [];
  const done = new Promise((resolve, reject) => {
    pack.on("data", (c) => chunks.push(c));
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  for (const e of entries) {
    const inApp = e.rel.slice(APP_ID.length + 1); // path below the top folder
    const header = { name: e.rel, mtime, uid: 0, gid: 0, uname: "", gname: "", type: e.type };
    if (e.type === "directory") {
      // tar-stream leaves the name as given; directories conventionally end in "/" (as GNU tar writes).
      pack.entry({ ...header, name: e.rel + "/", mode: 0o755 });
    } else {
      const mode = isExecutable(inApp, e.data.subarray(0, 4)) ? 0o755 : 0o644;
      pack.entry({ ...header, mode, size: e.data.length }, e.data);
    }
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/**
 * @param {{ root: string, stagedDir: string, outDir?: string, platform?: string, level?: number }} options
 *   outDir defaults to <root>/dist; platform names a package with a bundled node
 *   (<id>-<version>-<platform>.tar.gz); level is gzip's, 9 unless given.
 * @returns {Promise<string>} the tarball's path
 */
export async function packApp({ root, stagedDir, outDir, platform, level = 9 }) {
  const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
  if (path.basename(stagedDir) !== APP_ID) throw new Error(`staged folder must be named ${APP_ID}: ${stagedDir}`);
  const entries = [{ rel: APP_ID, type: "directory" }, ...collect(stagedDir, APP_ID, [])];
  const gz = gzipSync(await tarBuffer(entries, packageMtime()), { level });
  gz[9] = 0xff; // OS byte: zlib writes the build platform's code; "unknown" keeps it the same everywhere
  const dest = outDir || path.join(root, "dist");
  mkdirSync(dest, { recursive: true });
  const tarball = path.join(dest, `${APP_ID}-${version}${platform ? `-${platform}` : ""}.tar.gz`);
  writeFileSync(tarball, gz);
  return tarball;
}
