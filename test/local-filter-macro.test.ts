// The filter macro as hunt runs it: every definition tune renders is read back with its meaning;
// anything else is refused (undefined), never guessed at.
import { expect } from "chai";
import fc from "fast-check";
import { compileFilter } from "../src/local/filter-macro";
import { Cell } from "../src/scp/types";
import { renderFilter, type FilterIntent } from "../src/splunk/filter";

const FIELDS = ["src_ip", "cluster_name", "count", "values(userAgent)"];
const none: FilterIntent = { allowSrc: [], allowAgent: [], allowCluster: [] };

function kept(intent: FilterIntent, rows: Cell[][]): Cell[][] {
  const keep = compileFilter(renderFilter(intent));
  if (keep === undefined) throw new Error(`not compiled: ${renderFilter(intent)}`);
  const table = { fields: FIELDS, rows };
  return rows.filter((row) => keep(table, row));
}

const EU = "us-east-1:/aws/eks/prod-eu/cluster:kube-apiserver-audit-1";
const US = "us-east-2:/aws/eks/prod-us/cluster:kube-apiserver-audit-2";

describe("hunt: the filter macro tune writes, run on the result rows", () => {
  it("--allow-src: drops rows whose src_ip is in a network (IPv4 and IPv6); keeps others and non-addresses", () => {
    const rows: Cell[][] = [["10.1.2.3", EU, "1", "curl"], ["11.0.0.1", EU, "1", "curl"], ["2001:db8::7", EU, "1", "curl"], ["not-an-ip", EU, "1", "curl"], ["", EU, "1", "curl"]];
    expect(kept({ ...none, allowSrc: ["10.0.0.0/8", "2001:db8::/32"] }, rows).map((r) => r[0])).to.deep.equal(["11.0.0.1", "not-an-ip", ""]);
  });

  it("--allow-cluster: a bare name drops that cluster's log streams; a whole cluster_name drops only itself", () => {
    const rows: Cell[][] = [[ "a", EU, "1", "curl"], ["b", US, "1", "curl"], ["c", "us-east-1:/aws/eks/prod-eu-2/cluster:x", "1", "curl"]];
    expect(kept({ ...none, allowCluster: ["prod-eu"] }, rows).map((r) => r[0])).to.deep.equal(["b", "c"]);
    expect(kept({ ...none, allowCluster: [US] }, rows).map((r) => r[0])).to.deep.equal(["a", "c"]);
  });

  it("--allow-agent: a row goes only when EVERY one of its agents is allowed", () => {
    const rows: Cell[][] = [["a", EU, "1", "kube-probe/1.27"], ["b", EU, "1", ["kube-probe/1.27", "curl/8.0"]], ["c", EU, "1", ""]];
    expect(kept({ ...none, allowAgent: ["kube-probe/*"] }, rows).map((r) => r[0])).to.deep.equal(["b", "c"]);
  });

  it("--min-count: drops rows with fewer requests, comparing numbers", () => {
    const rows: Cell[][] = [["a", EU, "9", "x"], ["b", EU, "10", "x"], ["c", EU, "100", "x"]];
    expect(kept({ ...none, minCount: 10 }, rows).map((r) => r[0])).to.deep.equal(["b", "c"]);
  });

  it("every definition tune renders is read back (quotes, backslashes, regex characters, unicode)", () => {
    const text = fc.stringMatching(/^[a-zA-Z0-9 ._*?"\\/:()[\]{}|+^$ü😀-]{1,12}$/).filter((s) => s.trim() === s);
    fc.assert(
      fc.property(
        fc.record({
          allowSrc: fc.array(fc.constantFrom("10.0.0.0/8", "192.0.2.7", "2001:db8::/32"), { maxLength: 3 }),
          allowAgent: fc.array(text, { maxLength: 3 }),
          allowCluster: fc.array(text, { maxLength: 3 }),
          minCount: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
        }),
        (intent) => {
          const definition = renderFilter(intent);
          if (definition === "search *") return;
          expect(compileFilter(definition), definition).to.not.equal(undefined);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("an agent glob keeps its meaning through SPL quoting: literal characters, * and ?", () => {
    const rows: Cell[][] = [["a", EU, "1", 'say "hi" (v1.2)'], ["b", EU, "1", "say hi v1x2"], ["c", EU, "1", "😀"]];
    expect(kept({ ...none, allowAgent: ['say "hi" (v1.2)'] }, rows).map((r) => r[0])).to.deep.equal(["b", "c"]);
    expect(kept({ ...none, allowAgent: ["?"] }, rows).map((r) => r[0])).to.deep.equal(["a", "b"]);
  });

  it("refuses any other SPL rather than guess", () => {
    for (const definition of [
      "where count > 5",
      "search NOT src_ip=10.*",
      'where isnull(src_ip) OR NOT (cidrmatch("10.0.0.0/8", src_ip) OR src_ip="x")',
      'where isnull(src_ip) OR NOT (cidrmatch("10.0.0.0/8", src_ip)) | eval x=1',
      'where isnull(cluster_name) OR NOT (match(cluster_name, "(unclosed"))',
      'where isnull(src_ip) OR NOT (cidrmatch("not-a-cidr", src_ip))',
    ]) {
      expect(compileFilter(definition), definition).to.equal(undefined);
    }
  });
});
