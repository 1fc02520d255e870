import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/clock.ts";
import { readConfig } from "../../src/config.ts";
import { smsMessages } from "../../src/db/schema/portal.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { formatInstant } from "../../src/i18n/index.ts";
import {
  accessCodeText,
  devOutboxSms,
  gcNotifySms,
  parseNotifyApiKey,
  type SmsMessage,
  SmsNotSentError,
  smsTransportFor,
} from "../../src/portal/sms.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { openTestDatabase, type TestDatabase } from "../support/database.ts";

// P-2: access codes by SMS. The development outbox is read at /dev/sms; GC Notify is a real HTTP server
// on the loopback that checks what Notify checks (the JWT and its signature, the JSON) and answers as
// Notify does. Nothing reaches the network.

/** The characters of the GSM 03.38 default alphabet (basic set): one message part is 160 of them. */
const gsm7 =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

describe("P-2: the access code's text", () => {
  it("P-2: is bilingual, French first, holds the code in both, and has no link", () => {
    const text = accessCodeText("482913");
    expect(text).toBe(
      "Mon dossier - CISR : votre code d'accès est 482913. Il expire dans 24 heures. Ne le communiquez à personne. / " +
        "My Case - IRB: your access code is 482913. It expires in 24 hours. Do not share it.",
    );
    expect(text.indexOf("Mon dossier")).toBeLessThan(text.indexOf("My Case"));
    expect(text.split("482913")).toHaveLength(3);
    expect(text).not.toMatch(/https?:|www\.|\.ca\b|\.gc\b/i);
  });

  it("P-2: every character is in the GSM 7-bit alphabet (no en dash or curly apostrophe doubling the parts)", () => {
    for (const ch of accessCodeText("482913")) expect(gsm7, JSON.stringify(ch)).toContain(ch);
  });
});

describe("P-2: the development outbox and /dev/sms", () => {
  let t: TestApp;
  const first: SmsMessage = {
    to: "+15145550199",
    code: "482913",
    lang: "fr",
    reference: "code-1",
    at: new Date("2026-06-15T13:00:00Z"),
  };
  const second: SmsMessage = {
    to: "+33612345678",
    code: "730154",
    lang: "en",
    reference: "code-2",
    at: new Date("2026-06-15T14:30:00Z"),
  };

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("P-2: the outbox keeps the number, the whole text with the code, and the instant handed over", async () => {
    const sms = devOutboxSms(t.database.db);
    expect(sms.name).toBe("dev-outbox");
    expect(await sms.send(first)).toEqual({ providerReference: undefined });
    await sms.send(second);
    const rows = await t.database.db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.toNumber, "+15145550199"));
    expect(rows).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        transport: "dev-outbox",
        toNumber: "+15145550199",
        body: accessCodeText("482913"),
        providerReference: null,
        sentAt: first.at,
      },
    ]);
  });

  it("P-2: a number that is not E.164 is refused before anything is written", async () => {
    const sms = devOutboxSms(t.database.db);
    await expect(sms.send({ ...first, to: "514 555 0199" })).rejects.toMatchObject({ code: "INVALID_PHONE" });
    const rows = await t.database.db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.toNumber, "514 555 0199"));
    expect(rows).toEqual([]);
  });

  it("P-2: /dev/sms lists the messages newest first, with Eastern Time, in English", async () => {
    const page = await t.anonymous().get("/dev/sms");
    expect(page.status).toBe(200);
    expect(page.body).toContain(`<h1>${en["devSms.title"]}</h1>`);
    expect(page.body).toContain(formatInstant("en", second.at, "America/Toronto"));
    expect(page.body).toContain("June 15, 2026");
    expect(page.body).toContain("10:30");
    const newer = page.body.indexOf("+33612345678");
    const older = page.body.indexOf("+15145550199");
    expect(newer).toBeGreaterThan(0);
    expect(older).toBeGreaterThan(newer);
    expect(page.body).toContain("your access code is 482913");
    expect(page.body).toContain("your access code is 730154");
  });

  it("P-2: /dev/sms in French", async () => {
    const client = t.anonymous();
    client.cookies.set("lang", "fr");
    const page = await client.get("/dev/sms");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html lang="fr"');
    expect(page.body).toContain(`<h1>${fr["devSms.title"]}</h1>`);
    expect(page.body).toContain(fr["devSms.to"]);
    expect(page.body).toContain(formatInstant("fr", first.at, "America/Toronto"));
    expect(page.body).toContain("15 juin 2026");
  });

  it("P-2: the developer tools' page links to /dev/sms", async () => {
    const page = await t.anonymous().get("/dev");
    expect(page.body).toContain(`<a href="/dev/sms">${en["devSms.title"]}</a>`);
  });
});

