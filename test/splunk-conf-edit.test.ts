import { expect } from "chai";
import { readSetting, writeSetting } from "../src/splunk/conf-edit";
import { unifiedDiff } from "../src/splunk/diff";

const M = "amazon_eks_kubernetes_pod_scan_detection_filter";

describe("conf setting editor (tune's local/macros.conf)", () => {
  const conf = [
    "# operator's notes: keep",
    "[aws_cloudwatchlogs_eks]",
    'definition = index=eks sourcetype="aws:cloudwatchlogs:eks"',
    "",
    "# [" + M + "] in a comment is not a stanza",
    `[${M}]`,
    "# definition = commented out, not a setting",
    "definition = where count > 1 \\",
    "| where x=1",
    "description = mine",
    "",
    "[security_content_ctime(1)]",
    "args = field",
    "",
  ].join("\n");

  it("reads a value continued with a trailing backslash, ignoring comments", () => {
    expect(readSetting(conf, M, "definition")).to.equal("where count > 1 \n| where x=1");
    expect(readSetting(conf, M, "description")).to.equal("mine");
    expect(readSetting(conf, M, "args")).to.equal(undefined);
    expect(readSetting(conf, "missing", "definition")).to.equal(undefined);
  });

  it("replaces the whole (continued) value and nothing else", () => {
    expect(writeSetting(conf, M, "definition", "search *")).to.equal(
      conf.replace("definition = where count > 1 \\\n| where x=1\n", "definition = search *\n"),
    );
  });

  it("inserts the key after the header when the stanza lacks it", () => {
    expect(writeSetting("[a]\nx = 1\n\n[" + M + "]\ndescription = d\n", M, "definition", "search *")).to.equal(
      `[a]\nx = 1\n\n[${M}]\ndefinition = search *\ndescription = d\n`,
    );
  });

  it("appends the stanza after a blank line when the file has none, or creates the file's text", () => {
    expect(writeSetting("[a]\nx = 1", M, "definition", "search *")).to.equal(`[a]\nx = 1\n\n[${M}]\ndefinition = search *\n`);
    expect(writeSetting("", M, "definition", "search *")).to.equal(`[${M}]\ndefinition = search *\n`);
  });

  it("keeps CRLF line endings", () => {
    expect(writeSetting(`# c\r\n[${M}]\r\ndefinition = a\r\n[b]\r\nk = v\r\n`, M, "definition", "z")).to.equal(
      `# c\r\n[${M}]\r\ndefinition = z\r\n[b]\r\nk = v\r\n`,
    );
  });

  it("edits the last of repeated stanzas (Splunk's later-wins merge)", () => {
    const repeated = `[${M}]\ndefinition = first\n[other]\n[${M}]\ndescription = d\n`;
    expect(writeSetting(repeated, M, "definition", "new")).to.equal(`[${M}]\ndefinition = first\n[other]\n[${M}]\ndefinition = new\ndescription = d\n`);
    expect(readSetting(writeSetting(repeated, M, "definition", "new"), M, "definition")).to.equal("new");
  });

  it("refuses a value that would span lines", () => {
    expect(() => writeSetting("", M, "definition", "a\nb")).to.throw("one line");
    expect(() => writeSetting("", M, "definition", "a\\")).to.throw("one line");
  });
});

describe("unified diff", () => {
  it("is empty for equal texts", () => {
    expect(unifiedDiff("a\n", "a\n", "x", "y")).to.equal("");
  });

  it("prints diff -u hunks with 3 lines of context, splitting distant changes", () => {
    const before = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"].join("\n") + "\n";
    const after = ["1", "two", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13"].join("\n") + "\n";
    expect(unifiedDiff(before, after, "a/f", "b/f")).to.equal(
      ["--- a/f", "+++ b/f", "@@ -1,5 +1,5 @@", " 1", "-2", "+two", " 3", " 4", " 5", "@@ -10,3 +10,4 @@", " 10", " 11", " 12", "+13", ""].join("\n"),
    );
  });

  it("a new file is all additions from line 0", () => {
    expect(unifiedDiff("", "a\nb\n", "/dev/null", "b/f")).to.equal("--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
  });
});
