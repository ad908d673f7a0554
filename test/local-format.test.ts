import { expect } from "chai";
import { parse } from "csv-parse/sync";
import { renderRows } from "../src/cli/format";

const columns = ["src_ip", "count", "values(userAgent)"];
const rows: Array<Array<string | string[]>> = [
  ["203.0.113.7", "12", ["curl/8.4.0", "kube-hunter"]],
  ["198.51.100.2", "1", "say \"hi\", then\nleave"],
];

describe("renderRows", () => {
  it("json: objects keyed by column, multivalues as arrays, count as a number", () => {
    expect(renderRows(columns, rows, "json")).to.equal(
      `[
  {
    "src_ip": "203.0.113.7",
    "count": 12,
    "values(userAgent)": [
      "curl/8.4.0",
      "kube-hunter"
    ]
  },
  {
    "src_ip": "198.51.100.2",
    "count": 1,
    "values(userAgent)": "say \\"hi\\", then\\nleave"
  }
]
`,
    );
    expect(renderRows(columns, [], "json")).to.equal("[]\n");
  });

  it("json: risk_score is a number too, as the risk action reads it; an empty one stays a string", () => {
    const out = JSON.parse(renderRows(["src_ip", "count", "risk_score"], [["a", "2", "75"], ["b", "1", ""]], "json"));
    expect(out).to.deep.equal([
      { src_ip: "a", count: 2, risk_score: 75 },
      { src_ip: "b", count: 1, risk_score: "" },
    ]);
  });

  it("csv: RFC 4180 with CRLF records, quoting, multivalues on lines inside one field", () => {
    const csv = renderRows(columns, rows, "csv");
    expect(csv).to.equal(
      'src_ip,count,values(userAgent)\r\n' +
        '203.0.113.7,12,"curl/8.4.0\nkube-hunter"\r\n' +
        '198.51.100.2,1,"say ""hi"", then\nleave"\r\n',
    );
    // An independent RFC 4180 parser reads back the same cells.
    expect(parse(csv)).to.deep.equal([
      columns,
      ["203.0.113.7", "12", "curl/8.4.0\nkube-hunter"],
      ["198.51.100.2", "1", 'say "hi", then\nleave'],
    ]);
    expect(renderRows(["a,b"], [], "csv")).to.equal('"a,b"\r\n');
  });

  it("table: aligned columns, one line per multivalue value, control characters escaped", () => {
    expect(renderRows(columns, [...rows, ["192.0.2.9", "3", "evil\u001b[2J"]], "table")).to.equal(
      "src_ip        count  values(userAgent)\n" +
        "------------  -----  -----------------\n" +
        "203.0.113.7   12     curl/8.4.0\n" +
        "                     kube-hunter\n" +
        "198.51.100.2  1      say \"hi\", then\n" +
        "                     leave\n" +
        "192.0.2.9     3      evil\\x1b[2J\n",
    );
    expect(renderRows(columns, [], "table")).to.equal("(no results)\n");
  });

  it("table: one block per record when the columns would not fit a terminal", () => {
    const wide = ["cluster_name", "values(verb)", "count"];
    const name = "us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-" + "0123456789abcdef".repeat(5);
    expect(renderRows(wide, [[name, ["get", "list"], "2"], ["x", "", "1"]], "table")).to.equal(
      "-[ 1 ]----------------------------\n" +
        `cluster_name  ${name}\n` +
        "values(verb)  get\n" +
        "              list\n" +
        "count         2\n" +
        "-[ 2 ]----------------------------\n" +
        "cluster_name  x\n" +
        "values(verb)\n" +
        "count         1\n",
    );
  });
});
