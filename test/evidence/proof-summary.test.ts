import { describe, expect, it } from "vitest";
import type { CanonicalValue } from "../../src/evidence/canonical.ts";
import { type LedgerEventKind, ledgerEventTypes } from "../../src/evidence/event-types.ts";
import {
  assessProof,
  type LeafEvent,
  type ProofManifest,
  parseLeaf,
  proofPackageFormat,
  type WarningCode,
} from "../../src/evidence/proof-findings.ts";
import { renderProofSummary } from "../../src/evidence/proof-summary.ts";
import { infoOf, poppler, textOf } from "../support/pdf-text.ts";

// The summary is read back with poppler's pdftotext and pdfinfo (poppler-utils), as in
// postal-letter.test.ts: what a judge, or a search over the archive, gets from the paper.

interface Word {
  text: string;
  xMin: number;
  xMax: number;
}

/** Every word of every page with its box, from pdftotext -bbox. */
function wordsOf(pdf: Buffer): Word[] {
  const html = poppler("pdftotext", ["-bbox", "-enc", "UTF-8"], pdf);
  return [
    ...html.matchAll(/<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<\/word>/g),
  ].map((m) => ({ xMin: Number(m[1]), xMax: Number(m[2]), text: m[3]! }));
}

const embedsAFont = (pdf: Buffer): boolean => pdf.includes("/FontFile2");

// ---------------------------------------------------------------------------------------------------
// A realistic package: an applicant's letter sent by email, accepted, and no bounce in the window.

const corr = "corr_01J9Z3K6Q4R8T2V5W7X9Y1Z3A5";
const party = "party_01J9Z3K6Q4R8T2V5W7X9Y1Z3B6";
const oldEmail = "amina@example.com";
const hash = (c: string) => c.repeat(64).slice(0, 64);

interface Spec {
  event: LedgerEventKind;
  at: string;
  details: { [key: string]: CanonicalValue };
}

function leaf(spec: Spec, subject: { type: string; id: string }): string {
  const e: LeafEvent = {
    v: 1,
    type: ledgerEventTypes[spec.event],
    event: spec.event,
    subject,
    at: spec.at,
    actor: "system",
    details: spec.details,
  };
  return JSON.stringify(e);
}

const address = (
  contactPoint: number,
  value: string,
  source: string,
  providedAt: string,
  recordedAt: string,
  kind = "email",
): Spec => ({
  event: "address-provided",
  at: recordedAt,
  details: { partyId: party, contactPoint, kind, value, source, providedAt },
});

const sentAt = "2026-03-02T15:30:12.345Z";

const generated = (channel = "email", to = oldEmail): Spec => ({
  event: "generated",
  at: "2026-03-02T15:30:00.000Z",
  details: { channel, address: to, contentSha256: hash("c") },
});
const sealed: Spec = {
  event: "sealed",
  at: "2026-03-02T15:30:05.000Z",
  details: { sha256: hash("e3"), size: 48213, messageId: `<${corr}@mail.agency.example>` },
};
const sent = (to = oldEmail): Spec => ({
  event: "sent",
  at: sentAt,
  details: {
    smtpReply: "250 2.0.0 Ok: queued as 4C1F2A9B",
    smtp: {
      server: "relay.agency.example:587",
      tls: "required",
      reply: "250 2.0.0 Ok: queued as 4C1F2A9B",
      queueId: "4C1F2A9B",
    },
    messageId: `<${corr}@mail.agency.example>`,
    envelope: { from: `bounce+${corr}@agency.example`, to },
    attempts: 1,
  },
});
const noteWritten: Spec = {
  event: "note-written",
  at: sentAt,
  details: { kind: "letter-sent", textSha256: hash("9") },
};
const windowClosed: Spec = { event: "no-bounce-window-closed", at: "2026-03-05T15:30:12.000Z", details: {} };

