/**
 * One run of the search command as splunkd runs it: a child process spoken to over SCP v2 on its
 * stdin/stdout, one request chunk at a time, each answered by exactly one reply chunk. stderr is the
 * command's log (search.log in Splunk); its tail is kept for error messages.
 */
import { ChildProcess, spawn } from "node:child_process";
import { ChunkDecoder, encodeChunk } from "../scp/framing";
import { Chunk } from "../scp/types";

export interface CommandSpec {
  nodePath: string; // the node that runs the bundle (Splunk 8.x ships node 8.17)
  scriptPath: string; // app/bin/ekspodscan.js, or a stand-in in tests
  cwd?: string; // Splunk runs commands in the app's bin/
}

/** The command failed: it replied with an error, broke the protocol, or exited unexpectedly. */
export class CommandFailure extends Error {}

/** Non-fatal messages from the command's replies (inspector.messages), e.g. [["WARN", "..."]]. */
export type MessageSink = (level: string, text: string) => void;

const STDERR_TAIL_BYTES = 4096;

export class CommandProcess {
  private readonly child: ChildProcess;
  private readonly decoder = new ChunkDecoder();
  private readonly replies: Chunk[] = [];
  private waiter: { resolve(chunk: Chunk): void; reject(err: Error): void } | null = null;
  private problem: Error | null = null;
  private stderrTail = "";
  private readonly exited: Promise<{ code: number | null; signal: string | null }>;

  constructor(
    spec: CommandSpec,
    readonly label: string, // "ekspodscan (map phase)"
    private readonly onMessage: MessageSink,
  ) {
    this.child = spawn(spec.nodePath, [spec.scriptPath], { cwd: spec.cwd, stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => {
      this.child.on("close", (code, signal) => resolve({ code, signal }));
    });
    this.child.on("error", (err) => this.fail(new CommandFailure(`cannot run ${label} (${spec.nodePath} ${spec.scriptPath}): ${err.message}`)));
    this.child.stdin!.on("error", () => {
      /* EPIPE when the command dies; reported by the exit handler with its stderr */
    });
    this.child.stdout!.on("data", (data: Buffer) => this.receive(data));
    this.child.stdout!.on("end", () => {
      try {
        this.decoder.end();
      } catch (err) {
        this.fail(new CommandFailure(`${label} broke the protocol: ${(err as Error).message}`));
      }
    });
    this.child.stderr!.on("data", (data: Buffer) => {
      this.stderrTail = (this.stderrTail + data.toString("utf8")).slice(-STDERR_TAIL_BYTES);
    });
    this.exited.then(({ code, signal }) => {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      this.fail(new CommandFailure(`${label} ${how} before replying${this.stderrNote()}`));
    });
  }

  /** Sends one chunk and resolves with the command's reply; a reply carrying `error` rejects. */
  async request(meta: object, body?: string | Buffer): Promise<Chunk> {
    if (this.waiter) throw new Error(`${this.label}: a request is already waiting for its reply`);
    if (this.problem) throw this.problem;
    const reply = new Promise<Chunk>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    this.deliver();
    this.child.stdin!.write(encodeChunk(meta, body));
    const chunk = await reply;
    if (chunk.meta.error !== undefined) {
      throw new CommandFailure(`${this.label}: ${String(chunk.meta.error)}`);
    }
    return chunk;
  }

  /** Closes stdin as splunkd does after the last reply, and waits for a clean exit. */
  async close(): Promise<void> {
    this.child.stdin!.end();
    const { code, signal } = await this.exited;
    if (code !== 0) {
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      throw new CommandFailure(`${this.label} ${how} after its last reply${this.stderrNote()}`);
    }
    if (this.replies.length > 0) throw new CommandFailure(`${this.label} sent ${this.replies.length} reply chunk(s) nobody asked for`);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  private receive(data: Buffer): void {
    let chunks: Chunk[];
    try {
      chunks = this.decoder.push(data);
    } catch (err) {
      this.fail(new CommandFailure(`${this.label} broke the protocol: ${(err as Error).message}`));
      return;
    }
    for (const chunk of chunks) {
      if (chunk.meta.error === undefined) this.forwardMessages(chunk); // an error is reported once, as the failure
      this.replies.push(chunk);
    }
    this.deliver();
  }

  private deliver(): void {
    if (this.waiter && this.replies.length > 0) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.resolve(this.replies.shift() as Chunk);
    }
  }

  private forwardMessages(chunk: Chunk): void {
    const inspector = chunk.meta.inspector as { messages?: unknown } | undefined;
    const messages = inspector && Array.isArray(inspector.messages) ? inspector.messages : [];
    for (const message of messages) {
      if (Array.isArray(message) && message.length >= 2) this.onMessage(String(message[0]), String(message[1]));
    }
  }

  private fail(err: Error): void {
    if (!this.problem) this.problem = err;
    if (this.waiter && this.replies.length === 0) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter.reject(this.problem);
    }
  }

  private stderrNote(): string {
    const tail = this.stderrTail.trim();
    return tail ? `; its stderr ends with:\n${tail}` : "";
  }
}
