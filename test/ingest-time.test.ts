import { expect } from "chai";
import fc from "fast-check";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { auditTime, timeFromTimestamp } from "../src/ingest/event";
import { readAll } from "./support/ingest-read";

const dir = mkdtempSync(path.join(os.tmpdir(), "hunt-time-test-"));
const WARNING =
  "events carry no usable time; given, as Splunk does, the previous event's time from the same source, else the file's modification time, else the current time";

const read = readAll;

describe("timeFromTimestamp: the audit timestamps Splunk finds a time in", () => {
  it("RFC 3339 with 0 to 9 fractional digits (six kept) and any offset; the spaced form with or without a zone", () => {
    const cases: Array<[string, string | undefined]> = [
      ["2023-12-07T14:44:53Z", "1701960293"],
      ["2023-12-07T14:44:53.3Z", "1701960293.3"],
      ["2023-12-07T14:44:53.358394Z", "1701960293.358394"],
      ["2023-12-07T14:44:53.358394712Z", "1701960293.358394"],
      ["2023-12-07T14:44:53.100000000Z", "1701960293.1"],
      ["2023-12-07t14:44:53z", "1701960293"],
      ["2023-12-07T20:14:53.5+05:30", "1701960293.5"],
      ["2023-12-07T06:44:53-08:00", "1701960293"],
      ["2023-12-07 14:44:53.000 UTC", "1701960293"],
      // Panther's normalised form: a space, no zone (UTC), 2 to 9 fractional digits.
      ["2022-11-29 00:09:04.38", "1669680544.38"],
      ["2022-11-29 00:09:04.595141000", "1669680544.595141"],
      ["2022-11-29 00:09:04", "1669680544"],
      ["2016-12-31T23:59:60Z", "1483228800"], // a leap second, as RFC 3339 allows
      // None: no zone in RFC 3339, 10 digits, impossible dates and times, a Go printf slot, before 1970.
      ["2023-12-07T14:44:53", undefined],
      ["2023-12-07T14:44:53.1234567890Z", undefined],
      ["9999-99-99T99:99:99.999999Z", undefined],
      ["9999-99-99 99:99:99.999", undefined],
      ["2023-02-29T00:00:00Z", undefined],
      ["2024-02-29T00:00:00Z", "1709164800"],
      ["2023-12-07T24:00:00Z", undefined],
      ["2023-12-07T14:44:53+24:00", undefined],
      ["%s", undefined],
      ["1969-12-31T23:59:59Z", undefined],
      ["0099-01-01T00:00:00Z", undefined],
    ];
    for (const [text, time] of cases) expect(timeFromTimestamp(text), text).to.equal(time);
  });

  it("reads back the epoch time of any instant written in either form, whatever the offset and digits", () => {
    const pad = (n: number, width = 2) => String(n).padStart(width, "0");
    fc.assert(
      fc.property(
        fc.integer({ min: 86400, max: 4102444800 }), // 1970-01-02 .. 2100
        fc.integer({ min: 0, max: 999999999 }),
        fc.integer({ min: 0, max: 9 }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        fc.boolean(),
        (seconds, nanos, digits, offsetMinutes, spaced) => {
          const local = new Date((seconds + (spaced ? 0 : offsetMinutes * 60)) * 1000);
          const date = `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`;
          const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
          const fraction = digits === 0 ? "" : "." + String(nanos).padStart(9, "0").slice(0, digits);
          const zone = offsetMinutes === 0 ? "Z" : `${offsetMinutes < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(offsetMinutes) / 60))}:${pad(Math.abs(offsetMinutes) % 60)}`;
          const text = spaced ? `${date} ${time}${fraction}` : `${date}T${time}${fraction}${zone}`;
          const micros = fraction.slice(1, 7).replace(/0+$/, "");
          expect(timeFromTimestamp(text), text).to.equal(micros === "" ? String(seconds) : `${seconds}.${micros}`);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("auditTime: the first usable of requestReceivedTimestamp, stageTimestamp, timestamp, metadata.creationTimestamp", () => {
  it("falls through the chain past missing and unusable values", () => {
    const full = {
      requestReceivedTimestamp: "2023-12-07T14:44:51Z",
      stageTimestamp: "2023-12-07T14:44:52Z",
      timestamp: "2023-12-07T14:44:53Z",
      metadata: { creationTimestamp: "2023-12-07T14:44:54Z" },
    };
    expect(auditTime(full)).to.equal("1701960291");
    expect(auditTime({ ...full, requestReceivedTimestamp: "9999-99-99T99:99:99.999999Z" })).to.equal("1701960292");
    expect(auditTime({ ...full, requestReceivedTimestamp: undefined, stageTimestamp: 7 })).to.equal("1701960293");
    expect(auditTime({ metadata: full.metadata, timestamp: "%s" })).to.equal("1701960294");
    expect(auditTime({ kind: 0 })).to.equal(undefined);
    expect(auditTime({ metadata: "x" })).to.equal(undefined);
  });
});

describe("hunt input: events with no usable time get one as Splunk assigns it, and are counted", () => {
  const timed = (stamp: string, uri: string) => JSON.stringify({ kind: "Event", requestURI: uri, requestReceivedTimestamp: stamp });
  const timeless = (uri: string) => JSON.stringify({ kind: "Event", requestURI: uri, requestReceivedTimestamp: "9999-99-99T99:99:99.999999Z" });

  it("the file's modification time first, then the previous event's time of the same source", async () => {
    const p = path.join(dir, "audit.log");
    writeFileSync(p, [timeless("/a"), timeless("/b"), timed("2023-12-07T14:44:53.5Z", "/c"), timeless("/d")].join("\n") + "\n");
    utimesSync(p, 1700000000, 1700000000.25);
    const { events, stderr } = await read([p]);
    expect(events.map((e) => [e.fields.get("requestURI")![0], e.time])).to.deep.equal([
      ["/a", "1700000000.250"],
      ["/b", "1700000000.250"],
      ["/c", "1701960293.5"],
      ["/d", "1701960293.5"],
    ]);
    expect(stderr).to.equal(`hunt: read 4 events from 1 input; 0 rejected\nhunt: warning: 3 ${WARNING}\n`);
  });

  it("per source: log streams of an envelope file do not lend each other their times; stdin gets the current time", async () => {
    const envelope = (stream: string, events: Array<{ timestamp?: number; message: string }>) =>
      JSON.stringify({ messageType: "DATA_MESSAGE", logGroup: "/aws/eks/c/cluster", logStream: stream, logEvents: events });
    const lines = [
      envelope("kube-apiserver-audit-1", [{ timestamp: 1701960293000, message: timeless("/a") }]),
      envelope("kube-apiserver-audit-2", [{ message: timeless("/b") }]),
      envelope("kube-apiserver-audit-1", [{ message: timeless("/c") }]),
    ];
    const { events, stderr } = await read(["-"], { stdin: Readable.from([lines.join("\n")]), now: () => 1600000000123 });
    expect(events.map((e) => [e.fields.get("requestURI")![0], e.time])).to.deep.equal([
      ["/a", "1701960293"],
      ["/b", "1600000000.123"],
      ["/c", "1701960293"],
    ]);
    expect(stderr).to.equal(`hunt: read 3 events from 1 input; 0 rejected\nhunt: warning: 2 ${WARNING}\n`);
  });
});
