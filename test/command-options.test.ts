import { expect } from "chai";
import { EksPodScanCommand } from "../src/command/ekspodscan";
import { mapPhaseArgs, Options, parseOptions } from "../src/command/options";
import { CommandError } from "../src/scp/session";
import { execute, getinfo } from "./support/command-streams";
import { errorReply } from "./support/scp-chunks";
import { runWhole } from "./support/scp-session";

const DEFAULTS: Options = { mode: "stats", match: "exact", enrich: false, by: "seed", phase: "reduce" };
const VALID = "Valid options: mode, match, enrich, by.";

function rejection(args: string[]): string {
  try {
    parseOptions(args);
  } catch (err) {
    expect(err).to.be.instanceOf(CommandError);
    return (err as Error).message;
  }
  throw new Error(`parseOptions(${JSON.stringify(args)}) accepted the arguments`);
}

/** Every rejected argument list, with the exact message the user sees. */
const BAD_ARGUMENTS: Array<[string[], string]> = [
  [["bogus=1"], `Unrecognized option "bogus". ${VALID}`],
  [["Fieldname=word_count"], `Unrecognized option "Fieldname". ${VALID}`],
  [["mode=stats", "count=5"], `Unrecognized option "count". ${VALID}`],
  [["text"], 'Unexpected argument "text": ekspodscan takes only name=value options (mode, match, enrich, by).'],
  [["=annotate"], 'Unexpected argument "=annotate": ekspodscan takes only name=value options (mode, match, enrich, by).'],
  [[""], 'Unexpected argument "": ekspodscan takes only name=value options (mode, match, enrich, by).'],
  [["mode=stats", "mode=annotate"], "Option mode is given more than once."],
  [["match=exact", "MATCH=broad"], "Option match is given more than once."],
  [["enrich=t", "enrich=t"], "Option enrich is given more than once."],
  [["mode=table"], 'Invalid value for mode: "table". Expected one of: stats, annotate, filter.'],
  [["mode="], 'Invalid value for mode: "". Expected one of: stats, annotate, filter.'],
  [["match=fuzzy"], 'Invalid value for match: "fuzzy". Expected one of: exact, broad.'],
  [["enrich=yes"], 'Invalid value for enrich: "yes". Expected a boolean: true, false, t, f, 1 or 0.'],
  [["enrich=2"], 'Invalid value for enrich: "2". Expected a boolean: true, false, t, f, 1 or 0.'],
  [["enrich="], 'Invalid value for enrich: "". Expected a boolean: true, false, t, f, 1 or 0.'],
  [["by=cluster"], 'Invalid value for by: "cluster". Expected one of: seed, client.'],
  [["by=client", "BY=seed"], "Option by is given more than once."],
  [["mode=filter", "by=client"], "by=client applies only to mode=stats, not mode=filter."],
  [["phase=combine"], 'Invalid value for phase: "combine". Expected one of: map, reduce.'],
  [["phase=map", "mode=annotate"], "phase=map applies only to mode=stats, not mode=annotate."],
  [["mode=Filter", "phase=MAP"], "phase=map applies only to mode=stats, not mode=filter."],
  // Spaces around "=" reach us as separate words (Splunk splits args on whitespace).
  [["mode", "=", "annotate"], 'Unexpected argument "mode": ekspodscan takes only name=value options (mode, match, enrich, by).'],
];

describe("command options: parseOptions", () => {
  it("defaults to mode=stats match=exact enrich=false phase=reduce", () => {
    expect(parseOptions([])).to.deep.equal(DEFAULTS);
  });

  it("reads name=value options in any order", () => {
    expect(parseOptions(["enrich=true", "match=broad", "mode=annotate"])).to.deep.equal({
      mode: "annotate", match: "broad", enrich: true, by: "seed", phase: "reduce",
    });
    expect(parseOptions(["phase=map", "match=broad"])).to.deep.equal({ ...DEFAULTS, match: "broad", phase: "map" });
    expect(parseOptions(["mode=filter"])).to.deep.equal({ ...DEFAULTS, mode: "filter" });
    expect(parseOptions(["mode=stats", "phase=reduce"])).to.deep.equal(DEFAULTS);
  });

  it("reads booleans t/f/true/false/1/0 in any letter case", () => {
    for (const word of ["t", "T", "true", "TRUE", "True", "1"]) {
      expect(parseOptions([`enrich=${word}`]).enrich, word).to.equal(true);
    }
    for (const word of ["f", "F", "false", "FALSE", "False", "0"]) {
      expect(parseOptions([`enrich=${word}`]).enrich, word).to.equal(false);
    }
  });

  it("reads option names and enum values in any letter case, and strips quotes around a value", () => {
    expect(parseOptions(["MODE=Annotate", "Match=BROAD", "ENRICH=T"])).to.deep.equal({
      mode: "annotate", match: "broad", enrich: true, by: "seed", phase: "reduce",
    });
    expect(parseOptions(['mode="filter"', 'enrich="1"'])).to.deep.equal({ ...DEFAULTS, mode: "filter", enrich: true });
  });

  it("takes only the first '=' as the separator", () => {
    expect(rejection(["mode=stats=1"])).to.equal('Invalid value for mode: "stats=1". Expected one of: stats, annotate, filter.');
  });

  for (const [args, message] of BAD_ARGUMENTS) {
    it(`rejects ${JSON.stringify(args)}`, () => {
      expect(rejection(args)).to.equal(message);
    });
  }

  it("gives the map phase its match mode only (enrich and mode belong to the reduce)", () => {
    expect(mapPhaseArgs(parseOptions([]))).to.equal("phase=map match=exact");
    expect(mapPhaseArgs(parseOptions(["match=BROAD", "enrich=t"]))).to.equal("phase=map match=broad");
    // What the pre-op runs must itself parse back to the same match.
    const preop = mapPhaseArgs(parseOptions(["match=broad"])).split(" ");
    expect(parseOptions(preop)).to.deep.equal({ ...DEFAULTS, match: "broad", phase: "map" });
  });
});

describe("command options: through a session", () => {
  for (const [args, message] of BAD_ARGUMENTS) {
    it(`answers getinfo ${JSON.stringify(args)} with the exact error chunk and exit code 1`, async () => {
      // An execute chunk follows, as splunkd would send: the session must stop at the error.
      const result = await runWhole(Buffer.concat([getinfo(args), execute(true, "a\n1\n")]), new EksPodScanCommand());
      expect(result.output.toString("utf8")).to.equal(errorReply(message).toString("utf8"));
      expect(result.code).to.equal(1);
      expect(result.logs).to.deep.equal([`error: ${message}`]);
    });
  }

  it("writes the error chunk byte for byte as splunkd expects (inspector before error)", async () => {
    const result = await runWhole(getinfo(["bogus=1"]), new EksPodScanCommand());
    const json = '"Unrecognized option \\"bogus\\". Valid options: mode, match, enrich, by."';
    const meta = `{"inspector":{"messages":[["ERROR",${json}]]},"finished":true,"error":${json}}`;
    expect(result.output.toString("latin1")).to.equal(`chunked 1.0,${meta.length},0\n${meta}`);
    expect(meta.length).to.equal(208);
  });

  it("accepts every valid option form in a session and exits 0", async () => {
    for (const args of [[], ["enrich=T"], ["MODE=annotate", "match=Broad"], ["phase=map"], ["mode=filter", "enrich=0"]]) {
      const result = await runWhole(getinfo(args), new EksPodScanCommand());
      expect(result.code, args.join(" ")).to.equal(0);
      expect(result.logs, args.join(" ")).to.deep.equal([]);
    }
  });
});
