/**
 * _time for events that carry no usable time, assigned as Splunk's indexer does
 * (https://docs.splunk.com/Documentation/Splunk/latest/Data/HowSplunkextractstimestamps, "Precedence
 * rules for timestamp assignment"): the time of the most recent previous event of the same source,
 * else the modification time of the source file, else the current time. Splunk would first look for a
 * date in the source's name; exports are not named by date, so that step is left out (inferred).
 */
import { NO_TIME, timeFromEpochMillis } from "./event";

export class TimeAssigner {
  /** Events given a time here. */
  assigned = 0;
  /** The last time seen per source: _time text, or epoch milliseconds not yet made text (see note). */
  private readonly lastBySource = new Map<string, string | number>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * The event's time: its own, or one assigned (`fileMillis` is the modification time of the file it
   * was read from, undefined for stdin). Every event's time becomes the one that follows it in its source.
   */
  timeOf(source: string, time: string, fileMillis: number | undefined): string {
    if (time !== NO_TIME) {
      this.lastBySource.set(source, time);
      return time;
    }
    this.assigned++;
    const previous = this.lastBySource.get(source);
    if (typeof previous === "number") return timeFromEpochMillis(previous);
    if (previous !== undefined) return previous;
    const assigned = timeFromEpochMillis(fileMillis !== undefined ? fileMillis : this.now());
    this.lastBySource.set(source, assigned);
    return assigned;
  }

  /**
   * An event whose time (epoch milliseconds) is only noted, for the events of its source that may
   * follow with none: most events are never built, and making their time text cost a fifth of the
   * time they took (profile of hunt over make-sample's export).
   */
  note(source: string, millis: number): void {
    this.lastBySource.set(source, millis);
  }
}