function letter(overrides: { [key: string]: CanonicalValue } = {}): { [key: string]: CanonicalValue } {
  return {
    correspondence: corr,
    application: "app_01J9Z3K6Q4R8T2V5W7X9Y1Z3C7",
    office: "MTL",
    letterType: "request-documents",
    language: "en",
    recipient: { party, role: "applicant", name: "Amina Diallo" },
    channel: "email",
    routingReason: "applicant-email",
    address: oldEmail,
    contactPoint: 1,
    from: "cpc-montreal@agency.example",
    subject: "File E000123456: request for additional documents",
    body: "Dear Amina Diallo,\n\nWe need a police certificate from each country where you lived for six months or more.\n\nSincerely,\n\nMontréal Processing Centre",
    deadline: "2026-04-01",
    attachments: [
      { filename: "checklist.pdf", contentType: "application/pdf", sha256: hash("ab"), size: 20480 },
    ],
    ...overrides,
  };
}

interface Scenario {
  letter?: { [key: string]: CanonicalValue };
  events?: Spec[];
  history?: Spec[];
  timestamp?: ProofManifest["timestamp"];
}

const baseHistory = [
  address(1, oldEmail, "application-form", "2026-01-10T14:00:00.000Z", "2026-01-12T16:05:00.000Z"),
];
const baseEvents = [generated(), sealed, sent(), noteWritten, windowClosed];
const exportedAt = "2026-03-20T13:00:00.000Z";

/** A manifest whose findings are those proof-findings.ts computes from its events, as the exporter does. */
function manifest(s: Scenario = {}): Omit<ProofManifest, "files"> {
  const theLetter = s.letter ?? letter();
  const events = (s.events ?? baseEvents).map((e, i) => ({
    leafIndex: 100 + i,
    data: leaf(e, { type: "correspondence", id: corr }),
    proof: [hash("1"), hash("2")],
  }));
  const addressHistory = (s.history ?? baseHistory).map((e, i) => ({
    leafIndex: 10 + i,
    data: leaf(e, { type: "party", id: party }),
    proof: [hash("3")],
  }));
  return {
    format: proofPackageFormat,
    exportedAt,
    language: "en",
    correspondence: corr,
    fileNumber: "E000123456",
    office: {
      code: "MTL",
      nameEn: "Montréal Processing Centre",
      nameFr: "Centre de traitement de Montréal",
      genericMailbox: "cpc-montreal@agency.example",
      timeZone: "America/Toronto",
    },
    letter: theLetter,
    events,
    addressHistory,
    treeHead: {
      treeSize: 4821,
      rootHash: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
      signedAt: "2026-03-20T12:59:00.000Z",
      keyId: "ledger-2026-01",
      signature: Buffer.alloc(64, 7).toString("base64"),
    },
    timestamp:
      s.timestamp === undefined
        ? { authorityUrl: "https://tsa.example.org/rfc3161", token: "MIIB", genTime: "2026-03-20T12:59:30Z" }
        : s.timestamp,
    findings: assessProof({
      letter: theLetter,
      events: events.map((e) => parseLeaf(e.data)),
      addressHistory: addressHistory.map((e) => parseLeaf(e.data)),
      asOf: exportedAt,
    }),
  };
}

/** B-5: words that would claim more than the ledger knows. */
const overclaims = [/delivered/i, /livré/i, /reçue? par le destinataire/i];

// ---------------------------------------------------------------------------------------------------

