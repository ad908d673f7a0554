/**
 * Installs or updates the app through splunkd's REST API (POST /services/apps/local).
 *
 * apps/local cannot receive the package's bytes: with filename=true, `name` is a path to the
 * package on the Splunk server's own filesystem; update=true overwrites an installed app; with
 * filename=true splunkd also wants explicit_appname. (Splunk Cloud does not offer this endpoint.)
 */
import { explainFailure, SplunkError } from "./errors";
import { appExists, type SplunkSession } from "./session";

export interface DeployResult {
  app: string;
  /** The app's version after the install, when known. */
  version?: string;
  /** Where it went: a directory or splunkd's URL. */
  location: string;
  /** false for a first install. */
  updated: boolean;
  restartNeeded: boolean;
  /** Why a restart is (not) needed, for the operator. */
  restartReason: string;
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

export async function deployOverRest(session: SplunkSession, serverPackagePath: string): Promise<DeployResult> {
  const app = session.connection.app;
  const url = session.connection.url.origin;
  checkServerPackagePath(serverPackagePath);
  const existed = await appExists(session, app);
  const commandsBefore = existed ? await appCommands(session) : "";
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
  const commandsAfter = await appCommands(session);
  const splunkdWantsRestart = await restartRequired(session);
  const commandsChanged = commandsBefore !== commandsAfter;
  return {
    app,
    version,
    location: url,
    updated: existed,
    restartNeeded: commandsChanged || splunkdWantsRestart,
    restartReason: commandsChanged
      ? "commands.conf changed"
      : splunkdWantsRestart
        ? "splunkd reports restart_required"
        : "commands.conf unchanged and splunkd does not ask for one",
  };
}

/** The app's own commands.conf stanzas as splunkd reports them, in a comparable form. */
async function appCommands(session: SplunkSession): Promise<string> {
  const app = session.connection.app;
  let data: unknown;
  try {
    data = (await session.service.get("configs/conf-commands", { count: 0 })).data;
  } catch (failure) {
    const explained = explainFailure(failure, { url: session.connection.url.origin, doing: "reading commands.conf" });
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
