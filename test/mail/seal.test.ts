import crypto from "node:crypto";
import { promises as fs } from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { dkimVerify } from "mailauth";
import { type AddressObject, simpleParser } from "mailparser";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type DkimKey,
  DkimKeyError,
  dkimRecordName,
  dkimTxtStrings,
  loadOrCreateDkimKey,
} from "../../src/mail/dkim.ts";
import {
  assertNoTracking,
  forbiddenHeaders,
  SealError,
  type SealedMessage,
  type SealInput,
  sealMessage,
} from "../../src/mail/seal.ts";
import { decodeVerp, encodeVerp, VerpError } from "../../src/mail/verp.ts";

// ---------------------------------------------------------------------------------------------------
// Fixtures: one office mailbox, one routed recipient with a mixed-case address, one French letter.

const ID = "0b6f2c1e-8d7a-4c3b-9e2f-5a1d4c7b8e90";
const OTHER_ID = "7d3e9a40-1f2b-4c5d-8e6f-90a1b2c3d4e5";
const MAILBOX = "ircc.mtl@ircc.example";
const TO = "Jean.Tremblay@Example.CA";
const SENT_AT = new Date("2026-02-10T15:30:00.000Z");
const SUBJECT_FR = "Demande de documents — dossier B000123456 « élève » à compléter";
const TEXT_FR = "Bonjour,\n\nVeuillez fournir les documents demandés d'ici le 12 mars 2026.\n\nMerci.\n";
const PDF = Buffer.from("%PDF-1.4\n% letter body bytes \u00e9\n%%EOF\n", "latin1");
// ASCII with bare LF line ends: sent as 7bit text, it would come back with CRLF.
const CSV = Buffer.from("document;received\npassport;no\n", "ascii");

let dataDir: string;
let key: DkimKey;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), "liaison-mail-"));
  key = await loadOrCreateDkimKey(dataDir, { selector: "liaison2026", domain: "ircc.example" });
});

afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

function letter(overrides: Partial<SealInput> = {}): SealInput {
  return {
    correspondenceId: ID,
    from: { name: "IRCC – Bureau de Montréal", address: MAILBOX },
    to: TO,
    subject: SUBJECT_FR,
    text: TEXT_FR,
    attachments: [
      { filename: "lettre-réponse.pdf", contentType: "application/pdf", content: PDF },
      { filename: "pièces.csv", contentType: "text/csv", content: CSV },
    ],
    language: "fr",
    messageIdDomain: "ircc.example",
    dkim: key,
    date: SENT_AT,
    ...overrides,
  };
}

/** A DNS that knows only the records given, as a TXT lookup returns them: one array of strings each. */
function resolverFor(records: Record<string, string[]>, lookups: string[] = []) {
  return async (name: string, rrtype: string): Promise<string[][]> => {
    lookups.push(`${rrtype} ${name}`);
    const strings = rrtype === "TXT" ? records[name] : undefined;
    if (!strings) throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: "ENOTFOUND" });
    return [strings];
  };
}

async function verify(bytes: Buffer, records: Record<string, string[]>) {
  const { results } = await dkimVerify(bytes, { resolver: resolverFor(records) });
  expect(results).toHaveLength(1);
  return results[0]!;
}

const published = () => ({ [dkimRecordName(key)]: dkimTxtStrings(key) });

function headerBlock(bytes: Buffer): string {
  const text = bytes.toString("latin1");
  return text.slice(0, text.indexOf("\r\n\r\n"));
}

function firstAddress(a: AddressObject | AddressObject[] | undefined) {
  return (Array.isArray(a) ? a[0] : a)?.value[0];
}

function replaceOnce(bytes: Buffer, from: string, to: string): Buffer {
  const at = bytes.indexOf(from);
  expect(at).toBeGreaterThan(0);
  return Buffer.concat([bytes.subarray(0, at), Buffer.from(to, "latin1"), bytes.subarray(at + from.length)]);
}

// ---------------------------------------------------------------------------------------------------

