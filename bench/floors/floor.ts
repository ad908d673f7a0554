/**
 * Floors for the benchmark: the command's own session loop and I/O (blocking reads of stdin, the
 * same Session), with the per-record work removed. Selected by argv[2]:
 *   protocol   frames chunks, drops their bodies, replies empty
 *   csv-scan   also reads every body row by row and finds every field (CsvRowStream, as the command)
 *   csv-split  also makes every field a string (our whole-body codec, parseCsvRows)
 *   csv-parse  the same with the csv-parse library
 */
import { parse } from "csv-parse/sync";
import { parseCsvRows } from "../../src/scp/csv";
import { CsvRowStream } from "../../src/scp/csv-stream";
import { BodyReceiver, CommandHandler, Session } from "../../src/scp/session";
import { runBlockingSession } from "../../src/scp/session-fd";

const kind = process.argv[2];
let rows = 0;

const handler: CommandHandler = {
  getinfo: () => ({ info: { type: "streaming" } }),
  execute(request) {
    if (kind === "csv-split") rows += parseCsvRows(request.body.toString("utf8")).length;
    else if (kind === "csv-parse") rows += (parse(request.body, { relax_column_count: true }) as string[][]).length;
    return {};
  },
  receive(): BodyReceiver | null {
    if (kind === "protocol") return { write: () => undefined, end: () => ({}) };
    if (kind !== "csv-scan") return null;
    const stream = new CsvRowStream({ header: () => rows++, row: () => rows++ });
    return { write: (part) => stream.write(part), end: () => (stream.end(), {}) };
  },
};

const log = (line: string) => process.stderr.write(line + "\n");
const result = runBlockingSession(new Session(handler, log), 0, 1, log);
process.stderr.write(`rows=${rows}\n`);
process.exitCode = "code" in result ? result.code : 1;
