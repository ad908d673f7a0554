export interface ConfStanza {
  name: string;
  entries: [string, string][];
}
export function parseConf(text: string): ConfStanza[];
export function confToMap(text: string): Map<string, Map<string, string>>;
