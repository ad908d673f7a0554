/** Reads exports with the ingest readers as hunt does, collecting the events and what was said on stderr. */
import { IndexedEvent } from "../../src/ingest/event";
import { FieldSelection } from "../../src/ingest/flatten";
import { ReadOptions, readEvents } from "../../src/ingest/reader";
import { InputReport } from "../../src/ingest/report";

export async function readAll(paths: string[], options: Partial<ReadOptions> = {}): Promise<{ events: IndexedEvent[]; stderr: string }> {
  let stderr = "";
  const report = new InputReport({ write: (t) => void (stderr += t), isTTY: false, now: () => 0 }, 1000);
  const events: IndexedEvent[] = [];
  for await (const batch of readEvents(paths, { region: "us-east-1", selection: FieldSelection.all(), ...options }, report)) events.push(...batch);
  report.finish();
  return { events, stderr };
}
