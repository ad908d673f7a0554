import { expect } from "chai";
import fc from "fast-check";
import { ProtocolError } from "../src/scp/framing";
import { SearchInfo, parseGetInfo } from "../src/scp/getinfo";
import { readRecording, splitChunks } from "./support/scp-chunks";

type Meta = { [key: string]: unknown };

function recordedGetInfo(name: string): Meta {
  return splitChunks(readRecording(name))[0].meta;
}

function sessionKeyOf(meta: Meta): string {
  return (meta.searchinfo as Meta).session_key as string;
}

const SUM_SEARCH =
  "| inputlookup random_data max=50000 | sum total=total value1 record=t | export add_timestamp=f add_offset=t format=csv segmentation=raw";

// A getinfo in splunkd 8.2.1's own shape and key order (reference §2): times as strings,
// maxresultrows a number, search percent-encoded. The values are made up.
const SPLUNKD_821: Meta = {
  action: "getinfo",
  preview: false,
  streaming_command_will_restart: false,
  searchinfo: {
    args: ["mode=annotate", "pattern=\\w+"],
    raw_args: ["mode=annotate", 'pattern="\\w+"'],
    dispatch_dir: "C:\\Program Files\\Splunk\\var\\run\\splunk\\dispatch\\1627333210.12",
    sid: "1627333210.12",
    app: "eks_pod_scan",
    owner: "admin",
    username: "admin",
    session_key: "abc^def",
    splunkd_uri: "https://127.0.0.1:8089",
    splunk_version: "8.2.1",
    search: "search%20index%3Daws%20%7C%20ekspodscan%20mode%3Dannotate%20pattern%3D%22%5Cw%2B%22",
    command: "ekspodscan",
    maxresultrows: 50000,
    earliest_time: "1627246800",
    latest_time: "1627333200",
  },
};

const SPLUNKD_821_PARSED: SearchInfo = {
  args: ["mode=annotate", "pattern=\\w+"],
  rawArgs: ["mode=annotate", 'pattern="\\w+"'],
  command: "ekspodscan",
  search: 'search index=aws | ekspodscan mode=annotate pattern="\\w+"',
  earliestTime: 1627246800,
  latestTime: 1627333200,
  maxResultRows: 50000,
  sid: "1627333210.12",
  app: "eks_pod_scan",
  owner: "admin",
  username: "admin",
  splunkVersion: "8.2.1",
  dispatchDir: "C:\\Program Files\\Splunk\\var\\run\\splunk\\dispatch\\1627333210.12",
  splunkdUri: "https://127.0.0.1:8089",
  sessionKey: "abc^def",
};

function shuffledObject(source: Meta, order: string[]): Meta {
  const out: Meta = {};
  for (const key of order) out[key] = source[key];
  return out;
}

