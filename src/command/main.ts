// Entry point of app/bin/ekspodscan.js: splunkd spawns it and speaks SCP v2 on stdin/stdout.
// Diagnostics go to stderr (search.log); stdout carries protocol chunks only.
import { Session } from "../scp/session";
import { runBlockingSession } from "../scp/session-fd";
import { runSession } from "../scp/session-stream";
import { COMMAND_NAME, EksPodScanCommand } from "./ekspodscan";

const log = (line: string) => process.stderr.write(`${COMMAND_NAME}: ${line}\n`);

const session = new Session(new EksPodScanCommand(), log);
const result = runBlockingSession(session, 0, 1, log);
if ("code" in result) {
  process.exitCode = result.code;
} else {
  runSession(process.stdin, process.stdout, session, log).then((code) => {
    // After an error splunkd may keep our stdin open: leave now that the error chunk is flushed.
    if (code !== 0) process.exit(code);
  });
}
