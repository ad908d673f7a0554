/**
 * The getinfo request, normalised. Real splunkd sends times as strings and a percent-encoded
 * search; recorders and older versions send numbers and plain text, in any key order.
 */
import { ProtocolError } from "./framing";

export interface SearchInfo {
  args: string[];
  rawArgs: string[];
  command: string;
  search: string;
  earliestTime: number;
  latestTime: number;
  maxResultRows: number;
  sid: string;
  app: string;
  owner: string;
  username: string;
  splunkVersion: string;
  dispatchDir: string;
  splunkdUri: string;
  sessionKey: string;
}

export interface GetInfoRequest {
  preview: boolean;
  searchInfo: SearchInfo;
}

/** What a command declares in its getinfo reply (keys as splunkd spells them). */
export interface CommandInfo {
  type: "streaming" | "stateful" | "events" | "reporting";
  required_fields?: string[];
  streaming_preop?: string;
  generating?: boolean;
  maxinputs?: number;
  run_in_preview?: boolean;
}

export function parseGetInfo(meta: { [key: string]: unknown }): GetInfoRequest {
  const raw = meta.searchinfo;
  if (raw === undefined || raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    throw new ProtocolError("getinfo request has no searchinfo object");
  }
  const info = raw as { [key: string]: unknown };
  return {
    preview: meta.preview === true,
    searchInfo: {
      args: stringList(info.args, "args"),
      rawArgs: stringList(info.raw_args === undefined ? info.args : info.raw_args, "raw_args"),
      command: text(info.command),
      search: decodeSearch(text(info.search)),
      earliestTime: number(info.earliest_time),
      latestTime: number(info.latest_time),
      maxResultRows: number(info.maxresultrows) || 50000,
      sid: text(info.sid),
      app: text(info.app),
      owner: text(info.owner),
      username: text(info.username),
      splunkVersion: text(info.splunk_version),
      dispatchDir: text(info.dispatch_dir),
      splunkdUri: text(info.splunkd_uri),
      sessionKey: text(info.session_key),
    },
  };
}

/** splunkd percent-encodes the search (no spaces survive encoding); recorders store it decoded. */
function decodeSearch(search: string): string {
  if (/\s/.test(search)) return search;
  try {
    return decodeURIComponent(search);
  } catch (err) {
    return search;
  }
}

function stringList(value: unknown, name: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) {
    throw new ProtocolError(`getinfo searchinfo.${name} is not a list of strings`);
  }
  return value as string[];
}

function text(value: unknown): string {
  return typeof value === "string" ? value : value === undefined || value === null ? "" : String(value);
}

function number(value: unknown): number {
  const n = typeof value === "number" ? value : parseFloat(text(value));
  return isFinite(n) ? n : 0;
}
