export const COMMAND_SCRIPT: string;
export function isExecutable(relPath: string, firstBytes: Uint8Array): boolean;
export function stageApp(options: { root: string; commandBundle: string; outDir?: string }): Promise<string>;
