import { expect } from "chai";
import { CommandError, CommandHandler } from "../src/scp/session";
import { runSession } from "../src/scp/session-stream";
import { GETINFO, bytePieces, chunk, errorReply, execute, splitChunks } from "./support/scp-chunks";
import { CollectingWritable, EchoHandler, handlerOf, piecesStream, runPieces, runWhole } from "./support/scp-session";

const STREAMING = chunk('{"type":"streaming"}');
const reply = (finished: boolean, body = "") => chunk(`{"finished":${finished}}`, body);
const concat = (...parts: Buffer[]) => Buffer.concat(parts);

function firstChunkApart(input: Buffer): Buffer[] {
  if (input.indexOf(GETINFO) !== 0 || input.length === GETINFO.length) return [input];
  return [input.subarray(0, GETINFO.length), input.subarray(GETINFO.length)];
}

describe("scp session: the happy path", () => {
  it("answers getinfo once and each execute once, echoing finished, then exits 0 at EOF", async () => {
    const handler = new EchoHandler();
    const result = await runWhole(concat(GETINFO, execute(false, "a,b\n1,2\n"), execute(true, '"a"\n3\n')), handler);
    expect(result.output.toString()).to.equal(concat(STREAMING, reply(false, "a,b\n1,2\n"), reply(true, "a\n3\n")).toString());
    expect([result.code, result.logs]).to.deep.equal([0, []]);
    expect(handler.executes.map((e) => e.finished)).to.deep.equal([false, true]);
    expect(handler.getinfos[0].searchInfo.search).to.equal("| echo");
  });

  it("exits 0 with no output when the input is empty, and after getinfo alone (a probe run)", async () => {
    expect(await runWhole(Buffer.alloc(0))).to.deep.equal({ code: 0, output: Buffer.alloc(0), logs: [] });
    const probe = await runWhole(GETINFO);
    expect([probe.code, probe.output.toString()]).to.deep.equal([0, STREAMING.toString()]);
  });

  it("tolerates a stray blank line between chunks", async () => {
    const result = await runWhole(concat(GETINFO, Buffer.from("\n"), execute(false, "a\n1\n"), Buffer.from("\r\n"), execute(true, "a\n2\n")));
    expect([result.code, result.output.toString()]).to.deep.equal([0, concat(STREAMING, reply(false, "a\n1\n"), reply(true, "a\n2\n")).toString()]);
  });

  it("handles a header-only execute body", async () => {
    const handler = new EchoHandler();
    const result = await runWhole(concat(GETINFO, execute(true, '"_time",x,"__mv__time","__mv_x"\n')), handler);
    expect(result.output.toString()).to.equal(concat(STREAMING, reply(true, "_time,x\n")).toString());
    expect(handler.executes[0]).to.deep.equal({ finished: true, bodyBytes: 32, rows: 0, fields: ["_time", "x"] });
  });

  it("handles an empty execute body, and a reply without a body is chunked 1.0,17,0", async () => {
    const bodies: number[] = [];
    const handler = handlerOf((request) => {
      bodies.push(request.body.length);
      return {};
    });
    const result = await runWhole(concat(GETINFO, execute(true)), handler);
    expect(result.output.toString("latin1")).to.equal('chunked 1.0,20,0\n{"type":"streaming"}chunked 1.0,17,0\n{"finished":true}');
    expect(bodies).to.deep.equal([0]);
  });

  it("treats a missing or non-boolean finished as false", async () => {
    const seen: boolean[] = [];
    const handler = handlerOf((request) => (seen.push(request.finished), {}));
    const result = await runWhole(concat(GETINFO, chunk('{"action":"execute"}'), chunk('{"action":"execute","finished":"true"}')), handler);
    expect(result.output.toString()).to.equal(concat(STREAMING, reply(false), reply(false)).toString());
    expect(seen).to.deep.equal([false, false]);
  });

  it("sends warnings as inspector messages before finished in an execute reply (exact bytes)", async () => {
    const handler = handlerOf(() => ({ messages: [["WARN", "x"]], body: "a\n1\n" }));
    const result = await runWhole(concat(GETINFO, execute(false, "a\n1\n")), handler);
    expect(result.output.toString("latin1")).to.equal(
      'chunked 1.0,20,0\n{"type":"streaming"}chunked 1.0,58,4\n{"inspector":{"messages":[["WARN","x"]]},"finished":false}a\n1\n',
    );
    expect(result.code).to.equal(0);
  });

  it("adds getinfo messages to the getinfo reply, and leaves an empty message list out", async () => {
    const handler = handlerOf(
      () => ({ messages: [] }),
      () => ({ info: { type: "reporting", streaming_preop: 'echo phase="map"' }, messages: [["INFO", "hello ท"]] }),
    );
    const result = await runWhole(concat(GETINFO, execute(true)), handler);
    expect(result.output.toString("utf8")).to.equal(
      'chunked 1.0,107,0\n{"type":"reporting","streaming_preop":"echo phase=\\"map\\"","inspector":{"messages":[["INFO","hello ท"]]}}' +
        'chunked 1.0,17,0\n{"finished":true}',
    );
  });
});

