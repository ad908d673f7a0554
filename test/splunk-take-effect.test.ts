// What makes each kind of app file take effect: the rules deploy prints (src/splunk/take-effect.ts).
import { expect } from "chai";
import { effectOf } from "../src/splunk/take-effect";

describe("deploy: what makes a changed file take effect", () => {
  it("commands.conf a restart, other confs a reload, bin/ and eks_pod_scan.conf the next search, READMEs nothing", () => {
    const files = [
      "default/commands.conf",
      "default/savedsearches.conf",
      "metadata/default.meta",
      "bin/ekspodscan.py",
      "bin/node/linux-x64/node",
      "default/eks_pod_scan.conf",
      "README.md",
      "README/eks_pod_scan.conf.spec",
    ];
    expect(files.map(effectOf)).to.deep.equal(["restart", "reload", "reload", "next-search", "next-search", "next-search", "nothing", "nothing"]);
  });
});
