import { expect } from "chai";
import fc from "fast-check";
import { JsonScanner, ScannerOptions, Scanned } from "../src/ingest/json-scanner";

const BYTE_BY_BYTE: ScannerOptions = { fastLines: false };

function scan(...pieces: string[]): Scanned[] {
  return scanWith(BYTE_BY_BYTE, ...pieces);
}

function scanWith(options: ScannerOptions, ...pieces: string[]): Scanned[] {
  const scanner = new JsonScanner(options);
  const out: Scanned[] = [];
  for (const piece of pieces) out.push(...scanner.push(Buffer.from(piece)));
  out.push(...scanner.end());
  return out;
}

describe("JsonScanner", () => {
  it("splits JSON lines and objects concatenated without a separator", () => {
    expect(scan('{"a":1}\n{"b":[1,{"c":"}{"}]}{"d":"\\"}"}\n')).to.deep.equal([
      { kind: "value", text: '{"a":1}', line: 1 },
      { kind: "value", text: '{"b":[1,{"c":"}{"}]}', line: 2 },
      { kind: "value", text: '{"d":"\\"}"}', line: 2 },
    ]);
  });

  it("streams the elements of a top-level events array, pretty-printed or not, dropping the rest", () => {
    const pretty = '\ufeff{\n    "events": [\n        {"x": 1},\n        {"y": "]"}\n    ],\n    "searchedLogStreams": [],\n    "nextToken": "t"\n}\n';
    expect(scan(pretty, '{"events":[{"z":3}]}')).to.deep.equal([
      { kind: "item", text: '{"x": 1}', line: 3 },
      { kind: "item", text: '{"y": "]"}', line: 4 },
      { kind: "item", text: '{"z":3}', line: 9 },
    ]);
  });

  it("reports a line that is not JSON and a truncated line, and goes on with the next line", () => {
    expect(scan('not json\n{"kind":"Ev', '\n{"a":1,\n{"b":2}\n')).to.deep.equal([
      { kind: "error", line: 1, message: "not JSON (a line must hold a JSON object)" },
      { kind: "error", line: 2, message: "line break inside a JSON string (truncated line?)" },
      { kind: "error", line: 3, message: "JSON value not closed at the end of its line (truncated line?)" },
      { kind: "value", text: '{"b":2}', line: 4 },
    ]);
  });

  it("reports input that ends inside a value", () => {
    expect(scan('{"a":1}\n{"b":')).to.deep.equal([
      { kind: "value", text: '{"a":1}', line: 1 },
      { kind: "error", line: 2, message: "input ends inside a JSON value (truncated file?)" },
    ]);
  });

  it("fast path: once the file is known to be line oriented, hands over whole {...} lines unchecked", () => {
    const text = '{"a":1}\n{"b":"x"}{"c":2}\n  {"d":"\u00e9"} \r\n{"e":\n{"f":3}';
    expect(scanWith({}, text)).to.deep.equal([
      { kind: "value", text: '{"a":1}', line: 1 }, // the first line decides the mode, so it is scanned
      { kind: "line", text: '{"b":"x"}{"c":2}', line: 2 },
      { kind: "line", text: '{"d":"\u00e9"}', line: 3 },
      { kind: "error", line: 4, message: "JSON value not closed at the end of its line (truncated line?)" },
      { kind: "value", text: '{"f":3}', line: 5 }, // no line break at the end: scanned
    ]);
  });

  for (const [name, options] of [["byte by byte", BYTE_BY_BYTE], ["with fast lines", {}]] as Array<[string, ScannerOptions]>) {
    it(`gives the same values however the bytes are split (multibyte text included), ${name}`, () => {
      const text = '{"a":"ท t","b":[{"c":"\\\\"}]}\n{"events":[{"d":"é"},{"e":1}]}\n{"f":"x"}{"g":{}}\n{"h":"ท"}\n{"i":';
      const bytes = Buffer.from(text);
      const whole = scanWith(options, text);
      fc.assert(
        fc.property(fc.uniqueArray(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 8 }), (cuts) => {
          const points = [0, ...cuts.sort((a, b) => a - b), bytes.length];
          const scanner = new JsonScanner(options);
          const out: Scanned[] = [];
          for (let i = 0; i + 1 < points.length; i++) out.push(...scanner.push(bytes.subarray(points[i], points[i + 1])));
          out.push(...scanner.end());
          expect(out).to.deep.equal(whole);
        }),
      );
    });
  }
});
