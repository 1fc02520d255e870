import { createHmac, randomUUID } from "node:crypto";
import { desc, eq } from "drizzle-orm";
import { type Clock, systemClock } from "../clock.ts";
import type { Config, GcNotifyConfig } from "../config.ts";
import type { Executor } from "../db/client.ts";
import { smsMessages } from "../db/schema/portal.ts";
import { AppError } from "../errors.ts";
import { normaliseMobile } from "./phone.ts";

// P-2: counsel receive their one-time access code by SMS. Two transports: the development outbox (a
// table a developer reads at /dev/sms) and GC Notify. Both record what was handed over in `sms_messages`;
// only the outbox keeps the text, since the text holds the code.

export interface SmsMessage {
  /** E.164, as `normaliseMobile` gives it. */
  to: string;
  code: string;
  /** Counsel's language. The text is bilingual, as GC Notify's are; kept for transports that need it. */
  lang: "en" | "fr";
  /** Our reference for the message (the access code's id, say): GC Notify returns it in its reports. */
  reference: string;
  /** The instant the message is handed over, from the caller's clock: the row's `sent_at`. */
  at: Date;
}

export interface SmsTransport {
  readonly name: "dev-outbox" | "gc-notify";
  send(msg: SmsMessage): Promise<{ providerReference: string | undefined }>;
}

/**
 * The fixed bilingual text, French first then English (GC Notify's order). No link: a text message with a
 * link is what phishing looks like, and counsel enter the code on a page they reached themselves. A plain
 * hyphen and a straight apostrophe keep every character in the GSM 7-bit alphabet (an en dash or "’"
 * would turn the whole message into UCS-2, twice as many parts). The GC Notify template should read
 * `accessCodeText("((code))")`.
 */
export function accessCodeText(code: string): string {
  return (
    `Mon dossier - CISR : votre code d'accès est ${code}. Il expire dans 24 heures. ` +
    "Ne le communiquez à personne. / " +
    `My Case - IRB: your access code is ${code}. It expires in 24 hours. Do not share it.`
  );
}

/** The development outbox: nothing leaves the machine; the text, code included, is kept for /dev/sms. */
export function devOutboxSms(db: Executor): SmsTransport {
  return {
    name: "dev-outbox",
    async send(msg) {
      checkMessage(msg);
      await db.insert(smsMessages).values({
        id: randomUUID(),
        transport: "dev-outbox",
        toNumber: msg.to,
        body: accessCodeText(msg.code),
        providerReference: null,
        sentAt: msg.at,
      });
      return { providerReference: undefined };
    },
  };
}

export interface DevOutboxEntry {
  id: string;
  to: string;
  text: string;
  sentAt: Date;
}

/** What the development outbox holds, newest first (the last `limit`). */
export async function listDevOutbox(db: Executor, limit = 50): Promise<DevOutboxEntry[]> {
  const rows = await db
    .select()
    .from(smsMessages)
    .where(eq(smsMessages.transport, "dev-outbox"))
    .orderBy(desc(smsMessages.sentAt), desc(smsMessages.id))
    .limit(limit);
  return rows.map((r) => ({ id: r.id, to: r.toNumber, text: r.body ?? "", sentAt: r.sentAt }));
}

/** One entry of GC Notify's (GOV.UK Notify's) error answer: `{ status_code, errors: [{ error, message }] }`. */
export interface NotifyError {
  error: string;
  message: string;
}

/**
 * The SMS could not be handed to GC Notify: refused (`providerStatus` and Notify's `providerErrors`) or no
 * answer (`providerStatus` undefined). It is the catalogue's SMS_NOT_SENT, so a page shows the usual text;
 * the message is for the logs and never holds the phone number or the code.
 */
export class SmsNotSentError extends AppError {
  constructor(
    readonly providerStatus: number | undefined,
    readonly providerErrors: NotifyError[],
    detail: string,
  ) {
    super("SMS_NOT_SENT");
    this.name = "SmsNotSentError";
    const errors = providerErrors.map((e) => `${e.error}: ${e.message}`).join("; ");
    this.message =
      providerStatus === undefined
        ? `GC Notify did not answer: ${detail}`
        : `GC Notify refused the text message (HTTP ${providerStatus})${errors ? `: ${errors}` : detail ? `: ${detail}` : ""}`;
  }
}

const notifyTimeoutMs = 10_000;

/**
 * A Notify API key is `{key name}-{service id}-{secret key}`, the last two UUIDs (36 characters each): the
 * service id is the token's issuer, the secret signs it. The key name may itself contain hyphens.
 */
