// The reduce phase fed raw events when splunkd skipped the pre-op (commands.conf.spec: requires_preop
// defaults to false; SCP v2 cannot ask for it), with events whose CSV happens to carry src_ip and
// count columns: empty ones, and the CIM fields an add-on may extract. They are events, not partials.
import { expect } from "chai";
import { EVENT_FIELD_ORDER, EXACT_RESULT_BODY, RECORDS } from "./support/command-events";
import { replyBodies } from "./support/command-run";
import { Record, splunkdCsv } from "./support/command-streams";

function withColumns(extra: (record: Record, i: number) => Record, from = RECORDS): string {
  const records = from.map((record, i) => ({ ...record, ...extra(record, i) }));
  return splunkdCsv(records, EVENT_FIELD_ORDER.concat(["src_ip", "count"]));
}

describe("command mode=stats: raw events that carry src_ip and count columns", () => {
  it("empty src_ip and count columns: the seed's rows, as without them", async () => {
    const body = withColumns(() => ({ src_ip: "", count: "" }));
    expect(await replyBodies([], [[true, body]])).to.deep.equal([EXACT_RESULT_BODY]);
  });

  it("CIM src_ip and count values: replaced as the seed's rename and stats replace them", async () => {
    const body = withColumns((_, i) => ({ src_ip: `192.0.2.${i + 1}`, count: String(i + 7) }));
    expect(await replyBodies([], [[true, body]])).to.deep.equal([EXACT_RESULT_BODY]);
  });

  it("the same events split over two chunks, header repeated: the same rows", async () => {
    const half = Math.floor(RECORDS.length / 2);
    const a = withColumns(() => ({ src_ip: "", count: "" }), RECORDS.slice(0, half));
    const b = withColumns(() => ({ src_ip: "", count: "" }), RECORDS.slice(half));
    expect(await replyBodies([], [[false, a], [true, b]])).to.deep.equal(["", EXACT_RESULT_BODY]);
  });
});
