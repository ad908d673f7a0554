// Reads a .tar.gz back into its gzip header fields and tar entries, for checking a built package.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import tar from "tar-stream";

/**
 * @param {string} file
 * @returns {Promise<{ gzip: { mtime: number, os: number }, entries: object[] }>}
 */
export async function readTarball(file) {
  const gz = readFileSync(file);
  if (gz.length < 18 || gz[0] !== 0x1f || gz[1] !== 0x8b) throw new Error(`${file} is not gzip`);
  const gzip = { mtime: gz.readUInt32LE(4), os: gz[9] };
  const extract = tar.extract();
  const entries = [];
  const done = new Promise((resolve, reject) => {
    extract.on("entry", (header, stream, next) => {
      const chunks = [];
      stream.on("data", (c) => chunks.push(c));
      stream.on("end", () => {
        entries.push({
          name: header.name,
          type: header.type,
          mode: header.mode,
          uid: header.uid,
          gid: header.gid,
          uname: header.uname,
          gname: header.gname,
          mtime: header.mtime.getTime() / 1000,
          data: Buffer.concat(chunks),
        });
        next();
      });
      stream.resume();
    });
    extract.on("finish", resolve);
    extract.on("error", reject);
  });
  extract.end(gunzipSync(gz));
  await done;
  return { gzip, entries };
}
