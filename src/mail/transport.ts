import nodemailer from "nodemailer";

// Hands sealed bytes to an SMTP server exactly as they are (no re-encoding, no second DKIM signature)
// and says what the server answered, in the terms the dispatcher needs.

export type SmtpOutcome =
  | { kind: "accepted"; response: string; at: Date }
  /** 4xx, or no answer at all (connection refused, timeout): try again later (C-18). */
  | { kind: "temporary"; response: string; code: string | undefined }
  /** 5xx: the server refused this message; trying again would change nothing. */
  | { kind: "rejected"; response: string; code: string | undefined };

export interface MailTransport {
  send(raw: Buffer, envelope: { from: string; to: string }, now: () => Date): Promise<SmtpOutcome>;
  close(): void;
}

export function smtpTransport(
  url: string,
  opts: { pool?: boolean; maxConnections?: number } = {},
): MailTransport {
  const transport = nodemailer.createTransport({
    url,
    pool: opts.pool ?? true,
    maxConnections: opts.maxConnections ?? 4,
    // A development sink or a relay on the loopback speaks plain SMTP.
    ignoreTLS: /^smtp:\/\/(127\.0\.0\.1|localhost)[:/]/.test(url),
    connectionTimeout: 15_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  return {
    async send(raw, envelope, now) {
      try {
        const info = await transport.sendMail({ raw, envelope: { from: envelope.from, to: [envelope.to] } });
        return { kind: "accepted", response: String(info.response ?? ""), at: now() };
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