describe("scp session: errors (exact reply bytes and exit code)", () => {
  // The first chunk is fed as a piece of its own: replies to chunks that share a read with the bad
  // bytes are the subject of a separate test below.
  async function expectError(input: Buffer, message: string, before: Buffer = Buffer.alloc(0), handler: CommandHandler = new EchoHandler()) {
    const result = await runPieces(firstChunkApart(input), handler);
    expect(result.output.toString("utf8")).to.equal(concat(before, errorReply(message)).toString("utf8"));
    expect(result.code).to.equal(1);
    expect(result.logs[0]).to.equal(`error: ${message}`);
    return result;
  }

  it("the error chunk puts inspector before error, finished true", () => {
    expect(errorReply("m").toString()).to.equal('chunked 1.0,70,0\n{"inspector":{"messages":[["ERROR","m"]]},"finished":true,"error":"m"}');
  });

  it("a malformed header", () => expectError(Buffer.from("hello\n"), 'expected a chunk header "chunked 1.0,<n>,<n>", got "hello"'));

  it("a negative length", () =>
    expectError(concat(GETINFO, Buffer.from("chunked 1.0,-36,0\n")), 'expected a chunk header "chunked 1.0,<n>,<n>", got "chunked 1.0,-36,0"', STREAMING));

  it("bad JSON metadata", () => expectError(chunk('{"action":"getinfo",}'), 'chunk 1 metadata is not JSON: "{\\"action\\":\\"getinfo\\",}"'));

  it("metadata that is not an object", () =>
    expectError(concat(GETINFO, chunk('["execute"]')), 'chunk 2 metadata is not a JSON object: "[\\"execute\\"]"', STREAMING));

  it("oversized lengths", async () => {
    await expectError(concat(GETINFO, Buffer.from("chunked 1.0,36,9007199254740992\n")), "chunk body of 9007199254740992 bytes exceeds the limit of 9007199254740991", STREAMING);
    await expectError(Buffer.from("chunked 1.0,16777217,0\n"), "chunk metadata of 16777217 bytes exceeds the limit of 16777216");
  });

  it("EOF inside a chunk", () =>
    expectError(concat(GETINFO, execute(true, "a\n1\n").subarray(0, 50)), "input ended inside chunk 2: got 33 of 40 bytes", STREAMING));

  it("EOF inside a header", () =>
    expectError(concat(GETINFO, Buffer.from("chunked 1.0,36")), 'input ended inside a chunk header: "chunked 1.0,36"', STREAMING));

  it("a first chunk that is not getinfo", () => expectError(execute(true, "a\n1\n"), 'expected a getinfo chunk first, got action "execute"'));

  it("a first chunk without an action", () => expectError(chunk("{}"), "expected a getinfo chunk first, got action undefined"));

  it("getinfo with a body", () =>
    expectError(chunk('{"action":"getinfo","searchinfo":{}}', "a\n1\n"), "getinfo chunk carries an unexpected body"));

  it("getinfo without searchinfo", () => expectError(chunk('{"action":"getinfo"}'), "getinfo request has no searchinfo object"));

  it("an unknown action after getinfo", () =>
    expectError(concat(GETINFO, chunk('{"action":"frobnicate","finished":true}')), 'expected an execute chunk, got action "frobnicate"', STREAMING));

  it("a second getinfo", () => expectError(concat(GETINFO, GETINFO), 'expected an execute chunk, got action "getinfo"', STREAMING));

  it("a CommandError from execute: its message as is, no stack in the log", async () => {
    const handler = handlerOf(() => {
      throw new CommandError("Unrecognized option: x=y. Valid options: mode, phase");
    });
    const result = await expectError(concat(GETINFO, execute(true, "a\n1\n")), "Unrecognized option: x=y. Valid options: mode, phase", STREAMING, handler);
    expect(result.logs).to.have.length(1);
  });

  it("a CommandError from getinfo", () => {
    const handler = handlerOf(
      () => ({}),
      () => {
        throw new CommandError("bad option");
      },
    );
    return expectError(concat(GETINFO, execute(true)), "bad option", Buffer.alloc(0), handler);
  });

  it("a generic Error: `Error: msg`, with its stack in the log only", async () => {
    const handler = handlerOf(() => {
      throw new Error("boom");
    });
    const result = await expectError(concat(GETINFO, execute(false, "a\n1\n"), execute(true)), "Error: boom", STREAMING, handler);
    expect(result.logs).to.have.length(2);
    expect(result.logs[1]).to.match(/^Error: boom\n\s+at /);
    expect(result.output.includes("    at ")).to.equal(false);
  });

  it("a TypeError and a thrown non-Error", async () => {
    const typeError = handlerOf(() => {
      throw new TypeError("x is not a function");
    });
    await expectError(concat(GETINFO, execute(true)), "TypeError: x is not a function", STREAMING, typeError);
    const text = handlerOf(() => {
      throw "plain text";
    });
    await expectError(concat(GETINFO, execute(true)), "plain text", STREAMING, text);
  });

  it("malformed CSV in an execute body fails the session through the handler", () =>
    expectError(concat(GETINFO, execute(true, 'a,b\n"x,1\n')), "CSV row 1: a quoted value is never closed", STREAMING));

  it("logs to stderr by default and writes nothing but chunks to the output", async () => {
    const written: { stdout: string[]; stderr: string[] } = { stdout: [], stderr: [] };
    const realStdout = process.stdout.write;
    const realStderr = process.stderr.write;
    process.stdout.write = ((text: string) => (written.stdout.push(String(text)), true)) as typeof process.stdout.write;
    process.stderr.write = ((text: string) => (written.stderr.push(String(text)), true)) as typeof process.stderr.write;
    const output = new CollectingWritable();
    let code: number;
    try {
      code = await runSession(piecesStream([GETINFO, Buffer.from("junk\n")]), output, new EchoHandler());
    } finally {
      process.stdout.write = realStdout;
      process.stderr.write = realStderr;
    }
    expect(code).to.equal(1);
    expect(written.stdout).to.deep.equal([]);
    expect(written.stderr).to.deep.equal(['error: expected a chunk header "chunked 1.0,<n>,<n>", got "junk"\n']);
    expect(splitChunks(output.bytes()).map((c) => c.metaText)).to.deep.equal([
      '{"type":"streaming"}',
      '{"inspector":{"messages":[["ERROR","expected a chunk header \\"chunked 1.0,<n>,<n>\\", got \\"junk\\""]]},"finished":true,"error":"expected a chunk header \\"chunked 1.0,<n>,<n>\\", got \\"junk\\""}',
    ]);
  });
});

