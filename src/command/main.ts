// Entry point of app/bin/ekspodscan.js: splunkd spawns it and speaks SCP v2 on stdin/stdout.
// Diagnostics go to stderr (search.log); stdout carries protocol chunks only.
import { runSession } from "../scp/session";
import { COMMAND_NAME, EksPodScanCommand } from "./ekspodscan";

const log = (line: string) => process.stderr.write(`${COMMAND_NAME}: ${line}\n`);

runSession(process.stdin, process.stdout, new EksPodScanCommand(), log).then((code) => {
  // After an error splunkd may keep our stdin open: leave now that the error chunk is flushed.
  if (code !== 0) process.exit(code);
});
