/**
 * CsvRowStream: a body written in any pieces gives the header and rows that parseCsvRows gives on
 * the whole text (itself held to csv-parse in scp-csv-properties), across 64 KiB scan windows too.
 */
import { expect } from "chai";
import fc from "fast-check";
import { CsvCursor, fieldColumns, readCell, readHeader } from "../src/scp/csv-cursor";
import { ValueCache } from "../src/scp/value-cache";
import { encodeCsv, parseCsvRows } from "../src/scp/csv";
import { CsvRowStream } from "../src/scp/csv-stream";
import { ProtocolError } from "../src/scp/framing";
import { Cell, Table } from "../src/scp/types";
import { bytePieces, cutAt, randomPieces } from "./support/scp-chunks";

const WINDOW = 64 * 1024;

/** What a handler saw: rows has the header first (as parseCsvRows gives it); error is a ProtocolError's message. */
type Seen = { headerCalls: number; rows: string[][]; error: string | null };

/** Writes the pieces then ends; records the header, every row's allFields() and a ProtocolError. */
function stream(pieces: Buffer[]): Seen {
  const seen: Seen = { headerCalls: 0, rows: [], error: null };
  const rows = new CsvRowStream({
    header: (names) => {
      seen.headerCalls++;
      expect(seen.rows).to.deep.equal([]);
      seen.rows.push(names);
    },
    row: (cursor) => seen.rows.push(cursor.allFields()),
  });
  try {
    for (const piece of pieces) rows.write(piece);
    rows.end();
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    seen.error = err.message;
  }
  return seen;
}

/** The whole-text oracle: parseCsvRows' rows; when it throws, the rows its loop read before the error. */
function oracle(text: string): Seen {
  try {
    const rows = parseCsvRows(text);
    return { headerCalls: rows.length > 0 ? 1 : 0, rows, error: null };
  } catch (err) {
    expect(err).to.be.instanceOf(ProtocolError);
    const rows: string[][] = [];
    const cursor = new CsvCursor(text);
    try {
      for (rows.push(readHeader(cursor)); cursor.next(); ) rows.push(cursor.allFields());
    } catch {
      // the same error again
    }
    return { headerCalls: rows.length > 0 ? 1 : 0, rows, error: (err as Error).message };
  }
}