describe("scp getinfo: parseGetInfo", () => {
  it("reads the 6.3 recording (percent-encoded search, string times, no command/maxresultrows)", () => {
    const meta = recordedGetInfo("countmatches.input");
    expect(parseGetInfo(meta)).to.deep.equal({
      preview: false,
      searchInfo: {
        args: ["fieldname=word_count", "pattern=\\w+", "text"],
        rawArgs: ["fieldname=word_count", 'pattern="\\w+"', "text"],
        command: "",
        search:
          '| inputlookup tweets | countmatches fieldname=word_count pattern="\\w+" text record=t | export add_timestamp=f add_offset=t format=csv segmentation=raw',
        earliestTime: 0,
        latestTime: 0,
        maxResultRows: 50000,
        sid: "1433261372.158",
        app: "chunked_searchcommands",
        owner: "admin",
        username: "admin",
        splunkVersion: "20150522",
        dispatchDir: "/Users/david-noble/Workspace/Splunk/var/run/splunk/dispatch/1433261372.158",
        splunkdUri: "https://127.0.0.1:8089",
        sessionKey: sessionKeyOf(meta),
      },
    });
  });

  it("reads the map and reduce phases of sum, whose keys come in other orders", () => {
    const map = parseGetInfo(recordedGetInfo("sum.map.input")).searchInfo;
    expect([map.args, map.rawArgs, map.search, map.sid]).to.deep.equal([
      ["total=total", "value1", "phase=map"],
      ['total="total"', "value1", "phase=map"],
      SUM_SEARCH,
      "1433261392.159",
    ]);
    const reduce = parseGetInfo(recordedGetInfo("sum.reduce.input")).searchInfo;
    expect([reduce.args, reduce.rawArgs, reduce.search, reduce.sid]).to.deep.equal([
      ["total=total", "value1"],
      ["total=total", "value1"],
      SUM_SEARCH,
      "1433261392.159",
    ]);
  });

  it("reads the 8.0.3 recording (times as numbers, search already decoded, command and maxresultrows)", () => {
    const meta = recordedGetInfo("multibyte.input");
    expect(parseGetInfo(meta)).to.deep.equal({
      preview: false,
      searchInfo: {
        args: [],
        rawArgs: [],
        command: "harvest",
        search: 'search index=_internal | table _time | eval teststring="\u00e0\u00b8\u0097t"| harvest record=true',
        earliestTime: 1599084000,
        latestTime: 1599172248,
        maxResultRows: 50000,
        sid: "1599172248.26",
        app: "search",
        owner: "admin",
        username: "admin",
        splunkVersion: "8.0.3",
        dispatchDir: "/opt/splunk/var/run/splunk/dispatch/1599172248.26",
        splunkdUri: "https://127.0.0.1:8089",
        sessionKey: sessionKeyOf(meta),
      },
    });
  });

  it("reads splunkd 8.2.1's own shape", () => {
    expect(parseGetInfo(SPLUNKD_821)).to.deep.equal({ preview: false, searchInfo: SPLUNKD_821_PARSED });
  });

  it("gives the same result for keys in any order, top level and searchinfo", () => {
    const info = SPLUNKD_821.searchinfo as Meta;
    fc.assert(
      fc.property(
        fc.shuffledSubarray(Object.keys(SPLUNKD_821), { minLength: 4 }),
        fc.shuffledSubarray(Object.keys(info), { minLength: Object.keys(info).length }),
        (topOrder, infoOrder) => {
          const meta = shuffledObject({ ...SPLUNKD_821, searchinfo: shuffledObject(info, infoOrder) }, topOrder);
          expect(parseGetInfo(meta)).to.deep.equal({ preview: false, searchInfo: SPLUNKD_821_PARSED });
        },
      ),
    );
  });

  it("takes times as numbers or strings, and preview only when it is true", () => {
    const info = { ...(SPLUNKD_821.searchinfo as Meta), earliest_time: 1627246800.5, latest_time: "1627333200.25", maxresultrows: "1000" };
    const parsed = parseGetInfo({ preview: true, searchinfo: info });
    expect([parsed.preview, parsed.searchInfo.earliestTime, parsed.searchInfo.latestTime, parsed.searchInfo.maxResultRows]).to.deep.equal([
      true,
      1627246800.5,
      1627333200.25,
      1000,
    ]);
    expect(parseGetInfo({ preview: "true", searchinfo: { earliest_time: "", latest_time: "now" } }).preview).to.equal(false);
    const odd = parseGetInfo({ searchinfo: { earliest_time: "", latest_time: "now" } }).searchInfo;
    expect([odd.earliestTime, odd.latestTime]).to.deep.equal([0, 0]);
  });

  it("decodes a percent-encoded search, and keeps a plain one or one that is not valid percent-encoding", () => {
    const searchOf = (search: string) => parseGetInfo({ searchinfo: { search } }).searchInfo.search;
    expect(searchOf("%7C%20makeresults%20count%3D1")).to.equal("| makeresults count=1");
    expect(searchOf("| makeresults | eval x=\"100%25\"")).to.equal('| makeresults | eval x="100%25"');
    expect(searchOf("x%ZZ")).to.equal("x%ZZ");
  });

  it("defaults raw_args to args, and missing strings to empty", () => {
    const parsed = parseGetInfo({ searchinfo: { args: ["a=1"] } }).searchInfo;
    expect([parsed.rawArgs, parsed.command, parsed.sid, parsed.maxResultRows]).to.deep.equal([["a=1"], "", "", 50000]);
  });

  it("rejects a request without a searchinfo object, or with args that are not strings", () => {
    for (const meta of [{}, { searchinfo: null }, { searchinfo: [] }, { searchinfo: "x" }]) {
      expect(() => parseGetInfo(meta)).to.throw(ProtocolError, "getinfo request has no searchinfo object");
    }
    expect(() => parseGetInfo({ searchinfo: { args: "a=1" } })).to.throw(ProtocolError, "getinfo searchinfo.args is not a list of strings");
    expect(() => parseGetInfo({ searchinfo: { args: [], raw_args: [1] } })).to.throw(
      ProtocolError,
      "getinfo searchinfo.raw_args is not a list of strings",
    );
  });
});
