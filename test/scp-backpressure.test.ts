import { expect } from "chai";
import { GETINFO, chunk, execute } from "./support/scp-chunks";
import { CollectingWritable, EchoHandler, handlerOf, runPieces } from "./support/scp-session";

const COUNT = 25;

function executes(): Buffer[] {
  const chunks: Buffer[] = [];
  for (let i = 0; i < COUNT; i++) chunks.push(execute(i === COUNT - 1, `n,text\n${i},"row ${i}, ท"\n`));
  return chunks;
}

function expectedReplies(): string {
  let out = chunk('{"type":"streaming"}').toString();
  for (let i = 0; i < COUNT; i++) out += chunk(`{"finished":${i === COUNT - 1}}`, `n,text\n${i},"row ${i}, ท"\n`).toString();
  return out;
}

describe("scp session: backpressure", () => {
  it("pauses input while the output is full and resumes on 'drain' (one chunk per read)", async () => {
    const output = new CollectingWritable({ highWaterMark: 1, delayed: true });
    const events: string[] = [];
    output.on("drain", () => events.push("drain"));
    const echo = new EchoHandler();
    const handler = handlerOf((request) => (events.push("execute"), echo.execute(request)));
    const result = await runPieces([GETINFO].concat(executes()), handler, { output });

    // Every reply fills the 1-byte buffer, so no chunk may be handled until the previous reply drained.
    const expected = ["drain"];
    for (let i = 0; i < COUNT; i++) expected.push("execute", "drain");
    expect(events).to.deep.equal(expected);
    expect([result.code, result.output.toString()]).to.deep.equal([0, expectedReplies()]);
  });

  it("loses and reorders nothing when many chunks arrive in one read", async () => {
    const output = new CollectingWritable({ highWaterMark: 1, delayed: true });
    const result = await runPieces([Buffer.concat([GETINFO].concat(executes()))], new EchoHandler(), { output });
    expect([result.code, result.output.toString()]).to.deep.equal([0, expectedReplies()]);
  });

  it("gives the same bytes with a slow output as with a fast one", async () => {
    const fast = await runPieces([GETINFO].concat(executes()));
    const slow = await runPieces([GETINFO].concat(executes()), new EchoHandler(), {
      output: new CollectingWritable({ highWaterMark: 16, delayed: true }),
    });
    expect(slow.output.toString()).to.equal(fast.output.toString());
    expect(fast.output.toString()).to.equal(expectedReplies());
  });

  // Regression: one output.once("drain") per write that returned false made more than 10 pending
  // replies trigger node's MaxListenersExceededWarning on stderr. One pending listener is enough.
  it("waits for 'drain' with at most one listener, however many replies are pending", async () => {
    const output = new CollectingWritable({ highWaterMark: 1, delayed: true });
    let most = 0;
    const echo = new EchoHandler();
    const handler = handlerOf((request) => {
      most = Math.max(most, output.listenerCount("drain"));
      return echo.execute(request);
    });
    await runPieces([Buffer.concat([GETINFO].concat(executes()))], handler, { output });
    expect(most).to.be.at.most(1);
  });
});
