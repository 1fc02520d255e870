import { createHash, randomUUID } from "node:crypto";
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import path from "node:path";

/**
 * Content-addressed storage of exact bytes (C-10): a blob's name is its SHA-256, so it can be written
 * twice harmlessly and checked on every read. Files under DATA_DIR/blobs by default; an S3-compatible
 * store with object lock takes its place in production (ARCHITECTURE section 5).
 */
export interface BlobStore {
  /** Stores the bytes durably (written and synced) and returns their SHA-256 in hex. */
  put(bytes: Buffer): Promise<string>;
  /** The bytes, verified against their name; undefined if absent. Throws if they were altered. */
  get(sha256: string): Promise<Buffer | undefined>;
}

export class BlobCorruptedError extends Error {
  constructor(readonly sha256: string) {
    super(`blob ${sha256} does not match its hash`);
  }
}

const shaPattern = /^[0-9a-f]{64}$/;

export function fileBlobStore(root: string): BlobStore {
  const where = (sha: string) => path.join(root, sha.slice(0, 2), sha.slice(2, 4), sha);
  return {
    async put(bytes) {
      const sha = createHash("sha256").update(bytes).digest("hex");
      const target = where(sha);
      const folder = path.dirname(target);
      // Written under a temporary name, synced, then renamed: a crash leaves either nothing or the whole blob.
      const temp = `${target}.${randomUUID()}.tmp`;
      const handle = await open(temp, "wx", 0o440).catch(async (e: NodeJS.ErrnoException) => {
        // Its folder (one of 65,536) is made the first time a blob needs it: a recursive mkdir before
        // every write was a visible share of a batch's CPU (profiled).
        if (e.code !== "ENOENT") throw e;
        await mkdir(folder, { recursive: true });
        return open(temp, "wx", 0o440);
      });
      try {
        await handle.writeFile(bytes);
        await handle.sync();
      } finally {
        await handle.close();
      }
      try {
        await rename(temp, target);
      } catch (e) {
        await rm(temp, { force: true });
        throw e;
      }
      return sha;
    },
    async get(sha) {
      if (!shaPattern.test(sha)) return undefined;
      const bytes = await readFile(where(sha)).catch((e: NodeJS.ErrnoException) => {
        if (e.code === "ENOENT") return undefined;
        throw e;
      });
      if (bytes && createHash("sha256").update(bytes).digest("hex") !== sha)
        throw new BlobCorruptedError(sha);
      return bytes;
    },
  };
}
