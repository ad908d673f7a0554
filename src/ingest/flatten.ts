/**
 * Field names and values as Splunk's JSON extraction (KV_MODE=json, INDEXED_EXTRACTIONS=json, spath)
 * produces them from one JSON event:
 *   {"user":{"username":"u"}}                    user.username = u
 *   {"annotations":{"a.k8s.io/decision":"x"}}    annotations.a.k8s.io/decision = x   (keys joined as-is)
 *   {"sourceIPs":["1.2.3.4","5.6.7.8"]}          sourceIPs{} = [1.2.3.4, 5.6.7.8]    (a multivalue)
 *   {"a":[{"b":1},{"b":2}]}                      a{}.b = [1, 2]
 *   numbers and booleans as their JSON text, null as "null"; empty objects and arrays yield no field.
 */
export type FieldMap = Map<string, string[]>;

/** Which fields to extract: every field, or only these (the walk skips subtrees no wanted name is under). */
export class FieldSelection {
  private readonly selected: Set<string> | null;
  private readonly prefixes: Set<string>;

  private constructor(names: string[] | null) {
    this.selected = names ? new Set(names) : null;
    this.prefixes = new Set();
    for (const name of names || []) for (let end = 1; end <= name.length; end++) this.prefixes.add(name.slice(0, end));
  }

  static all(): FieldSelection {
    return new FieldSelection(null);
  }

  static only(names: string[]): FieldSelection {
    return new FieldSelection(names);
  }

  /** The names selected, null for all: what rebuilds this selection in another thread. */
  get names(): string[] | null {
    return this.selected ? Array.from(this.selected) : null;
  }

  wants(name: string): boolean {
    return this.selected === null || this.selected.has(name);
  }

  /** Whether a wanted name lies under this path prefix (e.g. "user." or "sourceIPs{}"). */
  leadsTo(prefix: string): boolean {
    return this.selected === null || this.prefixes.has(prefix);
  }
}

export function flattenJson(value: unknown, selection: FieldSelection = FieldSelection.all()): FieldMap {
  const fields: FieldMap = new Map();
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    walkObject(value as { [key: string]: unknown }, "", fields, selection);
  }
  return fields;
}

function add(fields: FieldMap, name: string, value: string): void {
  const values = fields.get(name);
  if (values) values.push(value);
  else fields.set(name, [value]);
}

function walkObject(object: { [key: string]: unknown }, prefix: string, fields: FieldMap, selection: FieldSelection): void {
  for (const key of Object.keys(object)) walk(object[key], prefix === "" ? key : `${prefix}.${key}`, fields, selection);
}

function walk(value: unknown, name: string, fields: FieldMap, selection: FieldSelection): void {
  if (Array.isArray(value)) {
    const itemName = `${name}{}`;
    if (!selection.leadsTo(itemName)) return;
    for (const item of value) walk(item, itemName, fields, selection);
  } else if (value !== null && typeof value === "object") {
    if (!selection.leadsTo(`${name}.`)) return;
    walkObject(value as { [key: string]: unknown }, name, fields, selection);
  } else if (selection.wants(name)) {
    add(fields, name, leafText(value));
  }
}

function leafText(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "null";
  return String(value); // numbers and booleans: their JSON text
}