export function parseNotifyApiKey(apiKey: string): { serviceId: string; secret: string } | undefined {
  const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
  const m = new RegExp(`^.+-(${uuid})-(${uuid})$`, "i").exec(apiKey.trim());
  return m ? { serviceId: m[1]!, secret: m[2]! } : undefined;
}

/**
 * The bearer token Notify expects: a JWT signed HS256 with the secret key, `iss` the service id and `iat`
 * the time in seconds (Notify refuses a token more than 30 seconds from its own clock).
 */
export function notifyToken(serviceId: string, secret: string, now: Date): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${part({ typ: "JWT", alg: "HS256" })}.${part({ iss: serviceId, iat: Math.floor(now.getTime() / 1000) })}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/**
 * GC Notify (the GOV.UK Notify API): POST /v2/notifications/sms with the template and the code as its
 * personalisation. A small client of our own rather than `notifications-node-client`: one endpoint, a
 * JWT that is one HMAC, and the package would bring axios and jsonwebtoken (and their trees) for it.
 *
 * `clock` only dates the token: Notify checks it against real time, so it is the system clock, not the
 * development clock a person may have moved forward. The row's `sent_at` is the message's `at`.
 */
export function gcNotifySms(
  notify: GcNotifyConfig,
  db: Executor,
  opts: { clock?: Clock; timeoutMs?: number } = {},
): SmsTransport {
  const key = parseNotifyApiKey(notify.apiKey);
  // The configuration checks the key's form; this message never repeats the key.
  if (!key) throw new Error("GC Notify API key: expected {key name}-{service id}-{secret key}");
  const clock = opts.clock ?? systemClock;
  const endpoint = `${notify.baseUrl.replace(/\/+$/, "")}/v2/notifications/sms`;
  return {
    name: "gc-notify",
    async send(msg) {
      checkMessage(msg);
      const scrub = scrubber(msg);
      let res: Response;
      try {
        res = await fetch(endpoint, {
          method: "POST",
          headers: {
            authorization: `Bearer ${notifyToken(key.serviceId, key.secret, clock.now())}`,
            "content-type": "application/json",
            accept: "application/json",
            "user-agent": "liaison",
          },
          body: JSON.stringify({
            phone_number: msg.to,
            template_id: notify.templateId,
            personalisation: { code: msg.code },
            reference: msg.reference,
          }),
          signal: AbortSignal.timeout(opts.timeoutMs ?? notifyTimeoutMs),
        });
      } catch (e) {
        // A timeout, a refused connection, a DNS failure: the error's name and code say which.
        const err = e as { name?: string; cause?: { code?: string } };
        throw new SmsNotSentError(undefined, [], scrub(err.cause?.code ?? err.name ?? "unknown error"));
      }
      const text = await res.text().catch(() => "");
      const answer = parseJson(text);
      if (!res.ok) {
        const errors = notifyErrorsOf(answer).map((e) => ({
          error: scrub(e.error),
          message: scrub(e.message),
        }));
        throw new SmsNotSentError(res.status, errors, res.statusText);
      }
      const id = (answer as { id?: unknown } | undefined)?.id;
      if (typeof id !== "string" || id === "") {
        throw new SmsNotSentError(res.status, [], "the answer has no notification id");
      }
      // P-2: the code stays out of the database; Notify's id is what its delivery reports name.
      await db.insert(smsMessages).values({
        id: randomUUID(),
        transport: "gc-notify",
        toNumber: msg.to,
        body: null,
        providerReference: id,
        sentAt: msg.at,
      });
      return { providerReference: id };
    },
  };
}

/** GC Notify when it is configured, otherwise the development outbox. */
export function smsTransportFor(config: Pick<Config, "sms">, db: Executor): SmsTransport {
  const notify = config.sms?.notify;
  return notify ? gcNotifySms(notify, db) : devOutboxSms(db);
}

function checkMessage(msg: SmsMessage): void {
  if (normaliseMobile(msg.to) !== msg.to) throw new AppError("INVALID_PHONE");
  if (msg.code.trim() === "") throw new AppError("REQUIRED");
}

/**
 * Notify's messages sometimes quote what they refused: the code and anything shaped like a phone number
 * are taken out before the message reaches an error (and so the logs).
 */
function scrubber(msg: SmsMessage): (s: string) => string {
  return (s) =>
    s
      .split(msg.code)
      .join("[code]")
      .replace(/\+?\d[\d\s().-]{5,}\d/g, "[number]");
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function notifyErrorsOf(answer: unknown): NotifyError[] {
  const errors = (answer as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return [];
  return errors.map((e: { error?: unknown; message?: unknown }) => ({
    error: String(e?.error ?? ""),
    message: String(e?.message ?? ""),
  }));
}
