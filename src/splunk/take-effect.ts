/**
 * What makes a changed file of the app take effect in a running splunkd.
 *
 * - default/commands.conf: a restart ("restart Splunk after editing commands.conf", commands.conf.spec's
 *   header; see ../shared/reference/scp-v2-protocol.md).
 * - bin/: nothing; splunkd starts the command's script anew for every search (same source: a script
 *   edit needs no restart).
 * - every other .conf and metadata/*.meta: splunkd does not re-read a conf file edited on disk until
 *   it restarts or reloads it. The reload endpoints named here (POST /services/apps/local/<app>/_reload
 *   on splunkd, /debug/refresh in Splunk Web) are the ones the issue names and operators use; we
 *   found no page of Splunk's docs that lists which confs each reloads, so "or a restart" is always said.
 * - default/eks_pod_scan.conf: read by bin/ekspodscan.py when a search starts the command, never by
 *   splunkd, so like bin/ it takes effect at the next search.
 * - anything else (README, README/*.spec, static files): nothing splunkd reads.
 * Over REST, splunkd installs the package itself and serves the stanzas it loaded: a conf whose stanzas
 * changed as splunkd reports them is in effect already, except commands.conf.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

export type Effect = "restart" | "reload" | "next-search" | "nothing" | "in-effect";

export interface FileChange {
  /** Relative to the app folder, "/"-separated (over REST: the conf file's name). */
  path: string;
  change: "added" | "changed" | "removed";
  effect: Effect;
}

/** What makes a change to this app file take effect in a splunkd that has the app. */
export function effectOf(relativePath: string): Effect {
  if (relativePath === "default/commands.conf") return "restart";
  if (relativePath.startsWith("bin/") || relativePath === "default/eks_pod_scan.conf") return "next-search";
  if (/^default\/.*\.conf$/.test(relativePath) || /^metadata\/[^/]+\.meta$/.test(relativePath)) return "reload";
  if (relativePath.startsWith("default/data/")) return "reload"; // views and navigation
  return "nothing";
}

/** Relative paths of every file under dir, "/"-separated, sorted; [] when dir does not exist. */
function filesUnder(dir: string, prefix = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(path.join(dir, entry.name), `${prefix}${entry.name}/`) : [`${prefix}${entry.name}`]))
    .sort();
}

function digest(file: string): string {
  return createHash("sha256").update(readFileSync(file)).digest("hex");
}

/** The files that differ between an installed app folder and the one replacing it, skipping `kept`. */
export function changedFiles(before: string, after: string, kept: (relative: string) => boolean): FileChange[] {
  const old = new Set(filesUnder(before).filter((f) => !kept(f)));
  const now = filesUnder(after).filter((f) => !kept(f));
  const changes: FileChange[] = [];
  for (const file of now) {
    const change = !old.has(file) ? "added" : digest(path.join(before, file)) !== digest(path.join(after, file)) ? "changed" : undefined;
    if (change) changes.push({ path: file, change, effect: effectOf(file) });
    old.delete(file);
  }
  for (const file of old) changes.push({ path: file, change: "removed", effect: effectOf(file) });
  return changes.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

const EFFECT_TEXT: { [E in Effect]: string } = {
  restart: "takes effect after a restart of splunkd",
  reload: "takes effect after a reload or a restart",
  "next-search": "takes effect at the next search (splunkd starts the command anew for each one)",
  nothing: "nothing to do (splunkd does not read it)",
  "in-effect": "in effect (splunkd reports the new stanzas)",
};

/** One line per change: "changed default/savedsearches.conf: takes effect after a reload or a restart". */
export function changeLines(changes: FileChange[]): string {
  return changes.map((c) => `${c.change} ${c.path}: ${EFFECT_TEXT[c.effect]}\n`).join("");
}

/** How to reload an app on this host's splunkd, for the closing line. */
export function reloadHow(app: string): string {
  return `POST /services/apps/local/${app}/_reload to splunkd (https://localhost:8089 by default), or open /debug/refresh in Splunk Web`;
}
