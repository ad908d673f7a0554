export const APP_ID: string;
export const APP_LABEL: string;
export function buildNumber(version: string): number;
export function renderAppConf(pkg: { version: string; description: string; author?: string | { name: string } }): string;
