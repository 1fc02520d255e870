import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import type { Clock } from "../clock.ts";

// The development mail sink: a real SMTP server (smtp-server) on loopback that accepts every message
// and keeps its exact bytes in DATA_DIR/dev-mail, so `npm start` can send letters on a machine with no
// relay, and a person can read them at /dev/mail. It answers like a real relay: 250 with a queue id.

export interface SinkMessage {
  id: string;
  receivedAt: Date;
  envelopeFrom: string;
  envelopeTo: string[];
  size: number;
  sha256: string;
}

export interface DevSink {
  host: string;
  port: number;
  /** Messages received, newest first. */
  list(): Promise<SinkMessage[]>;
  /** The exact bytes received for a message, or undefined for an unknown id. */
  read(id: string): Promise<Buffer | undefined>;
  close(): Promise<void>;
}

const idPattern = /^[0-9a-f-]{36}$/;

export async function startDevSink(opts: {
  dataDir: string;
  clock: Clock;
  host?: string;
  port?: number;
}): Promise<DevSink> {
  const dir = path.join(opts.dataDir, "dev-mail");
  await mkdir(dir, { recursive: true });
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    banner: "Liaison development mail sink",
    logger: false,
    size: 100 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("error", callback);
      stream.on("end", () => {
        const bytes = Buffer.concat(chunks);
        const id = randomUUID();
        const meta: SinkMessage = {
          id,
          receivedAt: opts.clock.now(),
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          size: bytes.length,
          sha256: createHash("sha256").update(bytes).digest("hex"),
        };
        Promise.all([
          writeFile(path.join(dir, `${id}.eml`), bytes),
          writeFile(path.join(dir, `${id}.json`), JSON.stringify(meta)),
        ]).then(
          // The reply a real relay gives: accepted, with its queue id.
          () => callback(null, `Message queued as ${id}`),
          (e: Error) => callback(e),
        );
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.server.address() as AddressInfo;
  return {
    host: address.address,
    port: address.port,
    async list() {
      const names = (await readdir(dir)).filter((n) => n.endsWith(".json"));
      const all = await Promise.all(
        names.map(async (n) => {
          const m = JSON.parse(await readFile(path.join(dir, n), "utf8")) as SinkMessage;
          return { ...m, receivedAt: new Date(m.receivedAt) };
        }),
      );
      return all.sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
    },
    async read(id) {
      if (!idPattern.test(id)) return undefined;
      return readFile(path.join(dir, `${id}.eml`)).catch(() => undefined);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
