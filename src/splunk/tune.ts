/**
 * Sets the filter macro's definition, either in an app directory (local/macros.conf, offline) or
 * over REST in the app's namespace (owner nobody, which splunkd writes to the app's local/macros.conf).
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { unifiedDiff } from "./diff";
import { explainFailure, SplunkError } from "./errors";
import { FILTER_MACRO } from "./filter";
import { readSetting, readSettings, removeSetting, writeSetting } from "./conf-edit";
import { appExists, appMissingError, type SplunkSession } from "./session";

export interface CurrentFilter {
  /** undefined when no macros.conf defines the macro. */
  definition: string | undefined;
  /** Where it came from: a file path, or "splunkd". */
  source: string;
}

export interface TuneResult {
  /** The file or REST object changed (or that would be). */
  target: string;
  before: CurrentFilter;
  definition: string;
  changed: boolean;
  /** Unified diff of the change ("" when nothing changes). */
  diff: string;
  /** What else tune set in the macro's stanza, and why, for stderr. */
  notes: string[];
}

// ---- offline: an app directory -----------------------------------------------------------------

function checkAppDir(appDir: string): void {
  let isApp = false;
  try {
    isApp = statSync(path.join(appDir, "default")).isDirectory();
  } catch {
    isApp = false;
  }
  if (!isApp) throw new SplunkError("input", `${appDir} is not a Splunk app directory (no default/ folder)`);
}

function readIfExists(file: string): string | undefined {
  return existsSync(file) ? readFileSync(file, "utf8") : undefined;
}

/** The definition Splunk would use: local/macros.conf over default/macros.conf. */
export function currentFilterInAppDir(appDir: string): CurrentFilter {
  checkAppDir(appDir);
  for (const layer of ["local", "default"]) {
    const file = path.join(appDir, layer, "macros.conf");
    const text = readIfExists(file);
    const definition = text === undefined ? undefined : readSetting(text, FILTER_MACRO, "definition");
    if (definition !== undefined) return { definition, source: file };
  }
  return { definition: undefined, source: path.join(appDir, "default", "macros.conf") };
}

/** A conf boolean that is set and not false (Splunk reads 0/false/f/no/n as false). */
function isSetTrue(value: string | undefined): value is string {
  return value !== undefined && !/^(0|false|f|no|n)$/i.test(value);
}

const DISABLED_WHY = "a disabled filter macro breaks the saved searches";

/**
 * tune owns the filter's stanza: its definition is SPL, so iseval must be 0 (1 would run it as an
 * eval expression), and the macro must not be disabled. Settings in default/ are overridden in local/.
 */
function ownStanza(localText: string, defaultText: string, notes: string[]): string {
  let text = localText;
  const disabled = readSettings(text, FILTER_MACRO, "disabled");
  if (disabled.length > 0) {
    text = removeSetting(text, FILTER_MACRO, "disabled");
    notes.push(`removed ${disabled.map((value) => `disabled = ${value}`).join(", ")} (${DISABLED_WHY})`);
  }
  const defaultDisabled = readSetting(defaultText, FILTER_MACRO, "disabled");
  if (isSetTrue(defaultDisabled)) {
    text = writeSetting(text, FILTER_MACRO, "disabled", "0");
    notes.push(`set disabled = 0 (default/ disables the macro: ${DISABLED_WHY})`);
  }
  const localIseval = readSettings(text, FILTER_MACRO, "iseval");
  const iseval = localIseval.length > 0 ? localIseval[localIseval.length - 1] : readSetting(defaultText, FILTER_MACRO, "iseval");
  const alreadyOwned = localIseval.length === 1 && localIseval[0] === "0";
  if (!alreadyOwned && (localIseval.length > 0 || isSetTrue(iseval))) {
    text = writeSetting(removeSetting(text, FILTER_MACRO, "iseval"), FILTER_MACRO, "iseval", "0");
    if (isSetTrue(iseval)) notes.push(`set iseval = 0 (it was ${iseval}: the filter would run as an eval expression)`);
  }
  return text;
}

