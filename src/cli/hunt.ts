/**
 * eks-pod-scan hunt: replays exported EKS audit logs through the bundled ekspodscan command, acting as
 * splunkd (SCP v2, map and reduce phases as separate processes), then applies the rest of the saved
 * search (security_content_ctime, the filter macro) and prints the rows.
 */
import { existsSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { GroupBy, groupingFor } from "../detection/grouping";
import { CommandFailure } from "../local/command-process";
import { InputUsageError } from "../ingest/formats";
import { compileFilter } from "../local/filter-macro";
import { readEvents } from "../ingest/reader";
import { FieldSelection } from "../ingest/flatten";
import { InputReport, thousands } from "../ingest/report";
import { awsNameWarnings } from "../ingest/aws-names";
import { FILTER_MACRO, TimeZoneChoice, applyCtime, isPassAll, readFilterMacro } from "../local/saved-search";
import { runSearch } from "../local/splunkd";
import { Table } from "../scp/types";
import { EarlyRead, HeldOutput } from "./early-read";
import { CliError, EXIT } from "./exit";
import { OutputFormat, jsonRecords, renderRows } from "./format";
import { renderReport } from "../report/html";

const ROOT = path.resolve(__dirname, "..", "..");
export const DEFAULT_COMMAND_SCRIPT = path.join(ROOT, "app", "bin", "ekspodscan.js");
/** The decode worker: beside the CLI bundle, or the built one when the CLI runs from src/ (tsx). */
const DECODE_WORKER = [path.join(__dirname, "decode-worker.js"), path.join(ROOT, "dist", "cli", "decode-worker.js")].find((file) => existsSync(file));
const MAX_JOBS = 16;

const USAGE = `usage: eks-pod-scan hunt --input FILE [--input FILE ...] [options]

Replays exported EKS audit logs through the ekspodscan search command as splunkd would, and prints
the hunting search's rows. FILE may be gzip-compressed; "-" reads stdin. Formats, recognised per record:
CloudWatch Logs subscription envelopes (Firehose, or Lambda's {"awslogs":{"data":...}}), \`aws logs
filter-log-events\` or \`get-log-events\` JSON output, Kubernetes audit events as JSON lines, Splunk
JSON export.

options:
  --input FILE          an export to read (repeatable; "-" for stdin)
  --format FORMAT       table (default), json, csv, or html: a self-contained report (summary,
                        timeline per cluster, sortable table) of the --enrich rows, for --mode stats
  --output FILE         write the rows to FILE instead of stdout
  --match MODE          exact (default: the ESCU search) or broad
  --enrich              add outcome, scope, scanner family and risk columns
  --by GROUPING         seed (default: the ESCU search's rows) or client (one row per cluster,
                        client address and user, as the Broad saved search)
  --region REGION       region in the source the AWS add-on builds (default us-east-1)
  --source SOURCE       use this source for every event
  --log-group GROUP     log group of \`aws logs\` output (it does not name one)
  --log-stream STREAM   log stream of \`aws logs get-log-events\` output (it does not name one)
  --tz UTC|local        time zone of firstTime/lastTime (default UTC)
  --app DIR             apply the filter macro of this app directory (local/ over default/): the
                        filters \`eks-pod-scan tune\` writes; hunt runs no other SPL, and says so
  --mode MODE           stats (default), annotate or filter: the command's mode
  --jobs N              decode on N worker threads besides the main one (default: none below 4
                        cores, else one less than the cores, at most 4; none for annotate)
  --node PATH           node that runs the command (default: this node)
  --command PATH        the command script (default: app/bin/ekspodscan.js)

Exit codes: 0 ok, 1 failure, 2 usage error, 3 some input was rejected (see stderr).
`;

const OPTIONS = {
  input: { type: "string", multiple: true },
  format: { type: "string", default: "table" },
  output: { type: "string" },
  match: { type: "string", default: "exact" },
  enrich: { type: "boolean", default: false },
  by: { type: "string", default: "seed" },
  region: { type: "string", default: "us-east-1" },
  source: { type: "string" },
  "log-group": { type: "string" },
  "log-stream": { type: "string" },
  tz: { type: "string", default: "UTC" },
  app: { type: "string" },
  mode: { type: "string", default: "stats" },
  node: { type: "string" },
  jobs: { type: "string" },
  command: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

function oneOf<T extends string>(name: string, value: string, allowed: readonly T[]): T {
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw new CliError(`--${name} must be one of ${allowed.join(", ")}, not ${JSON.stringify(value)}`, EXIT.usage);
  return found;
}

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n\n${USAGE}`, EXIT.usage);
  }
}

/** Every input must be readable before any command starts; returns their total size when known. */
function checkInputs(inputs: string[]): number | undefined {
  if (inputs.filter((i) => i === "-").length > 1) throw new CliError("stdin (-) can be read only once", EXIT.usage);
  let total = 0;
  for (const input of inputs) {
    if (input === "-") continue;
    if (!existsSync(input)) throw new CliError(`input not found: ${input}`, EXIT.usage);
    const stat = statSync(input);
    if (!stat.isFile()) throw new CliError(`input is not a file: ${input}`, EXIT.usage);
    total += stat.size;
  }
  return inputs.includes("-") ? undefined : total;
}

function isDirectory(dir: string): boolean {
  return existsSync(dir) && statSync(dir).isDirectory();
}

/**
 * Worker threads for decoding. On the 2-core machine this was measured on, one worker made hunt
 * slower (2.15-2.38 s against 1.89-2.17 s over 189 MB, user CPU +20-30%), so
 * below 4 cores there is none. From 4 up, one less than the cores, at most 4: inferred, not measured.
 * None for annotate, whose every event would cross threads.
 */
export function defaultJobs(mode: string): number {
  if (mode === "annotate") return 0;
  const cores = typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
  return cores < 4 ? 0 : Math.min(4, cores - 1);
}

function jobCount(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > MAX_JOBS) throw new CliError(`--jobs must be a whole number from 0 to ${MAX_JOBS}, not ${JSON.stringify(text)}`, EXIT.usage);
  return Number(text);
}

/** The command's arguments for the hunt's options, as a search would spell them. */
export function commandArgs(mode: string, match: string, enrich: boolean, by: GroupBy = "seed"): string[] {
  const args: string[] = [];
  if (mode !== "stats") args.push(`mode=${mode}`);
  if (match !== "exact") args.push(`match=${match}`);
  if (by !== "seed") args.push(`by=${by}`);
  if (enrich) args.push("enrich=true");
  return args;
}

/** The saved search's last step: the app's filter macro, when it is one hunt can run. */
function applyFilter(table: Table, definition: string, app: string): Table {
  const keep = compileFilter(definition);
  if (keep === undefined) {
    process.stderr.write(`hunt: note: the ${FILTER_MACRO} macro in ${app} is \`${definition}\`; hunt runs only the filters tune writes, so these rows are unfiltered\n`);
    return table;
  }
  const rows = table.rows.filter((row) => keep(table, row));
  process.stderr.write(`hunt: the ${FILTER_MACRO} macro in ${app} dropped ${table.rows.length - rows.length} of ${table.rows.length} rows\n`);
  return { fields: table.fields, rows };
}

