import { expect } from "chai";
import fc from "fast-check";
import { readSetting, writeSetting } from "../src/splunk/conf-edit";
import { SplunkError } from "../src/splunk/errors";
import { clusterFromSource } from "../src/detection/enrich";
import {
  clusterRegex,
  FILTER_MACRO,
  globToRegex,
  parseMinCount,
  parseNetwork,
  renderFilter,
  validateIntent,
  type FilterIntent,
} from "../src/splunk/filter";
import { splSkeleton, tokenizeSpl } from "./support/splunk-spl-tokens";

const none: FilterIntent = { allowSrc: [], allowAgent: [], allowCluster: [] };

function inputErrorOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).to.be.instanceOf(SplunkError);
    expect((error as SplunkError).kind).to.equal("input");
    return (error as SplunkError).message;
  }
  throw new Error("expected a rejected input");
}

describe("filter macro from intent", () => {
  it("no intent is ESCU's default, search *", () => {
    expect(renderFilter(none)).to.equal("search *");
  });

  it("every option at once: one where per option, joined by pipes, values quoted", () => {
    expect(
      renderFilter({
        allowSrc: ["10.0.0.0/8", "192.0.2.7", "2001:DB8:0:0:0:0:0:0/32"],
        allowCluster: ["prod-eu", 'odd"name\\x', "us-east-1:/aws/eks/a/cluster:s"],
        allowAgent: ["kube-probe/1.2*", "ELB-HealthChecker/?.0"],
        minCount: 5,
      }),
    ).to.equal(
      'where isnull(src_ip) OR NOT (cidrmatch("10.0.0.0/8", src_ip) OR cidrmatch("192.0.2.7/32", src_ip) OR cidrmatch("2001:db8::/32", src_ip))' +
        ' | where isnull(cluster_name) OR NOT (match(cluster_name, "(^|:)/aws/eks/prod-eu/cluster(:|$)")' +
        ' OR match(cluster_name, "(^|:)/aws/eks/odd\\"name\\\\\\\\x/cluster(:|$)") OR cluster_name=="us-east-1:/aws/eks/a/cluster:s")' +
        " | where isnull('values(userAgent)') OR isnotnull(mvfilter(NOT (" +
        `match('values(userAgent)', "^kube-probe/1\\\\.2.*$") OR match('values(userAgent)', "^ELB-HealthChecker/.\\\\.0$"))))` +
        " | where count >= 5",
    );
  });

  it("repeated values are written once", () => {
    expect(renderFilter({ ...none, allowSrc: ["10.1.2.3", "10.1.2.3/32"], allowCluster: ["a", "a"] })).to.equal(
      'where isnull(src_ip) OR NOT (cidrmatch("10.1.2.3/32", src_ip)) | where isnull(cluster_name) OR NOT (match(cluster_name, "(^|:)/aws/eks/a/cluster(:|$)"))',
    );
  });

  it("a bare cluster name matches the sources enrich reads that cluster from, and no other", () => {
    // cluster_name is the whole CloudWatch source; JS regexes read this PCRE subset alike.
    const sources = [
      "us-east-1:/aws/eks/prod-eu/cluster:kube-apiserver-audit-9f3ab2c4e0c1",
      "us-east-1:/aws/eks/prod-eu/cluster",
      "/aws/eks/prod-eu/cluster",
      "us-east-1:/aws/eks/prod-eu-2/cluster:kube-apiserver-audit-1",
      "us-east-1:/aws/eks/prod/cluster:kube-apiserver-audit-1",
      "us-east-1:/aws/eks/prodxeu/cluster:kube-apiserver-audit-1",
      "us-east-1:/aws/eks/a.b/cluster:s",
      "us-east-1:/aws/eks/axb/cluster:s",
      "prod-eu",
    ];
    for (const name of ["prod-eu", "prod", "a.b"]) {
      const regex = new RegExp(clusterRegex(name));
      expect(sources.filter((source) => regex.test(source)), name).to.deep.equal(sources.filter((source) => clusterFromSource(source) === name));
    }
    expect(sources.filter((source) => new RegExp(clusterRegex("prod-eu")).test(source))).to.have.length(3);
  });

  it("a glob becomes an anchored regex with every regex character literal", () => {
    expect(globToRegex("a.b+c(d)[e]{f}|g^h$i\\j*k?")).to.equal("^a\\.b\\+c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j.*k.$");
  });

  describe("--allow-src is an IPv4/IPv6 address or CIDR, strictly", () => {
    const accepted: Array<[string, string]> = [
      ["10.0.0.0/8", "10.0.0.0/8"],
      ["0.0.0.0/0", "0.0.0.0/0"],
      ["203.0.113.9", "203.0.113.9/32"],
      ["::1", "::1/128"],
      ["::/0", "::/0"],
      ["FE80::/10", "fe80::/10"],
      ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1/128"],
      // IPv4-mapped: src_ip holds the IPv4 form, which cidrmatch of the IPv6 one never matches.
      ["::ffff:192.0.2.1", "192.0.2.1/32"],
      ["::FFFF:c000:201", "192.0.2.1/32"],
      ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
      ["::ffff:0:0/96", "0.0.0.0/0"],
      ["::fffe:0:0/95", "::fffe:0:0/95"],
    ];
    for (const [given, cidr] of accepted) {
      it(`accepts ${given} as ${cidr}`, () => expect(parseNetwork(given)).to.equal(cidr));
    }
    const rejected: Array<[string, string]> = [
      ["10.0.0.1/8", '--allow-src: "10.0.0.1/8" has host bits set; did you mean 10.0.0.0/8?'],
      ["2001:db8::1/32", '--allow-src: "2001:db8::1/32" has host bits set; did you mean 2001:db8::/32?'],
      ["10.0.0.0/33", '--allow-src: "10.0.0.0/33" has an invalid prefix length (0-32)'],
      ["10.0.0.0/08", '--allow-src: "10.0.0.0/08" has an invalid prefix length (0-32)'],
      ["::/129", '--allow-src: "::/129" has an invalid prefix length (0-128)'],
      ["10.0.0.0/", '--allow-src: "10.0.0.0/" has an invalid prefix length (0-32)'],
      ["010.0.0.1", '--allow-src: "010.0.0.1" is not an IPv4 or IPv6 address or CIDR'],
      ["10.0.0", '--allow-src: "10.0.0" is not an IPv4 or IPv6 address or CIDR'],
      ["fe80::1%eth0", '--allow-src: "fe80::1%eth0" is not an IPv4 or IPv6 address or CIDR'],
      ["example.com", '--allow-src: "example.com" is not an IPv4 or IPv6 address or CIDR'],
      ['1.2.3.4" OR 1=1', '--allow-src: "1.2.3.4\\" OR 1=1" is not an IPv4 or IPv6 address or CIDR'],
      ["1.2.3.4\n", '--allow-src: "1.2.3.4\\n" contains control character U+000A, which is not allowed'],
      ["", "--allow-src: empty value"],
    ];
    for (const [given, message] of rejected) {
      it(`rejects ${JSON.stringify(given)}`, () => expect(inputErrorOf(() => parseNetwork(given))).to.equal(message));
    }
  });

  describe("text values: control and format characters and backticks are rejected", () => {
    const cases: Array<[string, string]> = [
      ["a\nb", 'contains control character U+000A'],
      ["a\rb", "contains control character U+000D"],
      ["a\u0000b", "contains control character U+0000"],
      ["a\u001b[31mb", "contains control character U+001B"],
      ["a\u0085b", "contains control character U+0085"],
      ["a\u2028b", "contains control character U+2028"],
      ["a\u202eb", "contains control character U+202E"],
      ["a\u200bb", "contains control character U+200B"],
      ["`macro`", "contains a backtick"],
    ];
    for (const [value, what] of cases) {
      it(`--allow-agent ${JSON.stringify(value)} ${what}`, () => {
        expect(inputErrorOf(() => renderFilter({ ...none, allowAgent: [value] }))).to.equal(
          `--allow-agent: ${JSON.stringify(value)} ${what}, which is not allowed`,
        );
      });
    }
    it("leading or trailing spaces and over-long values are rejected", () => {
      expect(inputErrorOf(() => renderFilter({ ...none, allowCluster: [" prod"] }))).to.equal('--allow-cluster: " prod" has leading or trailing spaces');
      expect(inputErrorOf(() => renderFilter({ ...none, allowCluster: ["x".repeat(513)] }))).to.equal(
        "--allow-cluster: value longer than 512 characters",
      );
    });
  });

  it("--min-count is a whole number from 1", () => {
    expect(parseMinCount("5")).to.equal(5);
    for (const bad of ["0", "-1", "1.5", "1e3", "", " 5", "99999999999"]) {
      expect(() => parseMinCount(bad), bad).to.throw(SplunkError);
    }
  });
});

