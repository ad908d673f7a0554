/**
 * Installs or updates the app through splunkd's REST API (POST /services/apps/local).
 *
 * apps/local cannot receive the package's bytes: with filename=true, `name` is a path to the
 * package on the Splunk server's own filesystem; update=true overwrites an installed app; with
 * filename=true splunkd also wants explicit_appname. (Splunk Cloud does not offer this endpoint.)
 */
import { explainFailure, SplunkError } from "./errors";
import { appExists, type SplunkSession } from "./session";
import type { Effect, FileChange } from "./take-effect";

export interface DeployResult {
  app: string;
  /** The app's version after the install, when known. */
  version?: string;
  /** Where it went: a directory or splunkd's URL. */
  location: string;
  /** false for a first install. */
  updated: boolean;
  /** Every file (over REST: every conf splunkd reports) that changed, and what makes it take effect. */
  changes: FileChange[];
  restartNeeded: boolean;
  /** Why a restart is needed. */
  restartReason?: string;
  /** The closing word on reloads, e.g. "yes (default/macros.conf changed): POST ...". */
  reload: string;
}

/** A server-side path: absolute POSIX or Windows, ending like a Splunk app package. */
export function checkServerPackagePath(path: string): string {
  if (!/^(\/|[A-Za-z]:[\\/])/.test(path)) {
    throw new SplunkError("input", `--package: ${JSON.stringify(path)} must be an absolute path on the Splunk server`);
  }
  if (!/\.(tar\.gz|tgz|spl)$/i.test(path)) {
    throw new SplunkError("input", `--package: ${JSON.stringify(path)} is not a .tar.gz, .tgz or .spl package`);
  }
  if (/[\u0000-\u001f\u007f]/.test(path)) throw new SplunkError("input", "--package: the path contains control characters");
  return path;
}

/** The confs splunkd reports per app that this app ships, and what makes a change to each take effect. */
const REPORTED_CONFS: Array<[string, Effect]> = [
  ["commands", "restart"], // splunkd reads commands.conf at start, even for an app it installs
  ["macros", "in-effect"],
  ["savedsearches", "in-effect"],
];

export async function deployOverRest(session: SplunkSession, serverPackagePath: string): Promise<DeployResult> {
  const app = session.connection.app;
  const url = session.connection.url.origin;
  checkServerPackagePath(serverPackagePath);
  const existed = await appExists(session, app);
  const before = existed ? await reportedConfs(session) : REPORTED_CONFS.map(() => "");
  let version: string | undefined;
  try {
    const installed = await session.service.apps().create({
      name: serverPackagePath,
      filename: true,
      update: true,
      explicit_appname: app,
    });
    const reported = installed.properties().version;
    version = typeof reported === "string" && reported !== "" ? reported : undefined;
  } catch (failure) {
    throw explainFailure(failure, {
      url,
      doing: `installing ${serverPackagePath} as app '${app}'`,
      notFound: `splunkd could not install ${serverPackagePath} (404)`,
    });
  }
  const after = await reportedConfs(session);
  const changes: FileChange[] = [];
  REPORTED_CONFS.forEach(([conf, effect], i) => {
    if (before[i] === after[i]) return;
    const change = before[i] === "" ? "added" : after[i] === "" ? "removed" : "changed";
    changes.push({ path: `${conf}.conf`, change, effect });
  });
  const splunkdWantsRestart = await restartRequired(session);
  const commandsChanged = changes.some((c) => c.effect === "restart");
  return {
    app,
    version,
    location: url,
    updated: existed,
    changes,
    restartNeeded: commandsChanged || splunkdWantsRestart,
    restartReason: commandsChanged ? "commands.conf changed" : splunkdWantsRestart ? "splunkd reports restart_required" : undefined,
    reload: "no (splunkd loads the confs of an app it installs; bin/ takes effect at the next search)",
  };
}

async function reportedConfs(session: SplunkSession): Promise<string[]> {
  const confs: string[] = [];
  for (const [conf] of REPORTED_CONFS) confs.push(await appStanzas(session, conf));
  return confs;
}

/** The app's own stanzas of a conf as splunkd reports them, in a comparable form ("" for none). */
async function appStanzas(session: SplunkSession, conf: string): Promise<string> {
  const app = session.connection.app;
  let data: unknown;
  try {
    data = (await session.service.get(`configs/conf-${conf}`, { count: 0 })).data;
  } catch (failure) {
    const explained = explainFailure(failure, { url: session.connection.url.origin, doing: `reading ${conf}.conf` });
    if (explained.kind === "not-found") return "";
    throw explained;
  }
  const entries = (data && typeof data === "object" && Array.isArray((data as { entry?: unknown }).entry)
    ? (data as { entry: unknown[] }).entry
    : []) as Array<{ name?: unknown; content?: unknown; acl?: { app?: unknown } }>;
  const own = entries
    .filter((entry) => entry && entry.acl && entry.acl.app === app)
    .map((entry) => JSON.stringify([entry.name, sortedContent(entry.content)]))
    .sort();
  return own.join("\n");
}

function sortedContent(content: unknown): Array<[string, unknown]> {
  if (!content || typeof content !== "object") return [];
  // eai:* keys describe the request (ACL, attributes), not the stanza.
  return Object.entries(content as { [key: string]: unknown })
    .filter(([key]) => !key.startsWith("eai:"))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Whether splunkd has posted its restart_required message (GET /services/messages). */
async function restartRequired(session: SplunkSession): Promise<boolean> {
  try {
    const data = (await session.service.get("/services/messages", { count: 0 })).data as { entry?: Array<{ name?: unknown }> };
    return Array.isArray(data && data.entry) && data.entry!.some((entry) => entry && entry.name === "restart_required");
  } catch (failure) {
    throw explainFailure(failure, { url: session.connection.url.origin, doing: "reading splunkd's messages" });
  }
}
