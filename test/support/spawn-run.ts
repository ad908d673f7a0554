/** Spawns a command as splunkd does: input on stdin, stdout and stderr collected, a guard against hangs. */
import { spawn } from "child_process";

export interface ProcessResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  timedOut: boolean;
}

export interface RunOptions {
  /** Leave stdin open after the input, as splunkd may after an error. */
  keepOpen?: boolean;
  guardMs?: number;
  /** Write the input as these pieces, each a write of its own once the one before is flushed. */
  pieces?: Buffer[];
}

export interface SpawnOptions extends RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv; // the whole environment, as splunkd builds it (default: this process's)
}

/** Spawns argv as splunkd would: input on stdin, stdout and stderr collected, a guard against hangs. */
export function runArgv(argv: string[], input: Buffer, options: SpawnOptions = {}): Promise<ProcessResult> {
  return new Promise<ProcessResult>((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { cwd: options.cwd, env: options.env, stdio: ["pipe", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const guard = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.guardMs || 15000);
    child.stdout.on("data", (data: Buffer) => stdout.push(data));
    child.stderr.on("data", (data: Buffer) => stderr.push(data));
    // A command that stops reading after an error closes its stdin: not our failure.
    child.stdin.on("error", (err: NodeJS.ErrnoException) => {
      if (err.code !== "EPIPE" && err.code !== "ECONNRESET") reject(err);
    });
    child.on("error", (err) => {
      clearTimeout(guard);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr).toString("utf8"), timedOut });
    });
    const pieces = options.pieces || [input];
    const writeFrom = (i: number): void => {
      if (i === pieces.length) {
        if (!options.keepOpen) child.stdin.end();
        return;
      }
      child.stdin.write(pieces[i], (err) => (err ? undefined : writeFrom(i + 1)));
    };
    writeFrom(0);
  });
}