export async function run(argv: string[]): Promise<number> {
  const values = parse(argv);
  if (values.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  const inputs = values.input || [];
  if (inputs.length === 0) throw new CliError(`hunt needs at least one --input\n\n${USAGE}`, EXIT.usage);
  const format = oneOf<OutputFormat | "html">("format", values.format, ["table", "json", "csv", "html"]);
  const match = oneOf("match", values.match, ["exact", "broad"]);
  const mode = oneOf("mode", values.mode, ["stats", "annotate", "filter"]);
  const by = oneOf<GroupBy>("by", values.by, ["seed", "client"]);
  if (by !== "seed" && mode !== "stats") throw new CliError(`--by ${by} applies only to --mode stats`, EXIT.usage);
  if (format === "html" && mode !== "stats") throw new CliError(`--format html reports the stats rows: it needs --mode stats, not ${mode}`, EXIT.usage);
  // The report shows outcome, cluster and scanner family: the enrich columns.
  const enrich = values.enrich || format === "html";
  const zone = oneOf<TimeZoneChoice>("tz", values.tz, ["UTC", "local"]);
  const jobs = values.jobs === undefined ? defaultJobs(mode) : jobCount(values.jobs);
  const decodeWorkers = jobs > 0 && DECODE_WORKER !== undefined ? { script: DECODE_WORKER, count: jobs } : undefined;
  const script = values.command || DEFAULT_COMMAND_SCRIPT;
  if (!existsSync(script)) {
    throw new CliError(`the command bundle ${script} does not exist: build it with \`node build.mjs --bundle\` (npm start does)`);
  }
  if (values.app !== undefined && !isDirectory(path.join(values.app, "default"))) {
    throw new CliError(`--app: ${values.app} is not a Splunk app directory (no default/ folder)`, EXIT.usage);
  }
  const filter = values.app ? readFilterMacro(values.app) : undefined;
  const totalBytes = checkInputs(inputs);
  const stderr = new HeldOutput(process.stderr);
  const report = new InputReport(stderr, totalBytes);
  const names = { region: values.region, source: values.source, logGroup: values["log-group"], logStream: values["log-stream"] };
  for (const warning of awsNameWarnings(names)) process.stderr.write(`hunt: warning: ${warning}\n`);

  const args = commandArgs(mode, match, enrich, by);
  let table;
  let opened = false; // the search asks for the events once the command has answered getinfo
  // stats and filter count the events that cannot match without building them, so the few they build
  // can be built with every field before the command names the ones it needs: reading starts at once.
  // annotate builds every event, with only the fields the command asks for.
  const podScansOnly = mode !== "annotate";
  const early = podScansOnly ? new EarlyRead((signal) => readEvents(inputs, { ...names, selection: FieldSelection.all(), podScansOnly, decodeWorkers, signal }, report)) : null;
  try {
    table = await runSearch({
      command: { nodePath: values.node || process.execPath, scriptPath: script, cwd: path.dirname(script) },
      args,
      baseSearch: 'search sourcetype="aws:cloudwatchlogs:eks"',
      onMessage: (level, text) => process.stderr.write(`ekspodscan: ${level}: ${text}\n`),
      events: (selection) => {
        opened = true;
        stderr.release();
        return early ? early.events() : readEvents(inputs, { ...names, selection, podScansOnly, decodeWorkers }, report);
      },
    });
  } catch (err) {
    // A command that never started: its error alone says what happened, whatever was read meanwhile.
    if (opened) {
      report.finish();
    } else {
      stderr.drop();
      if (early) {
        early.abandon();
        if (inputs.includes("-")) process.stdin.destroy();
      }
    }
    if (err instanceof InputUsageError) throw new CliError(err.message, EXIT.usage);
    if (err instanceof CommandFailure) throw new CliError(err.message, EXIT.failure);
    throw err;
  }
  report.finish();

  if (mode === "stats") {
    // No group at all: splunkd's reply has no columns, but a CSV or JSON reader still wants them.
    if (table.fields.length === 0) table = { fields: groupingFor(by).resultColumns(enrich), rows: [] };
    table = applyCtime(table, zone);
    if (filter !== undefined && !isPassAll(filter)) table = applyFilter(table, filter, values.app as string);
  }
  const code = report.rejected > 0 ? EXIT.rejectedInput : EXIT.ok;
  const rows = table.rows.length;
  const text =
    format === "html"
      ? renderReport({
          columns: table.fields,
          records: jsonRecords(table.fields, table.rows),
          eventsRead: report.events,
          rejected: report.rejected,
          inputs,
          search: ["ekspodscan"].concat(args).join(" "),
          timeZone: zone === "UTC" ? "UTC" : `the local zone (${Intl.DateTimeFormat().resolvedOptions().timeZone})`,
          generated: new Date(),
        })
      : renderRows(table.fields, table.rows, format);
  const counted = `${thousands(rows)} ${rows === 1 ? "row" : "rows"}`;
  if (values.output !== undefined) {
    writeOutput(values.output, text);
    process.stderr.write(`hunt: wrote ${counted} to ${values.output}\n`);
    return code;
  }
  // A reader that stops early (`| head`) is not an error.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") process.exit(code);
  });
  process.stdout.write(text);
  // A table has no last line that says how many rows it holds; CSV and JSON readers count them.
  if (format === "table") process.stderr.write(`hunt: ${counted}\n`);
  return code;
}

function writeOutput(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new CliError(`--output: cannot write ${file}: ${(err as Error).message}`);
  }
}
