import { connect, type NetConnectOpts } from "node:net";
import path from "node:path";

// P-5: documents counsel file through the portal are scanned by clamd when a socket is configured. A
// document that could not be scanned (clamd down, too slow, over its size limit, or answering with an
// error) is refused as "could not be scanned": it is never accepted unscanned, so every failure here is a
// ScanUnavailableError and never a "clean".
//
// The INSTREAM protocol is small enough to speak directly over node:net (clamd's own documentation,
// `man clamd`, "INSTREAM"): `zINSTREAM\0`, then chunks each prefixed by their length as 4 bytes big-endian,
// then a chunk of length 0; the reply is one NUL-terminated line.

export type ScanVerdict = { verdict: "clean" } | { verdict: "infected"; signature: string };

export interface VirusScanner {
  /** Throws ScanUnavailableError when clamd cannot be reached, answers with an error, or times out. */
  scan(bytes: Buffer): Promise<ScanVerdict>;
}

/** P-5: the document could not be scanned, so it must be refused. */
export class ScanUnavailableError extends Error {
  override name = "ScanUnavailableError";
}

// The `z` prefix asks for NUL-terminated replies, so a reply cannot be confused with a partial one.
const INSTREAM = Buffer.from("zINSTREAM\0", "latin1");
// Far below clamd's own ceiling per chunk (StreamMaxLength), and small enough that a clamd refusing the
// stream part way stops us after one more chunk.
const CHUNK_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_REPLY_BYTES = 4096;

function lengthPrefix(length: number): Buffer {
  const prefix = Buffer.alloc(4);
  prefix.writeUInt32BE(length);
  return prefix;
}

function connectOptions(address: string): NetConnectOpts {
  if (address.startsWith("tcp://")) {
    const url = new URL(address);
    const port = Number(url.port);
    // URL keeps the brackets of an IPv6 literal, which net.connect does not accept.
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    if (!host || !Number.isInteger(port) || port <= 0) {
      throw new TypeError(`clamd address ${address} is not tcp://host:port`);
    }
    return { host, port };
  }
  if (path.isAbsolute(address)) return { path: address };
  throw new TypeError(`clamd address ${address} is neither a socket path nor tcp://host:port`);
}

/** Reads clamd's answer to INSTREAM (without its NUL). */
function verdictOf(reply: string, address: string): ScanVerdict {
  if (reply === "stream: OK") return { verdict: "clean" };
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found?.[1]) return { verdict: "infected", signature: found[1] };
  // "INSTREAM size limit exceeded. ERROR", "... ERROR" from a failed scan, or a reply we do not know:
  // none of them says the document is clean.
  throw new ScanUnavailableError(`clamd at ${address} could not scan the document: ${reply}`);
}

/**
 * A scanner talking to clamd at `address`: a Unix socket path (`/run/clamav/clamd.ctl`) or `tcp://host:port`.
 * `timeoutMs` (default 30 s) bounds the whole scan, connection included.
 */
export function clamdScanner(address: string, opts: { timeoutMs?: number } = {}): VirusScanner {
  const target = connectOptions(address);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;

  const scan = (bytes: Buffer): Promise<ScanVerdict> =>
    new Promise((resolve, reject) => {
      const socket = connect(target);
      let settled = false;
      let reply = Buffer.alloc(0);
      let offset = 0;
      let ended = false;

      const settle = (outcome: () => ScanVerdict): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        try {
          resolve(outcome());
        } catch (err) {
          reject(err);
        }
      };
      const fail = (message: string, cause?: unknown): void =>
        settle(() => {
          throw new ScanUnavailableError(message, cause === undefined ? undefined : { cause });
        });

      const timer = setTimeout(
        () => fail(`clamd at ${address} did not answer within ${timeoutMs} ms`),
        timeoutMs,
      );

      // Writes until the socket's buffer is full, then resumes on "drain", so a large document is not
      // copied into memory a second time. Stops as soon as clamd says anything: it only speaks before the
      // end of the stream to refuse it.
      const pump = (): void => {
        while (!settled && !ended && reply.length === 0) {
          const size = Math.min(CHUNK_BYTES, bytes.length - offset);
          if (size === 0) ended = true;
          socket.write(lengthPrefix(size));
          const flowing = size === 0 || socket.write(bytes.subarray(offset, offset + size));
          offset += size;
          if (!flowing) return;
        }
      };

      socket.once("connect", () => {
        socket.write(INSTREAM);
        pump();
      });
      socket.on("drain", pump);
      socket.on("data", (chunk: Buffer) => {
        reply = Buffer.concat([reply, chunk]);
        const end = reply.indexOf(0);
        if (end >= 0) settle(() => verdictOf(reply.subarray(0, end).toString("utf8").trim(), address));
        // clamd's replies are one short line: anything longer is not clamd, and must not fill our memory.
        else if (reply.length > MAX_REPLY_BYTES) fail(`clamd at ${address} sent no verdict, only noise`);
      });
      socket.on("error", (err) => {
        // clamd closes right after refusing a stream, so our next write can fail (EPIPE, ECONNRESET)
        // with its reply already in hand: the reply says more than the error.
        const partial = reply.toString("utf8").replace(/\0/g, "").trim();
        fail(`clamd at ${address} could not be reached: ${partial || err.message}`, err);
      });
      socket.on("close", () => {
        const partial = reply.toString("utf8").replace(/\0/g, "").trim();
        fail(`clamd at ${address} closed the connection without a verdict${partial ? `: ${partial}` : ""}`);
      });
    });

  return { scan };
}