describe("scp session: after an error, nothing more", () => {
  // Regression: the session kept its 'data' and 'end' listeners until the error chunk's write callback
  // ran, so input arriving in the meantime was still answered, with more replies and error chunks.
  it("input arriving after a bad chunk gets no reply and no second error chunk", async () => {
    const result = await runPieces([GETINFO, chunk("{bad"), execute(true, "a\n1\n"), chunk("{bad")]);
    expect(result.output.toString()).to.equal(concat(STREAMING, errorReply('chunk 2 metadata is not JSON: "{bad"')).toString());
    expect([result.code, result.logs.length]).to.deep.equal([1, 1]);
  });

  it("garbage fed one byte at a time gives one error chunk", async () => {
    const result = await runPieces(bytePieces(concat(GETINFO, Buffer.from("x".repeat(200)))));
    const chunks = splitChunks(result.output);
    expect(chunks.map((c) => c.meta.error)).to.deep.equal([undefined, `expected a chunk header, got "${"x".repeat(60)}"...`]);
    expect(result.code).to.equal(1);
  });

  it("a handler error is followed by nothing, whatever else arrives", async () => {
    let calls = 0;
    const handler = handlerOf(() => {
      calls++;
      throw new CommandError("stop here");
    });
    const result = await runPieces([GETINFO, execute(false, "a\n1\n"), execute(false, "a\n2\n"), Buffer.from("junk")], handler);
    expect(result.output.toString()).to.equal(concat(STREAMING, errorReply("stop here")).toString());
    expect([result.code, calls]).to.deep.equal([1, 1]);
  });

  // Regression: push() threw on a bad chunk before returning the good chunks completed from the same
  // data, so whether they got replies (and which error was reported) depended on stdin's fragmentation.
  it("chunks completed before a framing error are answered however the input was split", async () => {
    const stream = concat(GETINFO, execute(false, "a\n1\n"), Buffer.from("garbage\n"));
    const expected = concat(STREAMING, reply(false, "a\n1\n"), errorReply('expected a chunk header "chunked 1.0,<n>,<n>", got "garbage"')).toString();
    expect((await runPieces([GETINFO, execute(false, "a\n1\n"), Buffer.from("garbage\n")])).output.toString()).to.equal(expected);
    expect((await runWhole(stream)).output.toString()).to.equal(expected);
  });
});