describe("sealMessage", () => {
  let sealed: SealedMessage;
  beforeAll(async () => {
    sealed = await sealMessage(letter());
  });

  it("C-7, C-10: the sealed bytes parse back to the letter, from the office's generic mailbox", async () => {
    const parsed = await simpleParser(sealed.bytes);
    expect(firstAddress(parsed.from)).toEqual({ name: "IRCC – Bureau de Montréal", address: MAILBOX });
    expect(firstAddress(parsed.to)?.address?.toLowerCase()).toBe(TO.toLowerCase());
    expect(parsed.subject).toBe(SUBJECT_FR);
    expect(parsed.text).toBe(TEXT_FR);
    expect(parsed.messageId).toBe(`<${ID}@ircc.example>`);
    expect(parsed.date?.toISOString()).toBe(SENT_AT.toISOString());
    expect(parsed.headers.get("content-language")).toBe("fr");
    expect(parsed.html).toBe(false);
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["lettre-réponse.pdf", "application/pdf"],
      ["pièces.csv", "text/csv"],
    ]);
    expect(parsed.attachments[0]?.content.equals(PDF)).toBe(true);
    expect(parsed.attachments[1]?.content.equals(CSV)).toBe(true);
  });

  it("C-5, C-10: the To header and the envelope carry the routed address byte for byte", () => {
    // Nodemailer would write the domain in lower case; the record must show the address on file.
    expect(headerBlock(sealed.bytes)).toMatch(/^To: Jean\.Tremblay@Example\.CA$/m);
    expect(sealed.envelope).toEqual({ from: encodeVerp(MAILBOX, ID), to: TO });
  });

  it("C-9: Content-Language follows the letter's language, bilingual naming both", async () => {
    for (const [language, expected] of [
      ["en", "en"],
      ["fr", "fr"],
      ["bilingual", "en, fr"],
    ] as const) {
      const s = await sealMessage(letter({ language }));
      expect(headerBlock(s.bytes)).toMatch(new RegExp(`^Content-Language: ${expected}$`, "m"));
    }
  });

  it("C-10: the Date header is the injected instant, not the wall clock", async () => {
    const s = await sealMessage(letter({ date: new Date("2020-01-02T03:04:05.000Z") }));
    expect(headerBlock(s.bytes)).toMatch(/^Date: Thu, 02 Jan 2020 03:04:05 \+0000$/m);
  });

  it("C-10: sha256 and size describe exactly the bytes, which are CRLF throughout", () => {
    expect(sealed.size).toBe(sealed.bytes.length);
    expect(sealed.sha256).toBe(crypto.createHash("sha256").update(sealed.bytes).digest("hex"));
    expect(sealed.sha256).toMatch(/^[0-9a-f]{64}$/);
    // SMTP needs CRLF; a bare LF would be rewritten in transit and break the signature.
    expect(sealed.bytes.toString("latin1")).not.toMatch(/[^\r]\n/);
  });

  it("C-10: a plain ASCII letter (sent as 7bit, not encoded) is CRLF throughout too", async () => {
    const s = await sealMessage(letter({ subject: "Request", text: "Hello,\n\nPlease reply.\r\nThanks\n" }));
    expect(s.bytes.toString("latin1")).toContain("Content-Transfer-Encoding: 7bit");
    expect(s.bytes.toString("latin1")).not.toMatch(/[^\r]\n/);
    expect((await simpleParser(s.bytes)).text).toBe("Hello,\n\nPlease reply.\nThanks\n");
  });

  it("C-10: the DKIM signature verifies against the published record (pass, aligned with From)", async () => {
    const lookups: string[] = [];
    const { results } = await dkimVerify(sealed.bytes, { resolver: resolverFor(published(), lookups) });
    expect(lookups).toEqual([`TXT ${dkimRecordName(key)}`]);
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result?.status.result).toBe("pass");
    expect(result?.signingDomain).toBe("ircc.example");
    expect(result?.selector).toBe("liaison2026");
    expect(headerBlock(sealed.bytes).startsWith("DKIM-Signature: ")).toBe(true);
    // The language and the recipient are part of what was signed.
    expect(headerBlock(sealed.bytes)).toMatch(/h=[a-z:-]*\bcontent-language\b/);
    expect(headerBlock(sealed.bytes)).toMatch(/h=[a-z:-]*\bto\b/);
  });

  it("C-10: altering one byte of the body makes the DKIM check fail", async () => {
    const altered = replaceOnce(sealed.bytes, "Veuillez", "Weuillez");
    expect(altered.length).toBe(sealed.bytes.length);
    const result = await verify(altered, published());
    expect(result.status.result).not.toBe("pass");
    expect(result.status.comment).toMatch(/body hash/);
  });

  it("C-10: altering a signed header (the recipient) makes the DKIM check fail", async () => {
    const altered = replaceOnce(sealed.bytes, "To: Jean.Tremblay@", "To: Jean.Tremblaz@");
    const result = await verify(altered, published());
    expect(result.status.result).toBe("fail");
  });

  it("C-10: the Message-ID is fixed by the correspondence id, and a re-seal gives the same bytes", async () => {
    const again = await sealMessage(letter());
    expect(again.bytes.equals(sealed.bytes)).toBe(true);
    expect(again.sha256).toBe(sealed.sha256);

    const edited = await sealMessage(
      letter({ text: "Autre texte.\n", date: new Date("2026-03-01T00:00:00Z") }),
    );
    expect(edited.messageId).toBe(sealed.messageId);
    expect(edited.sha256).not.toBe(sealed.sha256);

    const other = await sealMessage(letter({ correspondenceId: OTHER_ID }));
    expect(other.messageId).toBe(`<${OTHER_ID}@ircc.example>`);
    expect(other.envelope.from).toBe(encodeVerp(MAILBOX, OTHER_ID));

    // An upper-case id names the same correspondence.
    const upper = await sealMessage(letter({ correspondenceId: ID.toUpperCase() }));
    expect(upper.messageId).toBe(sealed.messageId);
  });

  it("C-10: nodemailer's sendMail({ raw, envelope }) hands on the sealed bytes unchanged", async () => {
    const transport = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: "windows" });
    const info = await transport.sendMail({ raw: sealed.bytes, envelope: sealed.envelope });
    expect(Buffer.isBuffer(info.message) && info.message.equals(sealed.bytes)).toBe(true);
    expect(info.envelope.from).toBe(sealed.envelope.from);
    // Nodemailer's mailer writes the recipient's domain in lower case in RCPT TO (domains are
    // case-insensitive, RFC 5321 section 2.4); the local part, the part that is case-sensitive, is kept.
    expect(info.envelope.to).toEqual(["Jean.Tremblay@example.ca"]);
  });

  it("B-8: the key record is captured with the message and still verifies after the key is rotated", async () => {
    expect(sealed.dkim).toEqual({
      selector: "liaison2026",
      domain: "ircc.example",
      recordName: "liaison2026._domainkey.ircc.example",
      record: key.publicKeyDnsRecord,
    });
    const rotated = await loadOrCreateDkimKey(dataDir, { selector: "liaison2027", domain: "ircc.example" });
    expect(rotated.publicKeyDnsRecord).not.toBe(key.publicKeyDnsRecord);

    // Years later the DNS only has the new selector; the captured record is what a verifier uses.
    const captured = { [sealed.dkim.recordName]: dkimTxtStrings({ publicKeyDnsRecord: sealed.dkim.record }) };
    expect((await verify(sealed.bytes, captured)).status.result).toBe("pass");

    // And the capture matters: the rotated key's record under the old name does not verify it.
    const wrong = { [sealed.dkim.recordName]: dkimTxtStrings(rotated) };
    expect((await verify(sealed.bytes, wrong)).status.result).not.toBe("pass");
  });

  it("C-8: no read-receipt or tracking header, no Auto-Submitted, no HTML part", async () => {
    const names = headerBlock(sealed.bytes)
      .split("\r\n")
      .filter((l) => !/^[ \t]/.test(l))
      .map((l) => l.slice(0, l.indexOf(":")).toLowerCase());
    expect(names).toEqual([
      "dkim-signature",
      "from",
      "to",
      "subject",
      "message-id",
      "date",
      "content-language",
      "mime-version",
      "content-type",
    ]);
    for (const h of forbiddenHeaders) expect(names).not.toContain(h.toLowerCase());
    expect(sealed.bytes.toString("latin1")).not.toMatch(/text\/html|<img/i);
    expect(() => assertNoTracking(sealed.bytes)).not.toThrow();
  });

  it("C-5, C-7: refuses input it cannot seal faithfully (not one plain address, header injection, unaligned key)", async () => {
    const cases: [Partial<SealInput>, string][] = [
      [{ correspondenceId: "42" }, "INVALID_CORRESPONDENCE_ID"],
      [{ to: "Jean <jean@example.ca>" }, "INVALID_ADDRESS"],
      [{ to: "jean@example.ca, autre@example.ca" }, "INVALID_ADDRESS"],
      [{ from: { name: "Agent", address: "not-an-address" } }, "INVALID_ADDRESS"],
      [{ subject: "Objet\r\nBcc: everyone@example.org" }, "INVALID_HEADER_TEXT"],
      [{ from: { name: "IRCC\nX-Injected: 1", address: MAILBOX } }, "INVALID_HEADER_TEXT"],
      [{ messageIdDomain: "ircc example" }, "INVALID_DOMAIN"],
      [{ date: new Date(Number.NaN) }, "INVALID_DATE"],
      [{ attachments: [{ filename: "a.pdf", contentType: "pdf", content: PDF }] }, "INVALID_ATTACHMENT"],
      // DMARC: a key for another domain would make the letter look forged.
      [{ from: { name: "IRCC", address: "ircc.mtl@other.example" } }, "DKIM_NOT_ALIGNED"],
    ];
    for (const [overrides, code] of cases) {
      await expect(sealMessage(letter(overrides)), code).rejects.toMatchObject({ name: "SealError", code });
    }
  });

  it("C-7: a From address on a subdomain of the signing domain is aligned and signs", async () => {
    const s = await sealMessage(letter({ from: { name: "IRCC", address: "ircc.mtl@mail.ircc.example" } }));
    expect((await verify(s.bytes, published())).status.result).toBe("pass");
    expect(s.envelope.from).toBe(encodeVerp("ircc.mtl@mail.ircc.example", ID));
  });
});

