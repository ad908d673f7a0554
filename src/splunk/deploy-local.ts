/**
 * Installs or updates the app on this host by unpacking its package into $SPLUNK_HOME/etc/apps.
 *
 * The package is untrusted input: only plain files and directories under one top-level folder
 * named after the app are accepted (no absolute paths, no "..", no links or devices, no
 * duplicates), file modes are reduced to rwxr-xr-x at most, and sizes are capped. It is unpacked
 * into a staging folder next to the app and swapped in only when complete; an update keeps the
 * operator's local/ folder and metadata/local.meta, as Splunk's own app update does.
 */
import { cpSync, createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import tar from "tar-stream";
import { readSetting } from "./conf-edit";
import type { DeployResult } from "./deploy-rest";
import { SplunkError } from "./errors";
import { changedFiles, reloadHow } from "./take-effect";

export const MAX_PACKAGE_BYTES = 256 * 1024 * 1024;
export const MAX_PACKAGE_ENTRIES = 20_000;

/** Operator state inside an installed app that an update must keep. */
const KEPT_ON_UPDATE = ["local", path.join("metadata", "local.meta")];
const isKept = (relative: string) => relative.startsWith("local/") || relative === "metadata/local.meta";

function rejected(packagePath: string, why: string): SplunkError {
  return new SplunkError("refused", `refusing to unpack ${packagePath}: ${why}`);
}

/** The entry's path below the app folder ("" for the folder itself), or a rejection. */
export function safeEntryPath(name: string, app: string, packagePath: string): string {
  const trimmed = name.endsWith("/") ? name.slice(0, -1) : name;
  if (trimmed === "" || /[\u0000\\]/.test(trimmed)) throw rejected(packagePath, `entry ${JSON.stringify(name)} has an invalid name`);
  if (trimmed.startsWith("/") || /^[A-Za-z]:/.test(trimmed)) throw rejected(packagePath, `entry ${JSON.stringify(name)} is an absolute path`);
  const segments = trimmed.split("/");
  if (segments.some((s) => s === ".." || s === "." || s === "")) {
    throw rejected(packagePath, `entry ${JSON.stringify(name)} is not a plain relative path`);
  }
  if (segments[0] !== app) throw rejected(packagePath, `entry ${JSON.stringify(name)} is outside the app folder '${app}/'`);
  return segments.slice(1).join("/");
}

/** Unpacks the package's app folder into `stagingDir` (which must not exist yet). */
export async function unpackApp(packagePath: string, app: string, stagingDir: string): Promise<void> {
  mkdirSync(stagingDir, { recursive: false, mode: 0o755 });
  const extract = tar.extract();
  const seen = new Set<string>();
  let totalBytes = 0;
  const unpacking = (async () => {
    for await (const entry of extract) {
      const header = entry.header;
      if (seen.size >= MAX_PACKAGE_ENTRIES) throw rejected(packagePath, `more than ${MAX_PACKAGE_ENTRIES} entries`);
      const relative = safeEntryPath(header.name, app, packagePath);
      if (seen.has(relative)) throw rejected(packagePath, `entry ${JSON.stringify(header.name)} appears twice`);
      seen.add(relative);
      const target = path.join(stagingDir, relative);
      if (header.type === "directory") {
        mkdirSync(target, { recursive: true, mode: 0o755 });
        entry.resume();
        continue;
      }
      if (header.type !== "file") {
        throw rejected(packagePath, `entry ${JSON.stringify(header.name)} is a ${header.type}; only files and directories are allowed`);
      }
      totalBytes += header.size;
      if (totalBytes > MAX_PACKAGE_BYTES) throw rejected(packagePath, `more than ${MAX_PACKAGE_BYTES} bytes unpacked`);
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o755 });
      // Owner may always read and write; nobody else may write; no setuid/setgid/sticky.
      writeFileSync(target, Buffer.concat(chunks), { flag: "wx", mode: (header.mode & 0o755) | 0o600 });
    }
  })();
  try {
    await Promise.all([pipeline(createReadStream(packagePath), createGunzip(), extract), unpacking]);
  } catch (error) {
    if (error instanceof SplunkError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !existsSync(packagePath)) throw new SplunkError("input", `--package: ${packagePath} does not exist`);
    throw rejected(packagePath, `it is not a readable .tar.gz (${(error as Error).message})`);
  }
  if (!existsSync(path.join(stagingDir, "default", "app.conf"))) throw rejected(packagePath, `it has no ${app}/default/app.conf`);
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

function appVersion(appDir: string): string | undefined {
  const appConf = readIfExists(path.join(appDir, "default", "app.conf")) || "";
  return readSetting(appConf, "launcher", "version") || readSetting(appConf, "id", "version");
}

/** Unpacks the package into SPLUNK_HOME/etc/apps/<app>, replacing an installed copy. */
export async function deployToSplunkHome(packagePath: string, splunkHome: string, app: string): Promise<DeployResult> {
  const appsDir = path.join(splunkHome, "etc", "apps");
  if (!existsSync(appsDir) || !statSync(appsDir).isDirectory()) {
    throw new SplunkError("input", `--splunk-home: ${splunkHome} has no etc/apps folder`);
  }
  const appDir = path.join(appsDir, app);
  const unique = `${process.pid}-${Date.now().toString(36)}`;
  const staging = path.join(appsDir, `.${app}.staging-${unique}`);
  const previous = path.join(appsDir, `.${app}.previous-${unique}`);
  try {
    await unpackApp(packagePath, app, staging);
    const existed = existsSync(appDir);
    // splunkd finds an app that is new on disk only when it starts: then every file it reads waits for that.
    const changes = changedFiles(appDir, staging, isKept).map((c) => (existed || c.effect === "nothing" ? c : { ...c, effect: "restart" as const }));
    if (existed) {
      // Copy (not move) the operator's files, so a failure before the swap leaves the app as it was.
      for (const kept of KEPT_ON_UPDATE) {
        const from = path.join(appDir, kept);
        if (!existsSync(from)) continue;
        rmSync(path.join(staging, kept), { recursive: true, force: true });
        cpSync(from, path.join(staging, kept), { recursive: true, preserveTimestamps: true });
      }
      renameSync(appDir, previous);
      try {
        renameSync(staging, appDir);
      } catch (error) {
        renameSync(previous, appDir);
        throw error;
      }
      rmSync(previous, { recursive: true, force: true });
    } else {
      renameSync(staging, appDir);
    }
    const restarts = changes.filter((c) => c.effect === "restart").map((c) => c.path);
    const reloads = changes.filter((c) => c.effect === "reload").map((c) => c.path);
    const restartNeeded = !existed || restarts.length > 0;
    return {
      app,
      version: appVersion(appDir),
      location: appDir,
      updated: existed,
      changes,
      restartNeeded,
      restartReason: !existed ? "a new app: splunkd loads it when it starts" : restartNeeded ? `${restarts.join(", ")} changed` : undefined,
      reload:
        reloads.length === 0 ? "no" : restartNeeded ? "no (the restart reloads every conf)" : `yes (${reloads.join(", ")} changed): ${reloadHow(app)}`,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