const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom('"', '""', ",", "\n", "\r\n", "$", "$;$", ";", " ", "a", "Z", "é", "ท", "😀", "𝄞", "list") },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
);
const value = fc.string({ unit, maxLength: 10 });
const cell: fc.Arbitrary<Cell> = fc.oneof({ weight: 3, arbitrary: value }, { weight: 1, arbitrary: fc.array(value, { maxLength: 3 }) });
const table: fc.Arbitrary<Table> = fc
  .uniqueArray(fc.string({ unit, minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 5 })
  .chain((fields) => fc.record({ fields: fc.constant(fields), rows: fc.array(fc.array(cell, { minLength: fields.length, maxLength: fields.length }), { maxLength: 8 }) }));

/** Hand-written CSV: any quoting, \n or \r\n line ends, blank lines, a final line end or not. */
const handWritten: fc.Arbitrary<string> = fc
  .tuple(
    fc.array(fc.array(fc.tuple(value, fc.boolean()), { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 }),
    fc.constantFrom("\n", "\r\n"),
    fc.constantFrom("", "\n", "\r\n", "\n\r\n\n"),
    fc.boolean(),
  )
  .map(([rows, eol, blank, finalEol]) => {
    const lines = rows.map((row) =>
      row.map(([v, always]) => (always || /[",\r\n]/.test(v) || (row.length === 1 && v === "") ? '"' + v.replace(/"/g, '""') + '"' : v)).join(","),
    );
    return blank + lines.join(eol + blank) + (finalEol ? eol : "");
  });

/** A header and filler rows of exactly `bytes` bytes (at least 40), to put what follows on a window boundary. */
function filler(bytes: number): string {
  const rows = "h1,h2\n" + "f,0123456789abcdefghij\n".repeat(Math.floor((bytes - 40) / 23));
  return rows + "p," + "x".repeat(bytes - rows.length - 3) + "\n";
}

/** How a body is written: whole, one byte at a time, at random cuts, or in random pieces up to 3 windows. */
const splitArb = fc.oneof(
  fc.constant((bytes: Buffer) => [bytes]),
  fc.constant(bytePieces),
  fc.array(fc.nat(), { maxLength: 30 }).map((cuts) => (bytes: Buffer) => cutAt(bytes, cuts.map((c) => c % (bytes.length + 1)))),
  fc.tuple(fc.nat(), fc.integer({ min: 1, max: 3 * WINDOW })).map(([seed, max]) => (bytes: Buffer) => randomPieces(bytes, seed, max)),
);

function expectSameAsOracle(text: string, pieces: Buffer[]): void {
  expect(stream(pieces)).to.deep.equal(oracle(text));
}

describe("scp CsvRowStream: rows as parseCsvRows gives them on the whole text", () => {
  it("encodeCsv tables (quotes, commas, newlines, $, ;, 2-, 3- and 4-byte UTF-8), any split", () => {
    fc.assert(
      fc.property(table, splitArb, (t, split) => expectSameAsOracle(encodeCsv(t), split(Buffer.from(encodeCsv(t))))),
      { numRuns: 400 },
    );
  });

  it("hand-written CSV with \\r\\n line ends, blank lines and no final line end, any split", () => {
    fc.assert(
      fc.property(handWritten, splitArb, (text, split) => expectSameAsOracle(text, split(Buffer.from(text)))),
      { numRuns: 400 },
    );
  });

  it("the same after ~64 KiB of filler rows, so rows (and characters) straddle scan windows", () => {
    fc.assert(
      fc.property(fc.integer({ min: WINDOW - 2000, max: WINDOW + 200 }), handWritten, table, splitArb, (fill, text, t, split) => {
        const body = filler(fill) + text.replace(/^(\r?\n)*/, "") + (/\n$/.test(text) ? "" : "\n") + encodeCsv(t) + text;
        expectSameAsOracle(body, split(Buffer.from(body)));
      }),
      { numRuns: 60 },
    );
  });

  it("arbitrary (often malformed) text after filler: the same rows, then the same ProtocolError", () => {
    const junk = fc.string({ unit: fc.constantFrom("a", "é", "😀", ",", '"', '""', "\n", "\r\n", "\r", " "), maxLength: 40 });
    fc.assert(
      fc.property(fc.constantFrom(0, WINDOW - 30, WINDOW + 5), junk, splitArb, (fill, text, split) => {
        const body = (fill > 0 ? filler(fill) : "") + text;
        expectSameAsOracle(body, split(Buffer.from(body)));
      }),
      { numRuns: 300 },
    );
  });

  it("a window boundary at every byte of rows with multibyte characters: each value decoded whole", () => {
    const row = '"é\nท",😀,𝄞é,"a""b"\r\n'; // 30 bytes
    for (let before = 0; before <= 32; before++) {
      const body = filler(WINDOW - before) + row + row + "t,t\n";
      const want = parseCsvRows(body);
      expect(want.slice(-3)).to.deep.equal([["é\nท", "😀", "𝄞é", 'a"b'], ["é\nท", "😀", "𝄞é", 'a"b'], ["t", "t"]]);
      for (const pieces of [[Buffer.from(body)], randomPieces(Buffer.from(body), before, 7)]) {
        expect(stream(pieces)).to.deep.equal({ headerCalls: 1, rows: want, error: null });
      }
    }
  });

  it("rows longer than the window: a 330 KB quoted value with newlines, quotes and UTF-8; a 300 KB line", () => {
    const long = 'line é "q" ท,😀\n'.repeat(15000);
    const quoted = Buffer.from(`id,text,tail\n1,"${long.replace(/"/g, '""')}",end\r\n2,short,"x"\n`);
    for (const pieces of [bytePieces(quoted), randomPieces(quoted, 7, 1000), randomPieces(quoted, 8, 200000), [quoted]]) {
      expect(stream(pieces)).to.deep.equal({ headerCalls: 1, rows: [["id", "text", "tail"], ["1", long, "end"], ["2", "short", "x"]], error: null });
    }
    const line = "é".repeat(150000);
    const unquoted = Buffer.from(`a,b\nx,1\n${line},2\ny,3\n`);
    for (const pieces of [randomPieces(unquoted, 3, 5000), [unquoted]]) {
      expect(stream(pieces).rows).to.deep.equal([["a", "b"], ["x", "1"], [line, "2"], ["y", "3"]]);
    }
  });

  it("several MB of rows spanning many windows: every row, in order, however written", () => {
    const lines = ["_time,user.username,verb,requestURI"];
    for (let i = 0; i < 60000; i++) lines.push(`${1599171244 + i},${i % 7 === 0 ? '"system:anonymous"' : "alice"},${i % 3 ? "list" : "GET"},/api/v1/namespaces/ns${i % 97}/pods?ท=${i}`);
    const bytes = Buffer.from(lines.join("\r\n") + "\r\n");
    const want = parseCsvRows(bytes.toString());
    expect([bytes.length > 3 * 1024 * 1024, want.length]).to.deep.equal([true, 60001]);
    for (const pieces of [[bytes], randomPieces(bytes, 1, 100), randomPieces(bytes, 2, 3 * WINDOW), cutAt(bytes, [WINDOW - 1, WINDOW, 2 * WINDOW + 1])]) {
      expect(stream(pieces)).to.deep.equal({ headerCalls: 1, rows: want, error: null });
    }
  });
});

describe("scp CsvRowStream: memory follows the longest row, never the body", () => {
  /** The stream's room after each piece: what it holds bytes in. */
  function capacities(pieces: Buffer[]): number[] {
    const rows = new CsvRowStream({ header: () => undefined, row: () => undefined });
    return pieces.map((piece) => (rows.write(piece), rows.capacity));
  }

  it("several MB of short rows, in pieces of any size up to 3 windows, never grow it past two windows", () => {
    const bytes = Buffer.from("a,b\n" + "1599171244.277,system:anonymous,list,/api/v1/pods\n".repeat(110000));
    expect(bytes.length).to.be.greaterThan(5 * 1024 * 1024);
    for (const pieces of [[bytes], randomPieces(bytes, 5, 100), randomPieces(bytes, 6, 3 * WINDOW)]) {
      expect(Math.max(...capacities(pieces))).to.equal(2 * WINDOW);
    }
  });

  it("a 1 MB row grows it to the next power of two above the row and a window, no further", () => {
    const bytes = Buffer.from(`a\nshort\n${"x".repeat(1 << 20)}\nshort\n`);
    expect(Math.max(...capacities(randomPieces(bytes, 7, WINDOW)))).to.equal(2 << 20);
  });
});

describe("scp CsvRowStream: bodies without rows, and errors", () => {
  it("an empty body, or blank lines only: no header call and no rows", () => {
    for (const pieces of [[], [Buffer.alloc(0), Buffer.alloc(0)], bytePieces(Buffer.from("\n\r\n\n")), [Buffer.from("\n".repeat(3 * WINDOW))]]) {
      expect(stream(pieces)).to.deep.equal({ headerCalls: 0, rows: [], error: null });
    }
  });

  it("a header only (with or without its line end, after blank lines), and a final row without a line end", () => {
    const cases: Array<[string, string[][]]> = [
      ["a,b", [["a", "b"]]],
      ["\r\n\na,b\r\n\n", [["a", "b"]]],
      ['"a,1","b\nc"\n', [["a,1", "b\nc"]]],
      ['a,b\n1,2\r\n3,"é"', [["a", "b"], ["1", "2"], ["3", "é"]]],
    ];
    for (const [text, rows] of cases) expect(stream(bytePieces(Buffer.from(text)))).to.deep.equal({ headerCalls: 1, rows, error: null });
  });

  const errors: Array<[string, string, string[][], string]> = [
    ["an unclosed quote at end()", 'a,b\n1,2\n3,4\n5,"never\nclosed\n', [["a", "b"], ["1", "2"], ["3", "4"]], "CSV row 3: a quoted value is never closed"],
    ["text after a closing quote", 'a,b\n1,2\n"x"y,3\n4,5\n', [["a", "b"], ["1", "2"]], "CSV row 2: text after a closing quote"],
  ];
  for (const [name, text, rows, error] of errors) {
    it(`${name}: "${error}" (data rows count from 1), the rows before it delivered`, () => {
      for (const pieces of [[Buffer.from(text)], bytePieces(Buffer.from(text))]) expect(stream(pieces)).to.deep.equal({ headerCalls: 1, rows, error });
    });
  }

  it("an unclosed quote after several windows of rows: the row number counts across windows", () => {
    const rows = Array.from({ length: 20000 }, (_, i) => `${i},value ${i}`);
    const body = "n,v\n" + rows.join("\n") + '\n20000,"open\n';
    for (const pieces of [[Buffer.from(body)], randomPieces(Buffer.from(body), 5, 4096)]) {
      const got = stream(pieces);
      expect(got.error).to.equal("CSV row 20001: a quoted value is never closed");
      expect(got.rows).to.have.length(20001);
      expect(got.rows[20000]).to.deep.equal(["19999", "value 19999"]);
    }
  });

  it("text after a closing quote deep in a large body throws from write(), once its window is scanned", () => {
    const rows = Array.from({ length: 10000 }, (_, i) => `${i},v`);
    const body = Buffer.from("n,v\n" + rows.join("\n") + '\n"bad"!,1\n' + "z,z\n".repeat(30000));
    const delivered: string[][] = [];
    const csv = new CsvRowStream({ header: () => undefined, row: (cursor) => delivered.push(cursor.allFields()) });
    expect(() => csv.write(body)).to.throw(ProtocolError, /^CSV row 10001: text after a closing quote$/);
    expect(delivered).to.have.length(10000);
    expect(delivered[9999]).to.deep.equal(["9999", "v"]);
  });
});

/** Runs a body through the stream and applies `read` to each data row's cursor (valid only then). */
function readRows<T>(pieces: Buffer[], read: (cursor: CsvCursor, header: string[]) => T): T[] {
  const out: T[] = [];
  let names: string[] = [];
  const rows = new CsvRowStream({ header: (h) => (names = h), row: (cursor) => out.push(read(cursor, names)) });
  for (const piece of pieces) rows.write(piece);
  rows.end();
  return out;
}

describe("scp CsvCursor on the stream: field, equalsFolded, cachedField, readCell", () => {
  it("field(col) decodes UTF-8 from the bytes, while the cursor scans their latin1 view", () => {
    const body = Buffer.from('a,b,c\né,"ท ""q""",😀\n');
    const got = readRows(bytePieces(body), (cursor) => [cursor.text.indexOf("Ã©") >= 0, cursor.field(0), cursor.field(1), cursor.field(2), cursor.field(3)]);
    expect(got).to.deep.equal([[true, "é", 'ท "q"', "😀", ""]]);
  });

  it("equalsFolded(col, lower): ASCII case folding only, escaped quotes decoded, a missing column equals only \"\"", () => {
    const values = ["LIST", "List", "list", '"LiSt"', "lİst", "ｌｉｓｔ", "lis", "listt", "", '"li""st"', '"LI""ST"', "éé", "list\r"];
    const body = "v,w\n" + values.map((v) => `${v},x\r\n`).join("") + "short\n";
    const flags = (c: CsvCursor) => [c.equalsFolded(0, "list"), c.equalsFolded(0, 'li"st'), c.equalsFolded(0, ""), c.equalsFolded(1, "x"), c.equalsFolded(1, "")];
    const got = readRows([Buffer.from(body)], (c) => flags(c).map((flag) => (flag ? "T" : "-")).join(""));
    // Columns: v is "list", v is 'li"st', v is "", w is "x", w is "". "lİst": U+0130 is not folded;
    // "list\r": a CR not before the LF is data; "short": column w is missing.
    expect(got).to.deep.equal(["T--T-", "T--T-", "T--T-", "T--T-", "---T-", "---T-", "---T-", "---T-", "--TT-", "-T-T-", "-T-T-", "---T-", "---T-", "----T"]);
  });

  /** Tags what it stores: a tagged result was served from the store, not decoded anew. */
  class TaggingCache extends ValueCache {
    misses = 0;
    miss(raw: string, value: string): string {
      this.misses++;
      return super.miss(raw, "#" + value);
    }
  }

  it("cachedField(col, cache) equals field(col); a repeat, across rows and windows, is the stored string", () => {
    const pool = ["alice", "system:anonymous", "é-ท-😀", '"a""b"', "", "𝄞"];
    const lines = ["t,u"];
    for (let i = 0; i < 30000; i++) lines.push(`${i},${pool[i % pool.length]}`);
    const body = Buffer.from(lines.join("\n") + "\n");
    const plain = new ValueCache();
    const tagged = new TaggingCache();
    // Pieces of up to 20,000 bytes: repeats come in later writes and later scan windows.
    const got = readRows(randomPieces(body, 11, 20000), (c) => [c.field(1), c.cachedField(1, plain), c.cachedField(1, tagged)]);
    expect(got).to.have.length(30000);
    const decoded = ["alice", "system:anonymous", "é-ท-😀", 'a"b', "", "𝄞"];
    got.forEach(([field, cached, fromStore], i) => {
      const want = decoded[i % pool.length];
      expect([field, cached]).to.deep.equal([want, want]);
      // Empty and escaped values bypass the cache; every other value is the stored (tagged) string.
      expect(fromStore).to.equal(want === "" || want === 'a"b' ? want : "#" + want);
    });
    expect(tagged.misses).to.equal(4); // one per distinct value: every repeat was a hit
    expect(plain.enabled).to.equal(true);
  });

  it("after 4096 lookups of mostly unique values the cache turns itself off; values stay correct", () => {
    const body = "u\n" + Array.from({ length: 6000 }, (_, i) => (i % 10 === 0 ? "same" : `v${i}é`)).join("\n") + "\n";
    const unique = new ValueCache();
    const states: boolean[] = [];
    const got = readRows(randomPieces(Buffer.from(body), 3, 9000), (c) => {
      const value = c.cachedField(0, unique);
      states.push(unique.enabled);
      return value === c.field(0);
    });
    expect(got.every((same) => same)).to.equal(true);
    expect([states[4094], states[4095], states[5999]]).to.deep.equal([true, false, false]);
    const repeated = new ValueCache();
    readRows([Buffer.from("u\n" + "a\nb\nc\n".repeat(2000))], (c) => c.cachedField(0, repeated));
    expect(repeated.enabled).to.equal(true);
  });

  it("readCell with fieldColumns: the __mv_ twin's values when it is non-empty and well formed, else the plain value", () => {
    const header = ["verb", "user", "__mv_verb", "__mv_groups{}"];
    expect(["verb", "groups{}", "nope"].map((name) => fieldColumns(header, name))).to.deep.equal([{ plain: 0, twin: 2 }, { plain: -1, twin: 3 }, { plain: -1, twin: -1 }]);
    const lines = ["list,é,,", '"list\nwatch",a,$list$;$watch$,$g1$;$g2$', "x,a,$only$,$ท$", "x,a,$a$$b$;$c$,", "x,a,not-multivalue,", "x,a,$unclosed,", "x"];
    const body = [header.join(",")].concat(lines).join("\r\n");
    const cache = new ValueCache();
    const got = readRows(bytePieces(Buffer.from(body)), (c, names) => [
      readCell(c, fieldColumns(names, "verb")),
      readCell(c, fieldColumns(names, "verb"), cache),
      readCell(c, fieldColumns(names, "user"), cache),
      readCell(c, fieldColumns(names, "groups{}")),
      readCell(c, fieldColumns(names, "nope")),
    ]);
    expect(got).to.deep.equal([
      ["list", "list", "é", "", ""],
      [["list", "watch"], ["list", "watch"], "a", ["g1", "g2"], ""],
      ["only", "only", "a", "ท", ""],
      [["a$b", "c"], ["a$b", "c"], "a", "", ""],
      ["x", "x", "a", "", ""],
      ["x", "x", "a", "", ""],
      ["x", "x", "", "", ""],
    ]);
  });
});
