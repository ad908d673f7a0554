/**
 * Floors for the benchmark: the same SCP v2 loop as the command, with the per-record work removed.
 * Selected by argv[2]: "protocol" frames chunks and replies empty; "csv-scan" also decodes each body
 * and finds every field of every row with our cursor; "csv-split" makes every field a string
 * (our codec); "csv-parse" does that with the csv-parse library.
 */
import { parse } from "csv-parse/sync";
import { ChunkDecoder, encodeChunk } from "../../src/scp/framing";
import { parseCsvRows } from "../../src/scp/csv";
import { CsvCursor } from "../../src/scp/csv-cursor";

const kind = process.argv[2];
const decoder = new ChunkDecoder();
let rows = 0;

process.stdin.on("data", (data: Buffer) => {
  for (const chunk of decoder.push(data)) {
    if (chunk.meta.action === "getinfo") {
      process.stdout.write(encodeChunk({ type: "streaming" }));
      continue;
    }
    if (kind === "csv-scan") {
      const cursor = new CsvCursor(chunk.body.toString("utf8"));
      while (cursor.next()) rows++;
    } else if (kind === "csv-split") rows += parseCsvRows(chunk.body.toString("utf8")).length;
    else if (kind === "csv-parse") rows += (parse(chunk.body, { relax_column_count: true }) as string[][]).length;
    process.stdout.write(encodeChunk({ finished: chunk.meta.finished === true }));
  }
});
process.stdin.on("end", () => {
  decoder.end();
  process.stderr.write(`rows=${rows}\n`);
});
