export interface TarEntry {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  uname: string;
  gname: string;
  /** seconds since the epoch */
  mtime: number;
  data: Buffer;
}
export function readTarball(file: string): Promise<{ gzip: { mtime: number; os: number }; entries: TarEntry[] }>;