describe("renderProofSummary: a printable summary a judge can read (B-1, B-4)", () => {
  it("B-1: an English summary names the letter, the address used, the server and its 250 reply", async () => {
    const m = manifest();
    expect(m.findings.warnings).toEqual([]);
    const pdf = await renderProofSummary(m, "en");
    const text = textOf(pdf);
    for (const expected of [
      "Proof of sending",
      "Montréal Processing Centre (MTL)",
      "File number: E000123456",
      `Correspondence ID: ${corr}`,
      "Exported at: March 20, 2026 at 9:00 a.m. EDT (America/Toronto)",
      "In plain words: no warnings",
      "The letter was accepted by the mail server relay.agency.example:587 on March 2, 2026 at 10:30 a.m. EST (America/Toronto) for the address amina@example.com.",
      "It was the latest email address the applicant had provided (source: Application form; provided on January 10, 2026 at 9:00 a.m. EST (America/Toronto)).",
      "it does not show that the recipient opened or read it.",
      "Recipient: Amina Diallo (applicant)",
      "Subject: File E000123456: request for additional documents",
      "Response deadline: April 1, 2026",
      "We need a police certificate from each country where you lived for six months or more.",
      "Server's reply, verbatim: “250 2.0.0 Ok: queued as 4C1F2A9B”",
      "Queue ID: 4C1F2A9B",
      "required: the connection was set to require encryption (STARTTLS)",
      `<${corr}@mail.agency.example>`,
      "48213 bytes",
      "Used for this letter",
      "No bounce or delivery report has been matched to this letter.",
      "The waiting period for such reports closed on March 5, 2026 at 10:30 a.m. EST (America/Toronto).",
      "liaison.MessageSealed",
      "RelayToNonERDS",
      "Accepted by the mail server",
      "https://tsa.example.org/rfc3161",
      "liaison proof verify <package>",
      "/.well-known/liaison-ledger-key",
      "the SHA-256 of message.eml",
    ])
      expect(text).toContain(expected);
    // The attachment's hash is wider than its column: whole once the line breaks are removed.
    expect(text.replace(/ /g, "")).toContain(`checklist.pdf(20480bytes),SHA-256${hash("ab")}`);
    // B-1 order: title, verdict, letter, hand-off, addresses, reports, timeline, integrity.
    const order = [
      "Proof of sending",
      "In plain words",
      "The letter",
      "Hand-off to the mail server",
      "Addresses of the recipient",
      "Reports received",
      "Timeline of the letter",
      "Integrity",
      "How to check this package",
    ].map((s) => text.indexOf(s));
    expect(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!))).toBe(true);
    for (const word of overclaims) expect(text).not.toMatch(word);
  });

  it("B-1: the French summary is written in French, title in French", async () => {
    const pdf = await renderProofSummary(manifest(), "fr");
    const text = textOf(pdf);
    for (const expected of [
      "Preuve d’envoi",
      "Centre de traitement de Montréal (MTL)",
      "Numéro de dossier : E000123456",
      "En clair : aucun avertissement",
      "La lettre a été acceptée par le serveur de courriel relay.agency.example:587 le 2 mars 2026 à 10 h 30 HNE (America/Toronto) pour l’adresse amina@example.com.",
      "C’était la dernière adresse courriel fournie par le demandeur (source : Formulaire de demande;",
      "Destinataire : Amina Diallo (demandeur)",
      "Date limite de réponse : 1er avril 2026",
      "Réponse du serveur, textuellement : « 250 2.0.0 Ok: queued as 4C1F2A9B »",
      "obligatoire : la connexion exigeait le chiffrement (STARTTLS)",
      "Utilisée pour cette", // a table cell: "lettre" is on its next line
      "Aucun avis de non-distribution ni autre rapport n’a été associé à cette lettre.",
      "Chronologie de la lettre",
      "Accepté par le serveur de courriel",
      "Comment vérifier ce paquet",
      "liaison proof verify <paquet>",
    ])
      expect(text).toContain(expected);
    expect(text).not.toContain("Proof of sending");
    for (const word of overclaims) expect(text).not.toMatch(word);
    expect(infoOf(pdf).Title).toBe("Preuve d’envoi · E000123456");
  });

  it("B-1: a US Letter PDF, footer 'Page X of Y' / 'Page X de Y' with the correspondence id on every page", async () => {
    for (const [lang, word] of [
      ["en", "of"],
      ["fr", "de"],
    ] as const) {
      const pdf = await renderProofSummary(manifest(), lang);
      const info = infoOf(pdf);
      expect(info["Page size"]).toMatch(/^612 x 792 pts/);
      const pages = Number(info.Pages);
      expect(pages).toBeGreaterThanOrEqual(2);
      const text = textOf(pdf);
      for (let p = 1; p <= pages; p++) expect(text).toContain(`Page ${p} ${word} ${pages}`);
      expect(text.split(`· ${corr}`).length - 1).toBe(pages);
    }
  });

  it("B-1: the same manifest renders the same bytes, and CreationDate is the export time", async () => {
    for (const lang of ["en", "fr"] as const) {
      const a = await renderProofSummary(manifest(), lang);
      const b = await renderProofSummary(manifest(), lang);
      expect(a.equals(b)).toBe(true);
    }
    expect(infoOf(await renderProofSummary(manifest(), "en")).CreationDate).toBe("2026-03-20T13:00:00Z");
  });

  it("B-1: without a timestamp the summary says so; the standard fonts suffice for Latin-1 text", async () => {
    const pdf = await renderProofSummary(manifest({ timestamp: null }), "en");
    expect(embedsAFont(pdf)).toBe(false);
    expect(textOf(pdf)).toContain("No timestamp from an independent authority (RFC 3161) is included.");
  });

  it("B-4: a Vietnamese recipient's name prints as on file, in an embedded font", async () => {
    const name = "Nguyễn Thị Minh Khai";
    const m = manifest({
      letter: letter({
        recipient: { party, role: "representative", name },
        body: `Dear ${name},\n\nPlease send the documents.`,
      }),
    });
    for (const lang of ["en", "fr"] as const) {
      const pdf = await renderProofSummary(m, lang);
      expect(embedsAFont(pdf)).toBe(true);
      const text = textOf(pdf);
      expect(text).toContain(
        lang === "en" ? `Recipient: ${name} (representative)` : `Destinataire : ${name} (représentant)`,
      );
      expect(text).toContain(`Dear ${name},`);
      expect((await renderProofSummary(m, lang)).equals(pdf)).toBe(true);
    }
  });

  it("B-4: a 64-hex hash and a 300-character address wrap and stay within the page, complete", async () => {
    const long = `${"abcdefghij".repeat(28)}@long-domain.example`;
    expect(long).toHaveLength(300);
    const m = manifest({
      letter: letter({ address: long }),
      events: [generated("email", long), sealed, sent(long), windowClosed],
      history: [address(1, long, "client-email", "2026-01-10T14:00:00.000Z", "2026-01-12T16:05:00.000Z")],
    });
    for (const lang of ["en", "fr"] as const) {
      const pdf = await renderProofSummary(m, lang);
      const words = wordsOf(pdf);
      expect(words.length).toBeGreaterThan(100);
      for (const w of words) {
        expect(w.xMin, w.text).toBeGreaterThanOrEqual(0.75 * 72 - 1);
        expect(w.xMax, w.text).toBeLessThanOrEqual(612 - 0.75 * 72 + 1);
      }
      // Broken across lines, but nothing lost: with the line breaks removed, each value is whole.
      const joined = textOf(pdf).replace(/ /g, "");
      expect(joined).toContain(long);
      expect(joined).toContain(m.treeHead.rootHash);
      expect(joined).toContain(hash("e3"));
      // Wider than their column, the message's hash and the address are cut, not run off the page.
      expect(words.some((w) => w.text === hash("e3"))).toBe(false);
      expect(words.some((w) => w.text.includes(long))).toBe(false);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

const newEmail = "amina.new@example.org";
const postal = "221 Maple Avenue, Apt. 4\nToronto ON  M5V 2T6\nCANADA";

/** One scenario per warning code, built from events as the ledger would hold them. */
const warningCases: { code: WarningCode; scenario: Scenario; en: string; fr: string }[] = [
  {
    code: "not-sent",
    scenario: { events: [generated(), sealed] },
    en: "Not sent: the ledger records no sending of this letter, neither its acceptance by a mail server nor its handing to the postal service.",
    fr: "Non envoyée : le registre ne consigne aucun envoi de cette lettre, ni son acceptation par un serveur de courriel ni sa remise au service postal.",
  },
  {
    code: "sent-to-superseded-address",
    scenario: {
      history: [
        ...baseHistory,
        address(2, newEmail, "client-email", "2026-02-20T15:00:00.000Z", "2026-02-20T15:10:00.000Z"),
      ],
    },
    en: "Sent to an address that had been replaced: the letter went to amina@example.com, but when it was sent the applicant had provided a newer email address, amina.new@example.org (Client wrote to us by email; provided on February 20, 2026 at 10:00 a.m. EST (America/Toronto)).",
    fr: "Envoyée à une adresse remplacée : la lettre a été envoyée à amina@example.com, mais au moment de l’envoi, le demandeur avait fourni une adresse courriel plus récente, amina.new@example.org (Le client nous a écrit par courriel; fournie le 20 février 2026 à 10 h 00 HNE (America/Toronto)).",
  },
  {
    code: "address-changed-after-send",
    scenario: {
      history: [
        ...baseHistory,
        address(2, newEmail, "phone", "2026-03-09T14:00:00.000Z", "2026-03-09T14:20:00.000Z"),
      ],
    },
    en: "Address changed after sending: after the letter was sent, the applicant provided another email address, recorded before the response deadline: amina.new@example.org (provided on March 9, 2026 at 10:00 a.m. EDT (America/Toronto), recorded on March 9, 2026 at 10:20 a.m. EDT (America/Toronto)).",
    fr: "Adresse modifiée après l’envoi : après l’envoi de la lettre, le demandeur a fourni une autre adresse courriel, consignée avant la date limite de réponse : amina.new@example.org (fournie le 9 mars 2026 à 10 h 00 HAE (America/Toronto), consignée le 9 mars 2026 à 10 h 20 HAE (America/Toronto)).",
  },
  {
    code: "bounced",
    scenario: {
      events: [
        generated(),
        sealed,
        sent(),
        {
          event: "bounced",
          at: "2026-03-02T15:40:00.000Z",
          details: { action: "failed", status: "5.1.1", kind: "hard" },
        },
      ],
    },
    en: "Bounce: a report received on March 2, 2026 at 10:40 a.m. EST (America/Toronto) said the message failed permanently; see “Reports received”.",
    fr: "Avis de non-distribution : un rapport reçu le 2 mars 2026 à 10 h 40 HNE (America/Toronto) indique que le message a échoué de façon définitive; voir « Rapports reçus ».",
  },
  {
    code: "delivery-uncertain",
    scenario: {
      events: [
        generated(),
        sealed,
        sent(),
        {
          event: "inbound-report",
          at: "2026-03-03T11:00:00.000Z",
          details: { action: "delayed", status: "4.4.7", kind: "soft" },
        },
      ],
    },
    en: "Receipt uncertain: a report said the message was relayed or delayed (“delayed”, received on March 3, 2026 at 6:00 a.m. EST (America/Toronto)): this is not proof of receipt and needs follow-up.",
    fr: "Réception incertaine : un rapport indique que le message a été relayé ou retardé (« delayed », reçu le 3 mars 2026 à 06 h 00 HNE (America/Toronto)) : ce n’est pas une preuve de réception et un suivi est nécessaire.",
  },
  {
    code: "bounce-window-open",
    scenario: { events: [generated(), sealed, sent(), noteWritten] },
    en: "Waiting period open: no report has been matched yet and the waiting period is not over, so a bounce may still arrive.",
    fr: "Délai d’attente en cours : aucun rapport n’a encore été associé à la lettre et le délai d’attente n’est pas écoulé; un avis de non-distribution peut encore arriver.",
  },
  {
    code: "rejected-by-relay",
    scenario: {
      events: [
        generated(),
        sealed,
        {
          event: "smtp-rejected",
          at: "2026-03-02T15:30:10.000Z",
          details: { response: "550 5.7.1 Relaying denied", attempts: 1 },
        },
        { event: "routed-to-post", at: "2026-03-02T15:30:10.000Z", details: { reason: "email-rejected" } },
      ],
    },
    en: "Refused by a mail server: on March 2, 2026 at 10:30 a.m. EST (America/Toronto), the server answered “550 5.7.1 Relaying denied”.",
    fr: "Refusée par un serveur de courriel : le 2 mars 2026 à 10 h 30 HNE (America/Toronto), le serveur a répondu « 550 5.7.1 Relaying denied ».",
  },
  {
    code: "sent-by-post",
    scenario: {
      letter: letter({ channel: "post", address: postal }),
      history: [
        address(1, postal, "client-letter", "2026-01-10T14:00:00.000Z", "2026-01-12T16:05:00.000Z", "postal"),
      ],
      events: [
        generated("post", postal),
        { event: "delivered-by-post", at: "2026-03-04T18:00:00.000Z", details: { postedOn: "2026-03-04" } },
      ],
    },
    en: "Sent by post, not by email: the letter was handed to the postal service on March 4, 2026. The ledger shows when it was posted, not whether or when it arrived.",
    fr: "Envoyée par la poste, non par courriel : la lettre a été remise au service postal le 4 mars 2026. Le registre indique quand elle a été postée, non si elle est arrivée ni quand.",
  },
];

describe("renderProofSummary: warnings in plain words (B-5)", () => {
  it("B-5: the cases cover every warning code", () => {
    const all: Record<WarningCode, true> = {
      "not-sent": true,
      "sent-to-superseded-address": true,
      "address-changed-after-send": true,
      bounced: true,
      "delivery-uncertain": true,
      "bounce-window-open": true,
      "rejected-by-relay": true,
      "sent-by-post": true,
    };
    expect(warningCases.map((c) => c.code).sort()).toEqual(Object.keys(all).sort());
  });

  it.each(warningCases)("B-5: $code is stated in English and in French, never as 'delivered'", async (c) => {
    const m = manifest(c.scenario);
    expect(m.findings.warnings).toContain(c.code);
    for (const lang of ["en", "fr"] as const) {
      const text = textOf(await renderProofSummary(m, lang));
      const fold = (s: string) => s.replace(/[\s\u00a0]+/g, " ");
      expect(text).toContain(fold(c[lang]));
      expect(text).toContain(
        lang === "en"
          ? `In plain words: ${m.findings.warnings.length} warning`
          : `En clair : ${m.findings.warnings.length} avertissement`,
      );
      expect(text).not.toContain(lang === "en" ? "no warnings" : "aucun avertissement");
      for (const word of overclaims) expect(text).not.toMatch(word);
    }
  });

  it("B-5: a bounced letter lists the report as received, quoting its action and status", async () => {
    const m = manifest(warningCases.find((c) => c.code === "bounced")!.scenario);
    const text = textOf(await renderProofSummary(m, "en"));
    expect(text).toContain("Bounce");
    expect(text).toContain("“failed”");
    expect(text).toContain("“5.1.1”");
    expect(text).toContain("permanent failure");
    expect(text).not.toContain("No bounce or delivery report has been matched");
  });

  it("B-5: a letter by post shows the postal address used and no SMTP hand-off", async () => {
    const m = manifest(warningCases.find((c) => c.code === "sent-by-post")!.scenario);
    const text = textOf(await renderProofSummary(m, "en"));
    expect(text).toContain("The ledger records no hand-off of this letter to a mail server.");
    expect(text).toContain("Handed to the postal service: March 4, 2026");
    expect(text).toContain("221 Maple Avenue, Apt. 4");
    expect(text).toContain("liaison.HandedToPostalService");
  });
});
