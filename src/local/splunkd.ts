/**
 * A stand-in for splunkd running one search command over SCP v2, for local replay:
 *   1. start the command and send getinfo with the search's arguments;
 *   2. if it answers with a streaming_preop (a reporting command's map phase), start a second
 *      process with the pre-op's arguments, as splunkd does, and send it getinfo too;
 *   3. stream the events to the first phase in execute chunks of at most maxresultrows rows (only
 *      the required fields, plus _chunked_idx when that phase asked for fields itself), waiting for
 *      each reply before the next chunk, the last chunk marked finished;
 *   4. re-serialise each map reply as splunkd would (decode, encode with all __mv_ twins) and feed it to
 *      the reduce process, the last chunk marked finished;
 *   5. close stdin and expect a clean exit; the rows the last phase returned are the result.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { decodeCsv } from "../scp/csv";
import { Cell, Chunk, Table } from "../scp/types";
import { splitSearchArgs } from "./args";
import { CommandFailure, CommandProcess, CommandSpec, MessageSink } from "./command-process";
import { IndexedEvent } from "../ingest/event";
import { FieldSelection } from "../ingest/flatten";
import { ExecuteBody, Projection, executeBodies, selectionFor } from "./rows";
import { splunkdCsv } from "./splunkd-csv";

export const COMMAND_NAME = "ekspodscan";
export const MAX_RESULT_ROWS = 50000;

export interface SearchRun {
  command: CommandSpec;
  args: string[]; // the command's arguments as typed after its name, e.g. ["match=broad"]
  baseSearch: string; // what precedes the command in the search, for searchinfo.search
  maxResultRows?: number;
  onMessage: MessageSink;
  /** Opens the events once the command has said which fields it needs. */
  events(selection: FieldSelection): AsyncIterable<IndexedEvent[]>;
}

/** What getinfo told us about a phase. */
interface PhaseInfo {
  type: string;
  requiredFields: string[] | null;
  streamingPreop: string | null;
}

export interface Dispatch {
  sid: string;
  dir: string;
  search: string;
  maxResultRows: number;
}

/** The getinfo request as splunkd 8.2.1 sends it (times as strings, search percent-encoded). */
export function getinfoMeta(dispatch: Dispatch, args: string[], rawArgs: string[]): object {
  return {
    action: "getinfo",
    preview: false,
    streaming_command_will_restart: false,
    searchinfo: {
      args,
      raw_args: rawArgs,
      dispatch_dir: dispatch.dir,
      sid: dispatch.sid,
      app: "eks_pod_scan",
      owner: "admin",
      username: "admin",
      session_key: "",
      splunkd_uri: "https://127.0.0.1:8089",
      splunk_version: "8.2.1",
      search: encodeURIComponent(dispatch.search),
      command: COMMAND_NAME,
      maxresultrows: dispatch.maxResultRows,
      earliest_time: "0",
      latest_time: "0",
    },
  };
}

function phaseInfo(reply: Chunk, label: string): PhaseInfo {
  const meta = reply.meta;
  if (typeof meta.type !== "string") throw new CommandFailure(`${label} answered getinfo without a type: ${JSON.stringify(meta)}`);
  const required = meta.required_fields;
  return {
    type: meta.type,
    requiredFields: Array.isArray(required) ? required.map(String) : null,
    streamingPreop: typeof meta.streaming_preop === "string" ? meta.streaming_preop : null,
  };
}

function decodeReply(reply: Chunk): Table | null {
  return reply.body.length === 0 ? null : decodeCsv(reply.body.toString("utf8"));
}

/** Collects result rows across replies; a later reply may bring fields an earlier one lacked. */
class Results {
  fields: string[] = [];
  rows: Cell[][] = [];

  add(table: Table | null): void {
    if (!table) return;
    const slots = table.fields.map((name) => {
      const at = this.fields.indexOf(name);
      return at >= 0 ? at : this.fields.push(name) - 1;
    });
    for (const row of table.rows) {
      const out: Cell[] = [];
      slots.forEach((slot, i) => (out[slot] = row[i]));
      this.rows.push(out);
    }
  }

