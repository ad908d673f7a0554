/**
 * Runs the ekspodscan command in-process over a splunkd-shaped stream and reads its replies.
 */
import { expect } from "chai";
import { EksPodScanCommand } from "../../src/command/ekspodscan";
import { execute, getinfo, GetinfoOptions, readReplies, Reply } from "./command-streams";
import { runWhole, SessionResult } from "./scp-session";

export interface CommandRun extends SessionResult {
  /** The replies after the getinfo reply, one per execute request. */
  replies: Reply[];
}

/** The stream splunkd would send: getinfo with `args`, then one execute chunk per [finished, body]. */
export function streamOf(args: string[], executes: Array<[boolean, string]>, options: GetinfoOptions = {}): Buffer {
  return Buffer.concat([getinfo(args, options)].concat(executes.map(([finished, body]) => execute(finished, body))));
}

/** Runs a whole session and checks the protocol's shape: exit 0, one reply per request, finished echoed. */
export async function runCommand(
  args: string[],
  executes: Array<[boolean, string]>,
  options: GetinfoOptions = {},
): Promise<CommandRun> {
  const result = await runWhole(streamOf(args, executes, options), new EksPodScanCommand());
  expect(result.logs, "stderr lines").to.deep.equal([]);
  expect(result.code, "exit code").to.equal(0);
  const all = readReplies(result.output);
  expect(all.length, "replies").to.equal(executes.length + 1);
  const replies = all.slice(1);
  replies.forEach((reply, i) => expect(reply.metaText, `reply ${i + 1}`).to.equal(`{"finished":${executes[i][0]}}`));
  return { ...result, replies };
}

/** The body of each reply after getinfo. */
export async function replyBodies(args: string[], executes: Array<[boolean, string]>, options: GetinfoOptions = {}): Promise<string[]> {
  return (await runCommand(args, executes, options)).replies.map((r) => r.body);
}
