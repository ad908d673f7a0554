export class PyFloat {
  constructor(value: number);
  value: number;
}
export function escuJson(value: unknown): string;
export function confValue(value: string): string;
export function renderStanza(name: string, entries: [string, string][]): string;
export function renderConf(headerLines: string[], stanzas: string[]): string;
