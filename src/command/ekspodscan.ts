/**
 * ekspodscan: the detection as a Splunk search command.
 *   mode=stats (default)  reporting; splunkd runs `ekspodscan phase=map` as a distributable streaming
 *                         pre-op that emits partial aggregates per chunk, and this reduce phase merges
 *                         them, emitting the result once, on the chunk marked finished.
 *   mode=annotate         streaming; every event comes back with pod_scan (and enrich fields).
 *   mode=filter           streaming; only matching events come back, annotated.
 * Every mode reads a body row by row as it arrives (annotate-rows.ts for annotate and filter).
 */
import { existsSync } from "fs";
import { matcherFor, necessaryTerms, termsDecide } from "../detection/match";
import { Aggregation, Grouping, groupingFor } from "../detection/grouping";
import { InvalidPartialRow, PartialRecord, partialRecord } from "../detection/stats";
import { encodeCsvBytes } from "../scp/csv";
import { CsvCursor, FieldColumns, fieldColumns, readCell } from "../scp/csv-cursor";
import { CsvRowHandler, CsvRowStream } from "../scp/csv-stream";
import { FieldIds } from "../scp/field-ids";
import { SpillOptions, spillThreshold } from "../scp/reply-spill";
import { CommandInfo, GetInfoRequest } from "../scp/getinfo";
import { BodyReceiver, CommandError, CommandHandler, ExecuteReply, ExecuteRequest } from "../scp/session";
import { annotateReceiver } from "./annotate-rows";
import { EVENT_FIELDS, EventReader, TermVerdict, termFilter } from "./events";
import { Options, mapPhaseArgs, parseOptions } from "./options";
import { RowAggregator } from "./row-aggregator";

export const COMMAND_NAME = "ekspodscan";

export class EksPodScanCommand implements CommandHandler {
  private options: Options | null = null;
  private grouping: Grouping = groupingFor("seed");
  private stats: Aggregation = this.grouping.create();
  private readonly events = new EventReader();
  private readonly rows = new RowAggregator();
  private maxGroups = 50000;
  private sawFinished = false;
  private spill: SpillOptions | null = null;

  getinfo(request: GetInfoRequest): { info: CommandInfo } {
    const options = parseOptions(request.searchInfo.args);
    this.options = options;
    this.grouping = groupingFor(options.by);
    this.stats = this.grouping.create();
    this.maxGroups = request.searchInfo.maxResultRows;
    // A large annotate reply goes to a file in the search's own directory; a probe run may get
    // one that does not exist (docs scp-v2-protocol.md): then the system's temporary directory.
    const dispatchDir = request.searchInfo.dispatchDir;
    this.spill = { dir: dispatchDir && existsSync(dispatchDir) ? dispatchDir : "", thresholdBytes: spillThreshold() };
    if (options.mode !== "stats") return { info: { type: "streaming" } };
    if (options.phase === "map") {
      // No required_fields here: with them splunkd adds _chunked_idx and may merge our output back
      // into its events, which is wrong for rows that are aggregates.
      return { info: { type: "streaming" } };
    }
    return {
      info: {
        type: "reporting",
        // Back-propagated to the search so only these fields are extracted; the partial columns
        // are listed too so that nothing the map phase emits is pruned before it reaches us.
        required_fields: union(EVENT_FIELDS, this.grouping.partialColumns),
        streaming_preop: `${COMMAND_NAME} ${mapPhaseArgs(options)}`,
      },
    };
  }

  execute(request: ExecuteRequest): ExecuteReply {
    const receiver = this.receive(request.finished);
    receiver.write(request.body);
    return receiver.end();
  }

  /** Every mode reads its bodies row by row as they arrive. */
  receive(finished: boolean): BodyReceiver {
    const options = this.options as Options;
    if (options.mode !== "stats") return annotateReceiver(options, this.spill);
    // The finished chunk emitted the result (or flushed the partials); more rows after it would
    // be counted into a second result, or have the first sent again.
    if (this.sawFinished) {
      throw new CommandError("an execute chunk came after the one marked finished: splunkd sends no more, so these rows would be counted twice");
    }
    this.sawFinished = finished;
    const rows = new CsvRowStream(options.phase === "map" ? this.eventRows(options) : this.reduceRows(options));
    return {
      write: (part) => rows.write(part),
      end: () => {
        rows.end();
        return options.phase === "map" ? this.mapReply(finished) : this.reduceReply(finished, options);
      },
    };
  }