/** Writes the definition into DIR/local/macros.conf (unless dryRun), keeping everything else in it. */
export function tuneAppDir(appDir: string, definition: string, options: { dryRun: boolean }): TuneResult {
  const before = currentFilterInAppDir(appDir);
  const file = path.join(appDir, "local", "macros.conf");
  const oldText = readIfExists(file);
  const notes: string[] = [];
  const owned = ownStanza(oldText || "", readIfExists(path.join(appDir, "default", "macros.conf")) || "", notes);
  const newText = writeSetting(owned, FILTER_MACRO, "definition", definition);
  const changed = newText !== (oldText || "");
  const diff = unifiedDiff(oldText || "", newText, oldText === undefined ? "/dev/null" : "a/local/macros.conf", "b/local/macros.conf");
  if (changed && !options.dryRun) {
    mkdirSync(path.dirname(file), { recursive: true });
    // Write then rename, so Splunk never reads a half-written file.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, newText, { mode: 0o644 });
    renameSync(temporary, file);
  }
  return { target: file, before, definition, changed, diff, notes };
}

// ---- over REST ---------------------------------------------------------------------------------

function macroEntity(session: SplunkSession) {
  return new session.sdk.Service.ConfigurationStanza(session.service, "macros", FILTER_MACRO, session.namespace);
}

function restLabel(session: SplunkSession): string {
  return `${session.connection.url.origin} ${session.connection.app} macros/${FILTER_MACRO}`;
}

/** The macro as splunkd sees it in the app's namespace (GET .../configs/conf-macros/<macro>). */
export async function currentFilterOverRest(session: SplunkSession): Promise<CurrentFilter & { exists: boolean; iseval?: string; disabled?: string }> {
  try {
    const entity = await macroEntity(session).fetch();
    const { definition, iseval, disabled } = entity.properties();
    const text = (value: unknown) => (value === undefined || value === null ? undefined : String(value)); // disabled is a JSON boolean
    return { definition: typeof definition === "string" ? definition : "", source: "splunkd", exists: true, iseval: text(iseval), disabled: text(disabled) };
  } catch (failure) {
    const explained = explainFailure(failure, { url: session.connection.url.origin, doing: `reading macro ${FILTER_MACRO}` });
    if (explained.kind !== "not-found") throw explained;
    if (!(await appExists(session, session.connection.app))) throw appMissingError(session);
    return { definition: undefined, source: "splunkd", exists: false };
  }
}

/** Updates (or creates) the macro in the app's namespace unless dryRun. */
export async function tuneOverRest(session: SplunkSession, definition: string, options: { dryRun: boolean }): Promise<TuneResult> {
  const before = await currentFilterOverRest(session);
  // As in an app directory, tune owns the stanza: iseval = 0, and the macro enabled.
  const iseval = isSetTrue(before.iseval);
  const disabled = isSetTrue(before.disabled);
  const notes: string[] = [];
  if (disabled) notes.push(`enabled the macro (it was disabled: ${DISABLED_WHY})`);
  if (iseval) notes.push(`set iseval = 0 (it was ${before.iseval}: the filter would run as an eval expression)`);
  const changed = before.definition !== definition || iseval || disabled;
  const oldText =
    before.definition === undefined
      ? ""
      : `definition = ${before.definition}\n${iseval ? `iseval = ${before.iseval}\n` : ""}${disabled ? `disabled = ${before.disabled}\n` : ""}`;
  const label = restLabel(session);
  const newText = `definition = ${definition}\n${iseval ? "iseval = 0\n" : ""}`;
  const diff = unifiedDiff(oldText, newText, before.exists ? `a/${label}` : "/dev/null", `b/${label}`);
  if (changed && !options.dryRun) {
    const doing = `updating macro ${FILTER_MACRO}`;
    try {
      if (before.exists) {
        await macroEntity(session).update(iseval ? { definition, iseval: "0" } : { definition });
        // The configs/conf-<file> endpoints enable a stanza (POST .../<stanza>/enable, the SDK's
        // Entity.enable): https://help.splunk.com/en/splunk-enterprise/leverage-rest-apis/rest-api-tutorials/9.3/rest-api-tutorials/accessing-and-updating-splunk-enterprise-configurations
        if (disabled) await macroEntity(session).post("enable", {});
      } else await session.service.post(`configs/conf-macros`, { name: FILTER_MACRO, definition });
    } catch (failure) {
      throw explainFailure(failure, { url: session.connection.url.origin, doing });
    }
  }
  return { target: label, before, definition, changed, diff, notes };
}
