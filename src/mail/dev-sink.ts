import { createHash, randomUUID } from "node:crypto";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { SMTPServer } from "smtp-server";
import type { Clock } from "../clock.ts";
import { type DevBounceInput, devBounce } from "./dev-bounce.ts";

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
  /**
   * Bounces a message it received, as a relay would: a non-delivery report (RFC 3464) to the message's
   * envelope sender, received by the sink itself (it plays the office's generic mailbox too).
   */
  bounce(id: string, kind: DevBounceInput["kind"]): Promise<SinkMessage | undefined>;
  /** Stores a message as received (a report written by hand on /dev/mail, for instance). */
  deposit(raw: Buffer, envelope: { from: string; to: string[] }): Promise<SinkMessage>;
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
  const store = async (bytes: Buffer, envelope: { from: string; to: string[] }): Promise<SinkMessage> => {
    const id = randomUUID();
    const meta: SinkMessage = {
      id,
      receivedAt: opts.clock.now(),
      envelopeFrom: envelope.from,
      envelopeTo: envelope.to,
      size: bytes.length,
      sha256: createHash("sha256").update(bytes).digest("hex"),
    };
    await writeFile(path.join(dir, `${id}.eml`), bytes);
    await writeFile(path.join(dir, `${id}.json`), JSON.stringify(meta));
    return meta;
  };
  const bounceOne = async (meta: SinkMessage, rcpt: string, kind: DevBounceInput["kind"]) => {
    const original = await readFile(path.join(dir, `${meta.id}.eml`));
    const report = devBounce({
      original,
      returnPath: meta.envelopeFrom,
      failedRecipient: rcpt,
      kind,
      reportingMta: "dev-sink.liaison.invalid",
      arrivalDate: new Date(meta.receivedAt),
      now: opts.clock.now(),
    });
    // A report has the null reverse-path (RFC 5321 4.5.5), so it can never bounce in turn.
    return store(report, { from: "", to: [meta.envelopeFrom] });
  };
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
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        store(Buffer.concat(chunks), envelope).then(
          // The reply a real relay gives: accepted, with its queue id.
          (meta) => {
            callback(null, `Message queued as ${meta.id}`);
            // A relay accepts, then finds a `.invalid` domain (RFC 2606) has no mail server and bounces.
            for (const rcpt of envelope.to)
              if (/\.invalid$/i.test(rcpt) && envelope.from)
                void bounceOne(meta, rcpt, "hard").catch(() => undefined);
          },
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
    async bounce(id, kind) {
      if (!idPattern.test(id)) return undefined;
      const meta = await readFile(path.join(dir, `${id}.json`), "utf8").then(
        (j) => JSON.parse(j) as SinkMessage,
        () => undefined,
      );
      // Only a message with a return path can bounce; a report itself cannot.
      if (!meta?.envelopeFrom || meta.envelopeTo.length === 0) return undefined;
      return bounceOne(meta, meta.envelopeTo[0]!, kind);
    },
    deposit: (raw, envelope) => store(raw, envelope),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