  /**
   * The hot path: rows are ruled out on the match terms in place. Where the terms are the whole
   * match (match=exact) and met on single values, the row is matched without asking the matcher,
   * and aggregated from its cells when it can be (RowAggregator). Other rows become events.
   */
  private eventRows(options: Options): CsvRowHandler {
    const matches = matcherFor(options.match);
    const terms = necessaryTerms(options.match);
    // The RowAggregator builds the seed's partial rows; by=client rows go through events.
    const decisive = termsDecide(options.match) && options.by === "seed";
    let check: (cursor: CsvCursor) => TermVerdict = () => "out";
    return {
      header: (names) => {
        this.events.setHeader(names);
        this.rows.setHeader(names);
        check = termFilter(terms, names);
      },
      row: (cursor) => {
        const verdict = check(cursor);
        if (verdict === "out") return;
        if (decisive && verdict === "met") {
          if (!this.rows.add(cursor)) this.stats.addEvent(this.events.read(cursor));
          return;
        }
        const event = this.events.read(cursor);
        if (matches(event)) this.stats.addEvent(event);
      },
    };
  }

  /**
   * Partial rows from the map phase, or raw events when splunkd ran no pre-op (told by the header).
   * values() cells are read through FieldIds, so the groups share one string per distinct value.
   */
  private reduceRows(options: Options): CsvRowHandler {
    const events = this.eventRows(options);
    const partialColumns = this.grouping.partialColumns;
    const valueCells = this.grouping.valuesColumns.map((name) => new FieldIds(name));
    let partials: Array<[string, FieldColumns, FieldIds | undefined]> | null = null;
    return {
      header: (names) => {
        partials = null;
        if (!isPartialHeader(names)) return events.header(names);
        for (const ids of valueCells) ids.setHeader(names);
        partials = partialColumns.map((name): [string, FieldColumns, FieldIds | undefined] => [
          name,
          fieldColumns(names, name),
          valueCells.find((ids) => ids.name === name),
        ]);
      },
      row: (cursor) => {
        if (partials === null) return events.row(cursor);
        const record: PartialRecord = {};
        for (const [name, columns, ids] of partials) {
          const cell = ids === undefined ? null : ids.valuesOf(cursor);
          record[name] = cell === null ? readCell(cursor, columns) : cell;
        }
        try {
          this.stats.addPartial(record);
        } catch (err) {
          if (!(err instanceof InvalidPartialRow)) throw err;
          // Input we cannot merge is the user's to see, as it is: not a failure of the command.
          throw new CommandError(`row ${cursor.rowNumber} of the map phase's output ${err.message}`);
        }
      },
    };
  }

  private mapReply(finished: boolean): ExecuteReply {
    // Partials are held across chunks (fewer rows for the reduce phase) and flushed at the end,
    // or early once they reach maxresultrows groups, so memory follows groups, never events.
    if (!finished && this.stats.groupCount + this.rows.groupCount < this.maxGroups) return {};
    // The two sets of partials are not merged here: a group found in both just gives two rows,
    // which the reduce phase merges as it merges the partials of several indexers.
    const rows = this.stats.partialRows();
    for (const row of this.rows.drain()) rows.push(row);
    this.stats = this.grouping.create();
    return rows.length === 0 ? {} : { body: encodeCsvBytes({ fields: this.grouping.partialColumns.slice(), rows }) };
  }

  /** Hands the groups of the RowAggregator (by=seed only) to the stats. */
  private mergeRows(): void {
    for (const row of this.rows.drain()) this.stats.addPartial(partialRecord(row));
  }

  private reduceReply(finished: boolean, options: Options): ExecuteReply {
    if (!finished) return {};
    this.mergeRows();
    const rows = this.stats.resultRows(options.enrich);
    if (rows.length === 0) return {};
    return { body: encodeCsvBytes({ fields: this.grouping.resultColumns(options.enrich), rows }) };
  }
}

/**
 * Map-phase output always has src_ip and count (never empty); raw events have neither. Other
 * partial columns may be missing: splunkd drops a column that is empty in every row.
 */
/** Fields only an audit event has: a header with any of them is events, whatever else it carries. */
const EVENT_ONLY_FIELDS = ["verb", "requestURI", "objectRef.resource", "sourceIPs{}"];

/**
 * The map phase's partial rows, or raw events when splunkd skipped the pre-op. Events may carry
 * src_ip and count columns of their own (empty, or CIM fields an add-on extracts), so those two
 * columns only mark partials when no event-only field is there.
 */
function isPartialHeader(header: string[]): boolean {
  if (EVENT_ONLY_FIELDS.some((name) => header.indexOf(name) >= 0)) return false;
  return header.indexOf("src_ip") >= 0 && header.indexOf("count") >= 0;
}

function union(a: readonly string[], b: readonly string[]): string[] {
  return a.concat(b.filter((name) => a.indexOf(name) < 0));
}
