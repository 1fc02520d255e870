import crypto from "node:crypto";
import { promises as fs } from "node:fs";
import path from "node:path";

// A private key kept in the data directory (the DKIM keys, the ledger's signing key): created on first
// use, mode 0600, never overwritten. Safe against two processes starting at once: the key is written to a
// private temporary file and hard-linked into place, which fails if another process got there first, and
// the loser then reads the winner's key. A key that signed evidence must never be replaced silently.

export async function loadOrCreatePrivateKey(
  file: string,
  generate: () => Promise<string>,
  errorFor: (message: string) => Error,
): Promise<string> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const existing = await readKeyFile(file, errorFor);
  if (existing !== undefined) return existing;
  const pem = await generate();
  const tmp = path.join(
    path.dirname(file),
    `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(6).toString("hex")}`,
  );
  const handle = await fs.open(tmp, "wx", 0o600);
  try {
    await handle.writeFile(pem, "utf8");
    // The umask can only remove bits, but an explicit chmod leaves no doubt about what is on disk.
    await handle.chmod(0o600);
    // What is signed with this key may leave before the next crash; the key must survive that crash too.
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.link(tmp, file);
    return pem;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    // Another process created the key between our read and our link: use theirs.
    const theirs = await readKeyFile(file, errorFor);
    if (theirs === undefined) throw err;
    return theirs;
  } finally {
    await fs.unlink(tmp);
  }
}

async function readKeyFile(file: string, errorFor: (m: string) => Error): Promise<string | undefined> {
  let stat: Awaited<ReturnType<typeof fs.stat>>;
  try {
    stat = await fs.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  // A private key others can read is a key someone may already have copied: refuse rather than sign
  // evidence with it, the way ssh refuses a world-readable identity file. POSIX modes only.
  if (process.platform !== "win32" && (stat.mode & 0o077) !== 0) {
    throw errorFor(
      `key ${file} is readable by others (mode ${(stat.mode & 0o777).toString(8)}); run chmod 600 on it`,
    );
  }
  return fs.readFile(file, "utf8");
}