// ---------------------------------------------------------------------------------------------------

describe("assertNoTracking", () => {
  const plain = (headers: string, body = "Bonjour.\r\n") =>
    Buffer.from(
      `From: ircc.mtl@ircc.example\r\nTo: jean@example.ca\r\nSubject: x\r\n${headers}MIME-Version: 1.0\r\n` +
        `Content-Type: text/plain; charset=utf-8\r\n\r\n${body}`,
      "latin1",
    );
  const html = (part: string, encoding: "quoted-printable" | "base64") =>
    Buffer.from(
      [
        "From: ircc.mtl@ircc.example",
        "Subject: x",
        "MIME-Version: 1.0",
        'Content-Type: multipart/alternative; boundary="b1"',
        "",
        "--b1",
        "Content-Type: text/plain; charset=utf-8",
        "",
        "Bonjour.",
        "--b1",
        "Content-Type: text/html; charset=utf-8",
        `Content-Transfer-Encoding: ${encoding}`,
        "",
        encoding === "base64" ? Buffer.from(part, "utf8").toString("base64") : part,
        "--b1--",
        "",
      ].join("\r\n"),
      "latin1",
    );
  const code = (f: () => void) => {
    try {
      f();
    } catch (err) {
      return err instanceof SealError ? err.code : String(err);
    }
    return "no error";
  };

  it("C-8: throws on every read-receipt header, whatever its case or folding", () => {
    expect(forbiddenHeaders.map((h) => h.toLowerCase())).toEqual(
      expect.arrayContaining([
        "disposition-notification-to",
        "return-receipt-to",
        "x-confirm-reading-to",
        "read-receipt-to",
      ]),
    );
    for (const h of forbiddenHeaders) {
      expect(
        code(() => assertNoTracking(plain(`${h}: agent@ircc.example\r\n`))),
        h,
      ).toBe("TRACKING_FOUND");
      const shouted = `${h.toUpperCase()}:\r\n agent@ircc.example\r\n`;
      expect(
        code(() => assertNoTracking(plain(shouted))),
        h,
      ).toBe("TRACKING_FOUND");
    }
    expect(code(() => assertNoTracking(plain("")))).toBe("no error");
  });

  it("C-8: throws on a remote image, even when the HTML part is encoded", () => {
    const pixel = '<p>Bonjour</p><img width="1" height="1" src="https://track.example/p.gif?id=42">';
    // Quoted-printable turns `=` into `=3D`, which hides the pixel from a search of the raw bytes.
    const qp = pixel.replaceAll("=", "=3D");
    expect(code(() => assertNoTracking(html(qp, "quoted-printable")))).toBe("TRACKING_FOUND");
    expect(code(() => assertNoTracking(html(pixel, "base64")))).toBe("TRACKING_FOUND");
    expect(code(() => assertNoTracking(html("<img src=//track.example/p.gif>", "base64")))).toBe(
      "TRACKING_FOUND",
    );
    expect(code(() => assertNoTracking(plain("", `<IMG SRC="http://track.example/p.gif">\r\n`)))).toBe(
      "TRACKING_FOUND",
    );
  });

  it("C-8: throws on other remote resources an HTML part would fetch when opened", () => {
    for (const part of [
      '<body background="https://track.example/bg.png">',
      '<div style="background:url(https://track.example/bg.png)">x</div>',
      '<link rel="stylesheet" href="https://track.example/s.css">',
      "<style>@import 'https://track.example/s.css';</style>",
    ]) {
      expect(
        code(() => assertNoTracking(html(part, "base64"))),
        part,
      ).toBe("TRACKING_FOUND");
    }
  });

  it("C-8: accepts HTML whose images are embedded and whose links are only links", () => {
    const clean = '<p>Voir <a href="https://www.canada.ca/">canada.ca</a></p><img src="cid:logo@ircc">';
    expect(code(() => assertNoTracking(html(clean, "base64")))).toBe("no error");
    expect(code(() => assertNoTracking(html(clean.replaceAll("=", "=3D"), "quoted-printable")))).toBe(
      "no error",
    );
  });
});