// A GC Notify key as the service shows it: `{key name}-{service id}-{secret key}`.
const serviceId = "5b3c9a1e-7f2d-4c8b-9e6a-1d2f3a4b5c6d";
const secret = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0";
const apiKey = `liaison_test-${serviceId}-${secret}`;
const templateId = "8e1f6a3b-2c4d-4e5f-8a9b-0c1d2e3f4a5b";
const notificationId = "740e5834-3a29-46b4-9a6f-16142fde533a";
const tokenAt = new Date("2026-06-15T16:00:07.900Z");

interface Received {
  method: string | undefined;
  url: string | undefined;
  contentType: string | undefined;
  claims: Record<string, unknown>;
  body: unknown;
}

/** What Notify checks of a request: the bearer JWT, HS256, signed with the secret key, issued by the service. */
function checkToken(
  req: IncomingMessage,
): { ok: true; claims: Record<string, unknown> } | { ok: false; why: string } {
  const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
  if (!token) return { ok: false, why: "Unauthorized, authentication token must be provided" };
  const [header, claims, signature] = token.split(".");
  if (!header || !claims || !signature) return { ok: false, why: "Invalid token: not a JWT" };
  const expected = createHmac("sha256", secret).update(`${header}.${claims}`).digest();
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { ok: false, why: "Invalid token: signature, api token not found" };
  const h = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
  if (h.alg !== "HS256" || h.typ !== "JWT") return { ok: false, why: "Invalid token: algorithm" };
  const c = JSON.parse(Buffer.from(claims, "base64url").toString("utf8"));
  if (c.iss !== serviceId) return { ok: false, why: "Invalid token: service not found" };
  return { ok: true, claims: c };
}