// ---- property: hostile values never leave their quotes ------------------------------------------

// SPL's special characters, which must end up quoted, and characters that must be rejected.
const splSpecials = ['"', "\\", "|", "[", "]", "'", "$", " ", "*", "?", "(", ")", ".", "/", "=", ",", "#", "%", "_", "-", ";", "a", "Z", "0", "é", "😀"];
const rejectedChars = ["`", "\n", "\r", "\t", "\u0000", "\u2028", "\u202e"];
const quotableText = fc
  .string({ unit: fc.constantFrom(...splSpecials), minLength: 1, maxLength: 20 })
  .map((text) => text.trim() || "x");
const hostileText = fc.string({ unit: fc.constantFrom(...splSpecials, ...rejectedChars), maxLength: 20 });
const anyText = fc.oneof(
  { weight: 6, arbitrary: quotableText },
  { weight: 2, arbitrary: hostileText },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
);
const network = fc.oneof(
  { weight: 3, arbitrary: fc.ipV4() },
  { weight: 3, arbitrary: fc.ipV6() },
  { weight: 2, arbitrary: fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 })).map(([n, bits]) => networkV4(n, bits)) },
  { weight: 1, arbitrary: hostileText },
);

/** The IPv4 network of `bits` prefix that contains address n, as CIDR text. */
function networkV4(n: number, bits: number): string {
  const network = bits === 0 ? 0 : (n >>> (32 - bits)) << (32 - bits);
  return `${[24, 16, 8, 0].map((shift) => (network >>> shift) & 0xff).join(".")}/${bits}`;
}

