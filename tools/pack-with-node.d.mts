export function packWithNode(options: { root: string; platform: string; commandBundle: string; outDir?: string }): Promise<string>;