  table(): Table {
    const width = this.fields.length;
    const keep = this.fields.map((name, i) => (name === "_chunked_idx" ? -1 : i)).filter((i) => i >= 0);
    return {
      fields: keep.map((i) => this.fields[i]),
      rows: this.rows.map((row) => keep.map((i) => (i < width && row[i] !== undefined ? row[i] : ""))),
    };
  }
}

/** Sends a map phase's output on to the reduce phase in chunks of at most maxRows rows. */
async function forward(output: Table | null, reduce: CommandProcess, finished: boolean, maxRows: number, results: Results): Promise<void> {
  const rows = output ? output.rows : [];
  if (rows.length === 0 && !finished) return;
  if (rows.length === 0) {
    results.add(decodeReply(await reduce.request({ action: "execute", finished: true }, "")));
    return;
  }
  for (let start = 0; start < rows.length; start += maxRows) {
    const last = start + maxRows >= rows.length;
    const body = splunkdCsv((output as Table).fields, rows.slice(start, start + maxRows));
    results.add(decodeReply(await reduce.request({ action: "execute", finished: finished && last }, body)));
  }
}

export async function runSearch(run: SearchRun): Promise<Table> {
  const maxResultRows = run.maxResultRows || MAX_RESULT_ROWS;
  const sid = `${Math.floor(Date.now() / 1000)}.${process.pid}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), "eks-pod-scan-dispatch-"));
  const typed = `${COMMAND_NAME} ${run.args.join(" ")}`.trim();
  const dispatch: Dispatch = { sid, dir, search: `${run.baseSearch} | ${typed}`, maxResultRows };
  const processes: CommandProcess[] = [];
  let bodies: AsyncIterator<ExecuteBody> | null = null;
  const start = async (proc: CommandProcess, args: string[], rawArgs: string[]) => {
    processes.push(proc);
    const info = phaseInfo(await proc.request(getinfoMeta(dispatch, args, rawArgs)), proc.label);
    return { proc, info };
  };
  // The map phase's process is started with the first one, not once the first has answered getinfo:
  // node starts in both at once (one start less to wait for, 60-150 ms). It is killed unused when
  // the command turns out to have no streaming_preop; the requests each process gets are splunkd's.
  const spare = new CommandProcess(run.command, `${COMMAND_NAME} (map phase)`, run.onMessage);
  try {
    const typedArgs = splitSearchArgs(run.args.join(" "));
    const first = await start(new CommandProcess(run.command, COMMAND_NAME, run.onMessage), typedArgs.args, typedArgs.rawArgs);
    let streamTo = first;
    let reduce: CommandProcess | null = null;
    if (first.info.streamingPreop !== null) {
      const words = splitSearchArgs(first.info.streamingPreop);
      streamTo = await start(spare, words.args.slice(1), words.rawArgs.slice(1));
      reduce = first.proc;
    } else {
      spare.kill();
    }
    // splunkd sends a command that declares required_fields only those, plus _chunked_idx; for a
    // pre-op that declares none, the reporting command's required_fields still limit extraction.
    const own = streamTo.info.requiredFields;
    const projection: Projection = own
      ? { fields: own, chunkedIdx: true }
      : { fields: reduce ? first.info.requiredFields : null, chunkedIdx: false };

    const results = new Results();
    bodies = executeBodies(run.events(selectionFor(projection)), projection, maxResultRows)[Symbol.asyncIterator]();
    let next = bodies.next();
    for (;;) {
      const current = await next;
      if (current.done) break;
      const { body, finished } = current.value;
      // Read and encode the next chunk while the command works on this one (bounded: one chunk ahead).
      next = finished ? Promise.resolve({ done: true, value: undefined }) : bodies.next();
      next.catch(() => undefined);
      const reply = await streamTo.proc.request({ action: "execute", finished }, body);
      if (reduce) await forward(decodeReply(reply), reduce, finished, maxResultRows, results);
      else results.add(decodeReply(reply));
    }
    // splunkd closes the pre-op first, then the reporting phase.
    for (const proc of processes.slice().reverse()) await proc.close();
    return results.table();
  } finally {
    if (bodies && bodies.return) bodies.return().catch(() => undefined); // closes the input files
    for (const proc of processes) proc.kill();
    spare.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}
