import { expect } from "chai";
import { createHash } from "node:crypto";
import fc from "fast-check";
import { escapeHtml } from "../src/report/escape";
import { renderReport, ReportInput } from "../src/report/html";
import { ReportRecord, reportOrder, summarize } from "../src/report/records";
import { wallClockMs } from "../src/report/timeline";

function record(fields: Partial<ReportRecord>): ReportRecord {
  return {
    cluster: "prod", src_ip: "192.0.2.1", "user.username": "system:anonymous", count: 1,
    firstTime: "2024-03-11T10:00:00", lastTime: "2024-03-11T10:00:05", "values(userAgent)": "curl/8.0",
    outcome: "denied", scanner: "curl", risk_score: 25, ...fields,
  };
}

function input(records: ReportRecord[]): ReportInput {
  return {
    columns: Object.keys(records[0] || record({})), records, eventsRead: 1234, rejected: 2, inputs: ["a.jsonl"],
    search: "ekspodscan match=broad enrich=true", timeZone: "UTC", generated: new Date(Date.UTC(2026, 11, 3)),
  };
}

const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&");

describe("html report", () => {
  it("escapes every character that could open markup, and loses nothing printable", () => {
    fc.assert(fc.property(fc.string({ unit: "binary" }), (value) => {
      const escaped = escapeHtml(value);
      expect(escaped).to.not.match(/[<>"']|&(?!(amp|lt|gt|quot|#39);)/);
      if (!/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(value)) expect(unescape(escaped)).to.equal(value);
    }));
    expect(escapeHtml("a\u001bb")).to.equal("a\\x1bb");
  });

  it("allows by hash exactly its one inline style and one inline script, and names no URL", () => {
    const html = renderReport(input([record({})]));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1];
    const hash = (t: string) => `'sha256-${createHash("sha256").update(t).digest("base64")}'`;
    expect(html).to.contain(`content="default-src 'none'; style-src ${hash(style)}; script-src ${hash(script)}; base-uri 'none'; form-action 'none'"`);
    expect(html.match(/<script/g)).to.have.length(1);
    expect(html).to.not.match(/https?:|\bsrc=|\bhref=|url\(|@import/i);
  });

  it("shows a hostile user agent as text", () => {
    const agent = `</script><script>alert(1)</script><img src=x onerror=alert(2)>`;
    const html = renderReport(input([record({ "values(userAgent)": agent })]));
    expect(html).to.contain("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;");
    expect(html.match(/<script/g)).to.have.length(1);
  });

  it("puts allowed rows first, then the most requests, and counts the summary from the rows", () => {
    const rows = [
      record({ src_ip: "192.0.2.1", count: 3 }),
      record({ src_ip: "192.0.2.2", count: 1, outcome: "allowed", cluster: "dev", scanner: "python-requests" }),
      record({ src_ip: "192.0.2.3", count: 9 }),
      record({ src_ip: ["192.0.2.1", "192.0.2.4"], count: 2, outcome: ["allowed", "denied"] }),
    ];
    expect(reportOrder(rows).map((r) => r.src_ip)).to.deep.equal([["192.0.2.1", "192.0.2.4"], "192.0.2.2", "192.0.2.3", "192.0.2.1"]);
    expect(summarize(rows)).to.deep.equal({
      rows: 4, requests: 15, allowedRows: 2, clusters: ["dev", "prod"], exposedClusters: ["dev", "prod"],
      clients: ["192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"], scannerFamilies: ["curl", "python-requests"],
    });
    const html = renderReport(input(rows));
    expect(html).to.contain("<strong>2 clusters answered an anonymous pod list</strong> (2 rows, shown first below): dev, prod.");
    expect(html.match(/<tr class="(allowed|denied)">/g)).to.deep.equal(['<tr class="allowed">', '<tr class="allowed">', '<tr class="denied">', '<tr class="denied">']);
    expect(html).to.contain("<td><div>192.0.2.1</div><div>192.0.2.4</div></td>");
    expect(html).to.contain('<td data-n="9">9</td>');
  });

  it("says so when nothing was found, with an empty table", () => {
    const html = renderReport({ ...input([]), columns: ["cluster", "count"] });
    expect(html).to.contain('<p class="callout">No anonymous pod list was found in these events.</p>');
    expect(html).to.contain("<tbody>\n\n</tbody>");
  });

  it("places only wall-clock times on the timeline, and counts the rows it cannot place", () => {
    expect(wallClockMs("2024-03-11T10:00:05")).to.equal(Date.UTC(2024, 2, 11, 10, 0, 5));
    expect(wallClockMs("1710151205")).to.equal(undefined);
    const html = renderReport(input([record({}), record({ firstTime: "not a time" })]));
    expect(html.match(/<rect /g)).to.have.length(1);
    expect(html).to.contain("1 row has no time to place.");
  });
});
