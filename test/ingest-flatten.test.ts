import { expect } from "chai";
import { readFileSync } from "node:fs";
import { FieldSelection, flattenJson } from "../src/ingest/flatten";

const example = JSON.parse(readFileSync("../shared/reference/eks-audit-example-event.json", "utf8"));

describe("flattenJson (Splunk JSON extraction names)", () => {
  it("names the fields of a real EKS audit event as ESCU's search does", () => {
    const fields = flattenJson(example);
    expect(fields.get("user.username")).to.deep.equal(["k8s-test-user"]);
    expect(fields.get("user.groups{}")).to.deep.equal(["system:authenticated"]);
    expect(fields.get("sourceIPs{}")).to.deep.equal(["176.95.188.101"]);
    expect(fields.get("objectRef.resource")).to.deep.equal(["jobs"]);
    expect(fields.get("responseStatus.code")).to.deep.equal(["403"]);
    expect(fields.get("responseStatus.details.group")).to.deep.equal(["batch"]);
    expect(fields.get("annotations.authorization.k8s.io/decision")).to.deep.equal(["forbid"]);
    expect(fields.get("annotations.authorization.k8s.io/reason")).to.deep.equal([""]);
    expect(fields.has("responseStatus.metadata")).to.equal(false); // {} yields no field
  });

  it("makes arrays multivalues, arrays of objects a{}.b, and keeps JSON text of numbers, booleans, null", () => {
    const fields = flattenJson({
      sourceIPs: ["203.0.113.7", "10.0.0.1"],
      a: [{ b: 1 }, { b: 2, c: true }],
      nested: [[1, 2], [3]],
      n: 1.5,
      f: false,
      z: null,
      empty: [],
      user: { extra: { "accessKeyId": ["AKIA"] } },
    });
    expect([...fields.entries()]).to.deep.equal([
      ["sourceIPs{}", ["203.0.113.7", "10.0.0.1"]],
      ["a{}.b", ["1", "2"]],
      ["a{}.c", ["true"]],
      ["nested{}{}", ["1", "2", "3"]],
      ["n", ["1.5"]],
      ["f", ["false"]],
      ["z", ["null"]],
      ["user.extra.accessKeyId{}", ["AKIA"]],
    ]);
  });

  it("extracts only the selected fields, skipping other subtrees", () => {
    const selection = FieldSelection.only(["user.groups{}", "annotations.authorization.k8s.io/decision", "_time"]);
    const fields = flattenJson(example, selection);
    expect([...fields.entries()]).to.deep.equal([
      ["user.groups{}", ["system:authenticated"]],
      ["annotations.authorization.k8s.io/decision", ["forbid"]],
    ]);
  });
});
