/**
 * Floors for the benchmark: the command's own session loop and I/O (blocking reads of stdin, the
 * same Session), with the per-record work removed. Selected by argv[2]:
 *   protocol   frames chunks, drops their bodies, replies empty
 *   protocol-streams  the same over node's stdin/stdout streams (the fallback runner): what the
 *              command's blocking I/O saves
 *   csv-scan   also reads every body row by row and finds every field (CsvRowStream, as the command)
 *   csv-split  also makes every field a string (our whole-body codec, parseCsvRows)
 *   csv-parse  the same with the csv-parse library
 */
import { parse } from "csv-parse/sync";
import { parseCsvRows } from "../../src/scp/csv";
import { CsvRowStream } from "../../src/scp/csv-stream";
import { BodyReceiver, CommandHandler, Session } from "../../src/scp/session";
import { runBlockingSession } from "../../src/scp/session-fd";
import { runSession } from "../../src/scp/session-stream";

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
    if (kind === "protocol" || kind === "protocol-streams") return { write: () => undefined, end: () => ({}) };
    if (kind !== "csv-scan") return null;
    const stream = new CsvRowStream({ header: () => rows++, row: () => rows++ });
    return { write: (part) => stream.write(part), end: () => (stream.end(), {}) };
  },
};

const log = (line: string) => process.stderr.write(line + "\n");
const done = (code: number) => {
  process.stderr.write(`rows=${rows}\n`);
  process.exitCode = code;
};
if (kind === "protocol-streams") runSession(process.stdin, process.stdout, handler, log).then(done);
else {
  const result = runBlockingSession(new Session(handler, log), 0, 1, log);
  done("code" in result ? result.code : 1);
}