describe("P-2: GC Notify", () => {
  let database: TestDatabase;
  let server: Server;
  let baseUrl: string;
  const received: Received[] = [];
  /** How the fake Notify answers the next request. */
  let mode: "accept" | "refuse" | "silent" = "accept";

  beforeAll(async () => {
    database = await openTestDatabase({ migrate: true });
    server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "null");
      const answer = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(json));
      };
      const token = checkToken(req);
      if (!token.ok) {
        return answer(403, { status_code: 403, errors: [{ error: "AuthError", message: token.why }] });
      }
      received.push({
        method: req.method,
        url: req.url,
        contentType: req.headers["content-type"],
        claims: token.claims,
        body,
      });
      if (mode === "silent") return; // never answers: the client's timeout must end the wait
      if (mode === "refuse") {
        // Notify's validation errors may quote what they refused: here, the number and the code.
        return answer(400, {
          status_code: 400,
          errors: [
            { error: "ValidationError", message: `phone_number ${body.phone_number} is not a valid number` },
            {
              error: "BadRequestError",
              message: `personalisation code ${body.personalisation.code} too long`,
            },
          ],
        });
      }
      return answer(201, {
        id: notificationId,
        reference: body.reference,
        content: { body: accessCodeText(body.personalisation.code), from_number: "GC Notify" },
        uri: `${baseUrl}/v2/notifications/${notificationId}`,
        template: { id: body.template_id, version: 1, uri: `${baseUrl}/v2/template/${body.template_id}` },
        scheduled_for: null,
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await database?.dispose();
  });

  const message: SmsMessage = {
    to: "+15145550199",
    code: "482913",
    lang: "en",
    reference: "access-code-1",
    at: new Date("2026-06-15T16:00:00Z"),
  };
  const rowsTo = (to: string) => database.db.select().from(smsMessages).where(eq(smsMessages.toNumber, to));

  it("P-2: reads the service id and secret from the last 73 characters of the API key", () => {
    expect(parseNotifyApiKey(apiKey)).toEqual({ serviceId, secret });
    expect(parseNotifyApiKey(`my-key-with-hyphens-${serviceId}-${secret}`)).toEqual({ serviceId, secret });
    expect(parseNotifyApiKey(`${serviceId}-${secret}`)).toBeUndefined();
    expect(parseNotifyApiKey("not a key")).toBeUndefined();
  });

  it("P-2: posts the template and the code with a JWT Notify accepts, and keeps Notify's id but never the text", async () => {
    mode = "accept";
    received.length = 0;
    const sms = gcNotifySms({ apiKey, templateId, baseUrl: `${baseUrl}/` }, database.db, {
      clock: new FixedClock(tokenAt),
    });
    expect(sms.name).toBe("gc-notify");
    expect(await sms.send(message)).toEqual({ providerReference: notificationId });
    expect(received).toEqual([
      {
        method: "POST",
        url: "/v2/notifications/sms",
        contentType: "application/json",
        claims: { iss: serviceId, iat: 1781539207 },
        body: {
          phone_number: "+15145550199",
          template_id: templateId,
          personalisation: { code: "482913" },
          reference: "access-code-1",
        },
      },
    ]);
    expect(Math.floor(tokenAt.getTime() / 1000)).toBe(1781539207);
    expect(await rowsTo("+15145550199")).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        transport: "gc-notify",
        toNumber: "+15145550199",
        body: null,
        providerReference: notificationId,
        sentAt: message.at,
      },
    ]);
  });

  it("P-2: a refusal throws SMS_NOT_SENT with Notify's status and errors, but not the number or the code", async () => {
    mode = "refuse";
    const sms = gcNotifySms({ apiKey, templateId, baseUrl }, database.db);
    const to = "+15145550142";
    const error = await sms.send({ ...message, to }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SmsNotSentError);
    const e = error as SmsNotSentError;
    expect(e.code).toBe("SMS_NOT_SENT");
    expect(e.status).toBe(502);
    expect(e.providerStatus).toBe(400);
    expect(e.providerErrors.map((x) => x.error)).toEqual(["ValidationError", "BadRequestError"]);
    expect(e.message).toMatch(/HTTP 400/);
    expect(e.message).toMatch(/ValidationError: phone_number \[number\] is not a valid number/);
    expect(e.message).toMatch(/BadRequestError: personalisation code \[code\] too long/);
    const everything = JSON.stringify({ message: e.message, errors: e.providerErrors, stack: e.stack });
    expect(everything).not.toContain("5550142");
    expect(everything).not.toContain("482913");
    expect(await rowsTo(to)).toEqual([]);
  });

  it("P-2: a wrong secret is refused by Notify (403) and nothing is recorded", async () => {
    mode = "accept";
    const wrong = `liaison_test-${serviceId}-${"1".repeat(8)}-1111-4111-8111-${"1".repeat(12)}`;
    const sms = gcNotifySms({ apiKey: wrong, templateId, baseUrl }, database.db);
    const to = "+15145550143";
    await expect(sms.send({ ...message, to })).rejects.toMatchObject({
      providerStatus: 403,
      providerErrors: [{ error: "AuthError", message: "Invalid token: signature, api token not found" }],
    });
    expect(await rowsTo(to)).toEqual([]);
  });

  it("P-2: no answer within the timeout throws SMS_NOT_SENT without a provider status", async () => {
    mode = "silent";
    const sms = gcNotifySms({ apiKey, templateId, baseUrl }, database.db, { timeoutMs: 200 });
    const to = "+15145550144";
    const error = (await sms.send({ ...message, to }).catch((e: unknown) => e)) as SmsNotSentError;
    expect(error).toBeInstanceOf(SmsNotSentError);
    expect(error.providerStatus).toBeUndefined();
    expect(error.message).toMatch(/did not answer: TimeoutError/);
    expect(error.message).not.toContain("5550144");
    expect(await rowsTo(to)).toEqual([]);
  });

  it("P-2: the configuration chooses GC Notify when it is set, the development outbox otherwise", () => {
    const notify = readConfig({
      GC_NOTIFY_API_KEY: apiKey,
      GC_NOTIFY_SMS_TEMPLATE_ID: templateId,
      GC_NOTIFY_URL: baseUrl,
    });
    expect(smsTransportFor(notify, database.db).name).toBe("gc-notify");
    expect(smsTransportFor(readConfig({}), database.db).name).toBe("dev-outbox");
    expect(smsTransportFor({}, database.db).name).toBe("dev-outbox");
  });
});
