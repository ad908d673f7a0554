/** Builds .tar.gz packages entry by entry (including hostile ones) for the deploy tests. */
import { writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

export interface TarEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link";
  content?: string;
  mode?: number;
  linkname?: string;
}

export async function writeTarGz(file: string, entries: TarEntry[]): Promise<void> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (chunk) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on("end", () => resolve());
    pack.on("error", reject);
  });
  for (const entry of entries) {
    const type = entry.type || "file";
    const header = { name: entry.name, type, mode: entry.mode === undefined ? (type === "directory" ? 0o755 : 0o644) : entry.mode, linkname: entry.linkname };
    if (type === "file") pack.entry(header, entry.content || "");
    else pack.entry(header);
  }
  pack.finalize();
  await ended;
  writeFileSync(file, gzipSync(Buffer.concat(chunks)));
}