// ---------------------------------------------------------------------------------------------------

describe("VERP envelope sender (for C-16 bounce matching)", () => {
  it("C-16: encodes the correspondence id as 32 lower-case hex digits after +b-", () => {
    const verp = encodeVerp(MAILBOX, ID);
    expect(verp).toBe("ircc.mtl+b-0b6f2c1e8d7a4c3b9e2f5a1d4c7b8e90@ircc.example");
    expect(verp.slice(0, verp.indexOf("@")).length).toBeLessThanOrEqual(64);
    expect(encodeVerp(MAILBOX, ID.toUpperCase())).toBe(verp);
  });

  it("C-16: round-trips, survives a remote MTA changing the case, and accepts angle brackets", () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        const verp = encodeVerp(MAILBOX, id);
        const expected = { mailbox: MAILBOX, correspondenceId: id.toLowerCase() };
        expect(decodeVerp(verp)).toEqual(expected);
        expect(decodeVerp(verp.toUpperCase())).toEqual(expected);
        expect(decodeVerp(` <${verp}> `, [MAILBOX])).toEqual(expected);
      }),
    );
  });

  it("C-16: keeps a + that is part of the mailbox's own name", () => {
    const verp = encodeVerp("ircc+mtl@ircc.example", ID);
    expect(decodeVerp(verp)).toEqual({ mailbox: "ircc+mtl@ircc.example", correspondenceId: ID });
  });

  it("C-16: rejects addresses that are not ours", () => {
    const hex = ID.replaceAll("-", "");
    for (const address of [
      MAILBOX,
      "jean@example.ca",
      `ircc.mtl+${hex}@ircc.example`, // no tag
      `ircc.mtl+x-${hex}@ircc.example`, // another tag
      `ircc.mtl+b-${hex.slice(1)}@ircc.example`, // 31 digits
      `ircc.mtl+b-${hex}0@ircc.example`, // 33 digits
      `ircc.mtl+b-${hex.slice(1)}g@ircc.example`, // not hex
      `ircc.mtl+b-${hex}@`, // no domain
      `+b-${hex}@ircc.example`, // no mailbox
      "",
    ]) {
      expect(decodeVerp(address), address).toBeUndefined();
    }
    // Well-formed, but built on somebody else's mailbox.
    expect(decodeVerp(encodeVerp("postmaster@elsewhere.example", ID), [MAILBOX])).toBeUndefined();
    expect(decodeVerp(encodeVerp("postmaster@elsewhere.example", ID))).toBeDefined();
  });

  it("C-16: refuses what it cannot encode", () => {
    expect(() => encodeVerp(MAILBOX, "not-a-uuid")).toThrow(VerpError);
    expect(() => encodeVerp("not a mailbox", ID)).toThrow(VerpError);
    // Already tagged: decoding would be ambiguous.
    expect(() => encodeVerp(encodeVerp(MAILBOX, ID), OTHER_ID)).toThrow(VerpError);
    // 29 characters of local part fit (29 + 35 = 64); 30 do not.
    expect(encodeVerp(`${"a".repeat(29)}@ircc.example`, ID).indexOf("@")).toBe(64);
    expect(() => encodeVerp(`${"a".repeat(30)}@ircc.example`, ID)).toThrow(/64/);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("DKIM key", () => {
  it("C-10: is created once under dataDir/dkim with mode 0600 and reused on later calls", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "liaison-dkim-"));
    try {
      const first = await loadOrCreateDkimKey(dir, { selector: "s1", domain: "ircc.example" });
      const file = path.join(dir, "dkim", "s1.ircc.example.pem");
      expect((await fs.stat(file)).mode & 0o777).toBe(0o600);
      expect(await fs.readFile(file, "utf8")).toBe(first.privateKeyPem);

      const second = await loadOrCreateDkimKey(dir, { selector: "S1", domain: "IRCC.example." });
      expect(second).toEqual(first);
      expect(await fs.readdir(path.join(dir, "dkim"))).toEqual(["s1.ircc.example.pem"]);

      const priv = crypto.createPrivateKey(first.privateKeyPem);
      expect(priv.asymmetricKeyType).toBe("rsa");
      expect(priv.asymmetricKeyDetails?.modulusLength).toBe(2048);
      const spki = crypto.createPublicKey(priv).export({ type: "spki", format: "der" }).toString("base64");
      expect(first.publicKeyDnsRecord).toBe(`v=DKIM1; k=rsa; p=${spki}`);
      expect(dkimRecordName(first)).toBe("s1._domainkey.ircc.example");
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("C-10: gives two processes starting at once the same key", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "liaison-dkim-"));
    try {
      const opts = { selector: "race", domain: "ircc.example" };
      const [a, b, c] = await Promise.all([1, 2, 3].map(() => loadOrCreateDkimKey(dir, opts)));
      expect(b?.privateKeyPem).toBe(a?.privateKeyPem);
      expect(c?.privateKeyPem).toBe(a?.privateKeyPem);
      expect(await fs.readdir(path.join(dir, "dkim"))).toEqual(["race.ircc.example.pem"]);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("C-10: refuses a key file others can read, and names that could escape or collide", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "liaison-dkim-"));
    try {
      await loadOrCreateDkimKey(dir, { selector: "s1", domain: "ircc.example" });
      await fs.chmod(path.join(dir, "dkim", "s1.ircc.example.pem"), 0o644);
      await expect(loadOrCreateDkimKey(dir, { selector: "s1", domain: "ircc.example" })).rejects.toThrow(
        /chmod 600/,
      );
      for (const opts of [
        { selector: "a.b", domain: "ircc.example" },
        { selector: "../x", domain: "ircc.example" },
        { selector: "s1", domain: "../../etc" },
        { selector: "s1", domain: "localhost" },
      ]) {
        await expect(loadOrCreateDkimKey(dir, opts)).rejects.toBeInstanceOf(DkimKeyError);
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it("B-8: splits the record into DNS character-strings of at most 255 bytes", () => {
    const strings = dkimTxtStrings(key);
    expect(key.publicKeyDnsRecord.length).toBeGreaterThan(255);
    expect(strings.length).toBeGreaterThan(1);
    for (const s of strings) expect(s.length).toBeLessThanOrEqual(255);
    expect(strings.join("")).toBe(key.publicKeyDnsRecord);
  });
});
