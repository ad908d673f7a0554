export function packageMtime(): Date;
export function packApp(options: { root: string; stagedDir: string; outDir?: string }): Promise<string>;
