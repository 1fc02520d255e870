import nodemailer from "nodemailer";
import type { OutboundEnvelope } from "./seal.ts";

// Hands sealed bytes to an SMTP server exactly as they are (no re-encoding, no second DKIM signature)
// and says what the server answered, in the terms the dispatcher needs.

/**
 * B-5: what is known of the hand-off. `tls` says what the connection was configured to require, which is
 * what we can vouch for: "implicit" (smtps), "required" (STARTTLS or fail), "opportunistic" (STARTTLS if
 * offered), "none" (plain SMTP, the loopback relay or development sink).
 */
export interface SmtpHandOff {
  server: string;
  tls: "implicit" | "required" | "opportunistic" | "none";
  /** The server's final reply to the message, e.g. "250 2.0.0 Ok: queued as 4F2C81". */
  reply: string;
  /** The relay's queue id when its reply names one (Postfix, Exim, Sendmail, Exchange, Gmail forms). */
  queueId: string | undefined;
}

export type SmtpOutcome =
  | { kind: "accepted"; response: string; at: Date; handOff: SmtpHandOff }
  /** 4xx, or no answer at all (connection refused, timeout): try again later (C-18). */
  | { kind: "temporary"; response: string; code: string | undefined }
  /** 5xx: the server refused this message; trying again would change nothing. */
  | { kind: "rejected"; response: string; code: string | undefined };

/** The envelope recipients: the routed address, then the address in copy (C-21) when there is one. */
export function recipientsOf(envelope: OutboundEnvelope): string[] {
  return envelope.cc ? [envelope.to, envelope.cc] : [envelope.to];
}

export interface MailTransport {
  send(raw: Buffer, envelope: OutboundEnvelope, now: () => Date): Promise<SmtpOutcome>;
  close(): void;
}

export function smtpTransport(
  url: string,
  opts: { pool?: boolean; maxConnections?: number } = {},
): MailTransport {
  const plain = /^smtp:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url);
  const transport = nodemailer.createTransport({
    url,
    pool: opts.pool ?? true,
    maxConnections: opts.maxConnections ?? 4,
    // A development sink or a relay on the loopback speaks plain SMTP.
    ignoreTLS: plain,
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const server = serverOf(url);
  return {
    async send(raw, envelope, now) {
      try {
        const info = await transport.sendMail({
          raw,
          envelope: { from: envelope.from, to: recipientsOf(envelope) },
        });
        const reply = String(info.response ?? "");
        return {
          kind: "accepted",
          response: reply,
          at: now(),
          handOff: { ...server, reply, queueId: queueIdOf(reply) },
        };
      } catch (e) {
        const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
        const response = err.response ?? err.code ?? "no answer";
        if (err.responseCode !== undefined && err.responseCode >= 500) {
          return { kind: "rejected", response, code: err.code };
        }
        return { kind: "temporary", response, code: err.code };
      }
    },
    close: () => transport.close(),
  };
}

function serverOf(url: string): Pick<SmtpHandOff, "server" | "tls"> {
  const u = new URL(url);
  const implicit = u.protocol === "smtps:";
  const port = u.port || (implicit ? "465" : "25");
  const tls = implicit
    ? "implicit"
    : /^smtp:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url)
      ? "none"
      : u.searchParams.get("requireTLS") === "true"
        ? "required"
        : "opportunistic";
  return { server: `${u.hostname}:${port}`, tls };
}

const queueIdForms = [
  /queued as ([A-Za-z0-9.-]+)/i, // Postfix, smtp-server, Sendmail "Message accepted for delivery"
  /\bid=([A-Za-z0-9-]+)/i, // Exim "250 OK id=1rXyZ-000abc-Qm"
  /<([^>]+)> \[InternalId=/i, // Exchange
  /^250 2\.0\.0 OK\s+\d+ ([A-Za-z0-9.-]+) - gsmtp/i, // Gmail
  /^250 [\d.]+ ([A-Za-z0-9]{8,}) Message accepted/i, // Sendmail
];

/** The relay's queue id from its 250 reply, where the reply has one of the common forms. */
export function queueIdOf(reply: string): string | undefined {
  for (const form of queueIdForms) {
    const m = form.exec(reply);
    if (m?.[1]) return m[1];
  }
  return undefined;
}
