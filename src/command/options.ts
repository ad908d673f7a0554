/**
 * ekspodscan's arguments, as Splunk passes them: whitespace-split `name=value` words.
 * Options are declared once here and validated before any record is read.
 */
import type { GroupBy } from "../detection/grouping";
import { CommandError } from "../scp/session";

export type { GroupBy };

export type Mode = "stats" | "annotate" | "filter";
export type MatchMode = "exact" | "broad";
export type Phase = "map" | "reduce";

export interface Options {
  mode: Mode;
  match: MatchMode;
  enrich: boolean;
  by: GroupBy;
  /** Internal: the map half of mode=stats, run by splunkd through our streaming_preop. */
  phase: Phase;
}

const DEFAULTS: Options = { mode: "stats", match: "exact", enrich: false, by: "seed", phase: "reduce" };
const PUBLIC_OPTIONS = ["mode", "match", "enrich", "by"];
const TRUE_WORDS = ["t", "true", "1"];
const FALSE_WORDS = ["f", "false", "0"];

type Parser = (value: string, options: Options) => void;

const PARSERS: { [name: string]: Parser } = {
  mode: (value, options) => {
    options.mode = oneOf("mode", value, ["stats", "annotate", "filter"]) as Mode;
  },
  match: (value, options) => {
    options.match = oneOf("match", value, ["exact", "broad"]) as MatchMode;
  },
  enrich: (value, options) => {
    options.enrich = boolean("enrich", value);
  },
  by: (value, options) => {
    options.by = oneOf("by", value, ["seed", "client"]) as GroupBy;
  },
  phase: (value, options) => {
    options.phase = oneOf("phase", value, ["map", "reduce"]) as Phase;
  },
};

export function parseOptions(args: string[]): Options {
  const options: Options = { ...DEFAULTS };
  const seen: { [name: string]: boolean } = {};
  for (const arg of args) {
    const eq = arg.indexOf("=");
    if (eq <= 0) {
      throw new CommandError(
        `Unexpected argument ${JSON.stringify(arg)}: ekspodscan takes only name=value options (${PUBLIC_OPTIONS.join(", ")}).`,
      );
    }
    const name = arg.slice(0, eq).toLowerCase();
    const parse = PARSERS[name];
    if (!parse) {
      throw new CommandError(`Unrecognized option ${JSON.stringify(arg.slice(0, eq))}. Valid options: ${PUBLIC_OPTIONS.join(", ")}.`);
    }
    if (seen[name]) throw new CommandError(`Option ${name} is given more than once.`);
    seen[name] = true;
    parse(stripQuotes(arg.slice(eq + 1)), options);
  }
  if (options.phase === "map" && options.mode !== "stats") {
    throw new CommandError(`phase=map applies only to mode=stats, not mode=${options.mode}.`);
  }
  if (options.by !== "seed" && options.mode !== "stats") {
    throw new CommandError(`by=${options.by} applies only to mode=stats, not mode=${options.mode}.`);
  }
  return options;
}

/** The arguments splunkd should run the map phase with (our streaming_preop). */
export function mapPhaseArgs(options: Options): string {
  // by=seed is the default and left out, so the seed's pre-op reads as it always has.
  return `phase=map match=${options.match}` + (options.by === "seed" ? "" : ` by=${options.by}`);
}

function oneOf(name: string, value: string, allowed: string[]): string {
  const lower = value.toLowerCase();
  if (allowed.indexOf(lower) < 0) {
    throw new CommandError(`Invalid value for ${name}: ${JSON.stringify(value)}. Expected one of: ${allowed.join(", ")}.`);
  }
  return lower;
}

function boolean(name: string, value: string): boolean {
  const lower = value.toLowerCase();
  if (TRUE_WORDS.indexOf(lower) >= 0) return true;
  if (FALSE_WORDS.indexOf(lower) >= 0) return false;
  throw new CommandError(`Invalid value for ${name}: ${JSON.stringify(value)}. Expected a boolean: true, false, t, f, 1 or 0.`);
}

/** `args` arrive unquoted from splunkd, but a hand-driven session may still quote a value. */
function stripQuotes(value: string): string {
  return value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"' ? value.slice(1, -1) : value;
}
