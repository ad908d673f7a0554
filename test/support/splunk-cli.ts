/** Runs a CLI command in-process with captured stdout/stderr and a given environment. */
import type { CliIo } from "../../src/cli/connection";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export async function runCli(
  command: (argv: string[], io: CliIo) => Promise<number>,
  argv: string[],
  env: { [name: string]: string } = {},
): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    stderrIsTTY: false,
  };
  const code = await command(argv, io);
  return { code, stdout, stderr };
}
