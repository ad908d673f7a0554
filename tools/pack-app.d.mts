export function packageMtime(): Date;
export function packApp(options: { root: string; stagedDir: string; outDir?: string; platform?: string; level?: number }): Promise<string>;