describe("--allow-src property (fast-check): an IPv4-mapped network is the IPv4 network", () => {
  it("::ffff:<a>/<96+p> and ::ffff:<a> give what <a>/<p> and <a> give", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }), (n, bits) => {
        const cidr = networkV4(n, bits);
        const [address] = cidr.split("/");
        expect(parseNetwork(`::ffff:${address}/${96 + bits}`)).to.equal(parseNetwork(cidr));
        expect(parseNetwork(`::FFFF:${address}`)).to.equal(`${address}/32`);
      }),
    );
  });
});

describe("filter macro property (fast-check): hostile input never escapes its quotes", () => {
  it("every value is exactly one string literal; outside quotes only the template's SPL remains", () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        fc.record({
          allowSrc: fc.array(network, { maxLength: 3 }),
          allowAgent: fc.array(anyText, { maxLength: 3 }),
          allowCluster: fc.array(anyText, { maxLength: 3 }),
          minCount: fc.option(fc.integer({ min: -3, max: 2_000_000_000 }), { nil: undefined }),
        }),
        (intent) => {
          let definition: string;
          let checked: FilterIntent;
          try {
            checked = validateIntent(intent);
            definition = renderFilter(intent);
          } catch (error) {
            // Rejection is a safe outcome, as long as it is the input error the CLI reports.
            expect(error).to.be.instanceOf(SplunkError);
            expect((error as SplunkError).kind).to.equal("input");
            return;
          }
          accepted++;
          // One line, no control characters, no trailing backslash (a conf continuation).
          expect(definition).to.not.match(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u);
          expect(definition.endsWith("\\")).to.equal(false);

          const tokens = tokenizeSpl(definition);
          const strings = tokens.filter((t) => t.kind === "string").map((t) => (t as { value: string }).value);
          const clusterStrings = checked.allowCluster.map((name) => (/[:/]/.test(name) ? name : clusterRegex(name)));
          expect(strings).to.deep.equal([...checked.allowSrc, ...clusterStrings, ...checked.allowAgent.map(globToRegex)]);

          // Outside quotes: exactly what the template writes for the same shape of intent.
          const shape: FilterIntent = {
            allowSrc: checked.allowSrc.map((_, i) => `10.0.0.${i}`),
            allowCluster: checked.allowCluster.map((name, i) => (/[:/]/.test(name) ? `c:${i}` : `c${i}`)),
            allowAgent: checked.allowAgent.map((_, i) => `a${i}`),
            minCount: checked.minCount,
          };
          expect(splSkeleton(definition)).to.equal(splSkeleton(renderFilter(shape)));
          const outside = tokens.filter((t) => t.kind !== "string").map((t) => t.raw).join("");
          expect(outside).to.not.match(/[`[\]]/);
          const clauses = [checked.allowSrc, checked.allowCluster, checked.allowAgent].filter((l) => l.length > 0).length +
            (checked.minCount === undefined ? 0 : 1);
          expect(outside.split("|").length - 1).to.equal(Math.max(0, clauses - 1));

          // Written to macros.conf and read back, it is the same one setting in the same stanza.
          const conf = "[other]\ndefinition = x\n\n[" + FILTER_MACRO + "]\ndefinition = search *\n";
          const edited = writeSetting(conf, FILTER_MACRO, "definition", definition);
          expect(readSetting(edited, FILTER_MACRO, "definition")).to.equal(definition);
          expect(edited.match(/^\[.*\]$/gm)).to.deep.equal(["[other]", `[${FILTER_MACRO}]`]);
        },
      ),
      { numRuns: 2000 },
    );
    // The generators must reach the quoting code, not only the rejections.
    expect(accepted).to.be.greaterThan(400);
  });

  it("the lexer itself finds an escape when there is one", () => {
    expect(() => tokenizeSpl('cluster_name=="a\\"')).to.throw("unterminated string");
    expect(splSkeleton('x=="a" | y=="b"')).to.equal('x=="S" | y=="S"');
  });
});
