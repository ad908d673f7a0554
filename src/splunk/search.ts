/**
 * Runs a saved search in the app: dispatch, wait for the job while reporting progress, read the
 * results (json_rows) as columns and rows.
 */
import { explainFailure, SplunkError } from "./errors";
import type { SdkJob } from "./sdk";
import { explainMissing, type SplunkSession } from "./session";

/**
 * The hunting search's saved-search name: the main stanza of the app's savedsearches.conf, which
 * the content renders as "EKS Pod Scan - <detection name> - Rule" (test/content-savedsearches
 * checks the two agree). The one place this name is written in src/.
 */
export const DEFAULT_SAVED_SEARCH = "EKS Pod Scan - Amazon EKS Kubernetes Pod scan detection - Rule";

export type Cell = string | string[];

export interface SearchRows {
  sid: string;
  columns: string[];
  rows: Cell[][];
}

export interface JobProgress {
  sid: string;
  dispatchState: string;
  /** 0..1 */
  doneProgress: number;
  scanCount: number;
  resultCount: number;
}

export interface SavedSearchRun {
  name: string;
  earliest: string;
  latest: string;
  /** Pause between job status reads. */
  pollIntervalMs: number;
  onProgress?: (progress: JobProgress) => void;
  /** Aborting cancels the job on splunkd. */
  signal?: AbortSignal;
}

export async function runSavedSearch(session: SplunkSession, run: SavedSearchRun): Promise<SearchRows> {
  const url = session.connection.url.origin;
  const savedSearch = new session.sdk.Service.SavedSearch(session.service, run.name, session.namespace);
  let job: SdkJob;
  try {
    [job] = await savedSearch.dispatch({
      "dispatch.earliest_time": run.earliest,
      "dispatch.latest_time": run.latest,
      // A hunt from the command line must not fire the search's alert or risk actions.
      trigger_actions: "0",
    });
  } catch (failure) {
    const explained = explainFailure(failure, { url, doing: `dispatching saved search '${run.name}'` });
    if (explained.kind === "not-found") throw await explainMissing(session, `saved search '${run.name}'`);
    throw explained;
  }
  await waitForJob(session, job, run);
  let data: unknown;
  try {
    [data] = await job.results({ count: 0, output_mode: "json_rows" });
  } catch (failure) {
    throw explainFailure(failure, { url, doing: `reading the results of job ${job.sid}` });
  }
  return { sid: job.sid, ...parseJsonRows(data, job.sid) };
}

async function waitForJob(session: SplunkSession, job: SdkJob, run: SavedSearchRun): Promise<void> {
  const url = session.connection.url.origin;
  for (;;) {
    if (run.signal && run.signal.aborted) {
      await job.cancel().catch(() => undefined);
      throw new SplunkError("server", `search job ${job.sid} cancelled`);
    }
    let content: { [key: string]: unknown };
    try {
      content = (await job.fetch()).properties();
    } catch (failure) {
      throw explainFailure(failure, { url, doing: `reading the status of job ${job.sid}` });
    }
    const progress: JobProgress = {
      sid: job.sid,
      dispatchState: String(content.dispatchState || "UNKNOWN"),
      doneProgress: Number(content.doneProgress) || 0,
      scanCount: Number(content.scanCount) || 0,
      resultCount: Number(content.resultCount) || 0,
    };
    if (run.onProgress) run.onProgress(progress);
    if (truthy(content.isFailed) || progress.dispatchState === "FAILED") {
      const said = jobMessages(content.messages);
      throw new SplunkError("server", `search job ${job.sid} failed${said.length > 0 ? `: ${said.join("; ")}` : ""}`);
    }
    if (truthy(content.isDone) || progress.dispatchState === "DONE") return;
    await sleep(run.pollIntervalMs, run.signal);
  }
}

function truthy(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "true";
}

/** A job's messages: [{type, text}] or {fatal: [..], error: [..]}, depending on the version. */
function jobMessages(messages: unknown): string[] {
  if (Array.isArray(messages)) {
    return messages.map((m) => (m && typeof m === "object" && typeof m.text === "string" ? m.text : "")).filter((t) => t !== "");
  }
  if (messages && typeof messages === "object") {
    const out: string[] = [];
    for (const [type, texts] of Object.entries(messages)) {
      if (Array.isArray(texts)) for (const text of texts) if (typeof text === "string") out.push(`${type}: ${text}`);
    }
    return out;
  }
  return [];
}

/** splunkd's json_rows: {fields: [name | {name}], rows: [[cell]]}, a cell being a string, an array (multivalue) or null. */
export function parseJsonRows(data: unknown, sid: string): { columns: string[]; rows: Cell[][] } {
  const body = (data && typeof data === "object" ? data : {}) as { fields?: unknown; rows?: unknown };
  if (!Array.isArray(body.fields) || (body.rows !== undefined && !Array.isArray(body.rows))) {
    // A search with no results may omit both.
    if (body.fields === undefined && body.rows === undefined) return { columns: [], rows: [] };
    throw new SplunkError("server", `the results of job ${sid} are not in json_rows form`);
  }
  const columns = body.fields.map((field) => (typeof field === "string" ? field : String((field as { name?: unknown }).name)));
  const rows = ((body.rows as unknown[]) || []).map((row) =>
    columns.map((_, i) => cellOf(Array.isArray(row) ? row[i] : undefined)),
  );
  return { columns, rows };
}

function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.map((v) => (v === null || v === undefined ? "" : String(v)));
  return String(value);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      if (signal) signal.removeEventListener("abort", done);
      resolve();
    }
    if (signal) signal.addEventListener("abort", done);
  });
}
