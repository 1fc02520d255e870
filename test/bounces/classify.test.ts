import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type ParsedReport, parseReport } from "../../src/bounces/parse.ts";

// One expectation per fixture under test/bounces/fixtures: which system the report is from, where the
// recipients came from, and for each recipient (in report order) its address, kind, reason, status and
// DSN action, plus the Message-ID of the letter the report concerns.

const fixtures = path.join(import.meta.dirname, "fixtures");

type Row = [
  recipient: string | null,
  kind: ParsedReport["kind"],
  reason: string,
  status: string | null,
  action: string | null,
];

interface Expectation {
  file: string;
  format: string;
  source: ParsedReport["source"];
  kind: ParsedReport["kind"];
  recipients: Row[];
  originalMessageId: string | null;
  envelopeId?: string;
  mayNotBeReported?: true;
}

const expectations: Expectation[] = [
  // Postfix 3.7's own DSNs, as this machine's Postfix wrote them and Dovecot delivered them
  // (test/mail/mail-servers.test.ts with SAVE_POSTFIX_FIXTURES=1).
  {
    file: "postfix-real-unknown-user",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["nobody@ircc.example", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<5d1f0b7e-2c4a-4e8b-9f3d-6a7c8e9b0a11@ircc.example>",
    envelopeId: "5d1f0b7e-2c4a-4e8b-9f3d-6a7c8e9b0a11",
  },
  {
    file: "postfix-real-error-transport",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["someone@unreachable.example", "hard", "other", "5.0.0", "failed"]],
    originalMessageId: "<8b2e4c6a-1d3f-4a5b-8c7d-9e0f1a2b3c44@ircc.example>",
    envelopeId: "8b2e4c6a-1d3f-4a5b-8c7d-9e0f1a2b3c44",
  },
  {
    file: "postfix-real-two-recipients-full",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [
      ["someone@unreachable.example", "hard", "other", "5.0.0", "failed"],
      ["nobody@ircc.example", "hard", "user-unknown", "5.1.1", "failed"],
    ],
    originalMessageId: "<c4a7e9f1-3b5d-4c6e-8a0b-2d4f6a8c0e77@ircc.example>",
  },
  {
    file: "postfix-real-delayed",
    format: "postfix",
    source: "delivery-status",
    kind: "soft",
    recipients: [["m.tremblay@down.example", "soft", "expired/delayed", "4.4.1", "delayed"]],
    originalMessageId: "<e1b3d5f7-9a2c-4e6b-8d0f-1a3c5e7b9d22@ircc.example>",
    envelopeId: "e1b3d5f7-9a2c-4e6b-8d0f-1a3c5e7b9d22",
  },
  {
    file: "amazon-ses-dsn",
    format: "amazon-ses",
    source: "delivery-status",
    kind: "hard",
    recipients: [["v.girard@cabinet-girard.example", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<ed6a18ad-2f81-4eb8-b87c-a0dbcd1146d9@ircc.example>",
  },
  {
    file: "amazon-ses-sns-json",
    format: "amazon-ses",
    source: "text",
    kind: "hard",
    recipients: [["o.fontaine@cabinet-fontaine.example", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<fcb5a89e-f281-4c7c-a4c3-6fc6ae1e45db@ircc.example>",
  },
  {
    file: "amazon-ses-text",
    format: "amazon-ses",
    source: "text",
    kind: "hard",
    recipients: [["secretariat@organisme-dissous.example", "hard", "other", null, null]],
    originalMessageId: "<148a16a8-fc86-4029-94f7-0220479b8951@ircc.example>",
  },
  {
    file: "autoreply-german-abwesenheitsnotiz",
    format: "auto-reply",
    source: "none",
    kind: "not-a-bounce",
    recipients: [[null, "not-a-bounce", "other", null, null]],
    originalMessageId: "<6b1c116e-2763-46b2-9c92-dc7787a9bdda@ircc.example>",
  },
  {
    file: "autoreply-o365-automatic-reply",
    format: "auto-reply",
    source: "none",
    kind: "not-a-bounce",
    recipients: [[null, "not-a-bounce", "other", null, null]],
    originalMessageId: "<ca11cb16-24f9-475c-910f-46eea70e68b2@ircc.example>",
  },
  {
    file: "autoreply-out-of-office",
    format: "auto-reply",
    source: "none",
    kind: "not-a-bounce",
    recipients: [[null, "not-a-bounce", "other", null, null]],
    originalMessageId: "<0555a234-5e76-4f4e-aa48-b10333a0473b@ircc.example>",
  },
  {
    file: "autoreply-reponse-automatique",
    format: "auto-reply",
    source: "none",
    kind: "not-a-bounce",
    recipients: [[null, "not-a-bounce", "other", null, null]],
    originalMessageId: "<727eb872-fdd3-480a-a0b5-2da424f89b0f@ircc.example>",
  },
  {
    file: "autoreply-vacation",
    format: "auto-reply",
    source: "none",
    kind: "not-a-bounce",
    recipients: [[null, "not-a-bounce", "other", null, null]],
    originalMessageId: null,
  },
  {
    file: "challenge-response",
    format: "challenge-response",
    source: "none",
    kind: "not-a-bounce",
    recipients: [[null, "not-a-bounce", "other", null, null]],
    originalMessageId: "<459dfb1b-baa0-4bd3-ad62-e3eea73954c4@ircc.example>",
  },
  {
    file: "courier-user-unknown",
    format: "courier",
    source: "delivery-status",
    kind: "hard",
    recipients: [["h.lambert@courier-host.example", "hard", "user-unknown", "5.0.0", "failed"]],
    originalMessageId: "<40bef0fd-be3a-4b65-819b-a20c0a4e102d@ircc.example>",
  },
  {
    file: "exchange-relayed",
    format: "exchange",
    source: "delivery-status",
    kind: "not-a-bounce",
    recipients: [["registry@legacy-gateway.example", "not-a-bounce", "other", "2.6.0", "relayed"]],
    originalMessageId: "<2f2de290-205d-4841-acde-8759087fbf5e@ircc.example>",
    mayNotBeReported: true,
  },
  {
    file: "exchange2003-german-windows-1252",
    format: "exchange",
    source: "text",
    kind: "hard",
    recipients: [["k.mueller@kanzlei-mueller.example", "hard", "user-unknown", "5.1.1", null]],
    originalMessageId: "<96e5b9cd-2590-4ca9-a7ea-3cfc641ed0aa@ircc.example>",
  },
  {
    file: "exchange2010-recip-not-found",
    format: "exchange",
    source: "delivery-status",
    kind: "hard",
    recipients: [["j.fortin@ministere.example", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<a9928fb5-f6b7-46f5-a72d-3a3f67ff7268@ircc.example>",
  },
  {
    file: "exim-delay-warning",
    format: "exim",
    source: "text",
    kind: "soft",
    recipients: [["m.tremblay@greylist-strict.example", "soft", "expired/delayed", "4.7.1", null]],
    originalMessageId: null,
  },
  {
    file: "exim-dsn",
    format: "exim",
    source: "delivery-status",
    kind: "hard",
    recipients: [["c.bouchard@avocats-qc.example", "hard", "user-unknown", "5.0.0", "failed"]],
    originalMessageId: "<fdd12c28-3bf3-445f-93fe-6cc099e256e9@ircc.example>",
  },
  {
    file: "exim-plain-two-recipients",
    format: "exim",
    source: "text",
    kind: "hard",
    recipients: [
      ["info@petite-ong.example", "hard", "mailbox-full", null, null],
      ["aide@ong-disparue.example", "hard", "host-unknown", null, null],
    ],
    originalMessageId: "<571cc41f-04ea-4b0e-9b87-78bdced0ea55@ircc.example>",
  },
  {
    file: "exim-plain-user-unknown",
    format: "exim",
    source: "text",
    kind: "hard",
    recipients: [["r.cote@cabinet-cote.example", "hard", "user-unknown", "5.1.1", null]],
    originalMessageId: "<79bbdd12-090c-485d-9455-eef92f4c2491@ircc.example>",
  },
  {
    file: "gmail-address-not-found",
    format: "gmail",
    source: "delivery-status",
    kind: "hard",
    recipients: [["ghost.account.2019@gmail.com", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<deb28274-fa9d-4d58-8ce1-21dd95c4ae9e@ircc.example>",
  },
  {
    file: "gmail-delay",
    format: "gmail",
    source: "delivery-status",
    kind: "soft",
    recipients: [["accueil@serveur-en-panne.example", "soft", "expired/delayed", "4.4.1", "delayed"]],
    originalMessageId: "<cb7089d9-29f3-42ef-a3a7-fa516c082468@ircc.example>",
  },
  {
    file: "gmail-legacy-text",
    format: "gmail",
    source: "text",
    kind: "hard",
    recipients: [["old.address@example.jp", "hard", "user-unknown", "5.1.1", null]],
    originalMessageId: "<bfb79f14-e9b1-49b9-b7c4-c41dc7d72d94@ircc.example>",
  },
  {
    file: "groupwise",
    format: "groupwise",
    source: "text",
    kind: "hard",
    recipients: [["r.gauthier@gw.region-sante.example", "hard", "user-unknown", null, null]],
    originalMessageId: "<4d09590a-cd95-41b7-8156-828d8fd4db6e@ircc.example>",
  },
  {
    file: "human-reply",
    format: "unknown",
    source: "none",
    kind: "not-a-bounce",
    recipients: [[null, "not-a-bounce", "other", null, null]],
    originalMessageId: "<47e861d2-4809-41e5-9b9f-c50742ad0080@ircc.example>",
  },
  {
    file: "lotus-notes",
    format: "lotus-notes",
    source: "text",
    kind: "hard",
    recipients: [["g.lapointe@notes.gouv-partenaire.example", "hard", "user-unknown", null, null]],
    originalMessageId: "<7e9b2770-5de5-45b3-b015-28d5f15f5d04@ircc.example>",
  },
  {
    file: "o365-delayed",
    format: "exchange",
    source: "delivery-status",
    kind: "soft",
    recipients: [["tribunal-registry@lent-serveur.example", "soft", "expired/delayed", "4.4.7", "delayed"]],
    originalMessageId: "<1d219102-b05f-40a1-a129-2303ef8d8a53@ircc.example>",
  },
  {
    file: "o365-french-iso-8859-1",
    format: "exchange",
    source: "delivery-status",
    kind: "hard",
    recipients: [["jean.leclerc@cabinet-leclerc.example", "hard", "user-unknown", "5.1.10", "failed"]],
    originalMessageId: "<f5503721-32f3-4497-9cfb-e573afa4f097@ircc.example>",
  },
  {
    file: "o365-recipient-not-found",
    format: "exchange",
    source: "delivery-status",
    kind: "hard",
    recipients: [["greffe@tribunal.example", "hard", "user-unknown", "5.1.10", "failed"]],
    originalMessageId: "<3b008a0f-4849-4dcc-9ed0-586c0dc08b81@ircc.example>",
  },
  {
    file: "o365-spam",
    format: "exchange",
    source: "delivery-status",
    kind: "hard",
    recipients: [["a.haddad.perso@gmail.com", "hard", "rejected-as-spam", "5.7.350", "failed"]],
    originalMessageId: "<57fbf4dc-4806-490e-b78e-4746dcde6da7@ircc.example>",
  },
  {
    file: "postfix-delayed",
    format: "postfix",
    source: "delivery-status",
    kind: "soft",
    recipients: [["k.nguyen@example.net", "soft", "expired/delayed", "4.4.1", "delayed"]],
    originalMessageId: "<a8ef768d-31df-48d0-b157-69a417c2e72b@ircc.example>",
    envelopeId: "a8ef768d-31df-48d0-b157-69a417c2e72b",
  },
  {
    file: "postfix-delivered",
    format: "postfix",
    source: "delivery-status",
    kind: "not-a-bounce",
    recipients: [["reception@cabinet-roy.example", "not-a-bounce", "other", "2.0.0", "delivered"]],
    originalMessageId: "<4fdd26d9-8e59-4c08-a6cf-c591d142f464@ircc.example>",
  },
  {
    file: "postfix-dmarc-policy",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["s.martin@example.com", "hard", "policy", "5.7.26", "failed"]],
    originalMessageId: "<1c8b2e3b-8d8f-4b16-84a0-7030b99236c0@ircc.example>",
    envelopeId: "1c8b2e3b-8d8f-4b16-84a0-7030b99236c0",
  },
  {
    file: "postfix-dovecot-lmtp-user-unknown",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["j.roy@cabinet-roy.example", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<f7232d14-bd6a-4a2c-a868-6c3541d4b75e@ircc.example>",
  },
  {
    file: "postfix-dovecot-quota",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["n.gagnon@cabinet-roy.example", "hard", "mailbox-full", "5.2.2", "failed"]],
    originalMessageId: "<10643ac7-4d71-47bd-a480-106d9593e668@ircc.example>",
  },
  {
    file: "postfix-expired",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["contact@bureau-ferme.example", "hard", "expired/delayed", "4.4.1", "failed"]],
    originalMessageId: "<8ce7dec8-32af-4db9-97b4-109a72ec4bc3@ircc.example>",
    envelopeId: "8ce7dec8-32af-4db9-97b4-109a72ec4bc3",
  },
  {
    file: "postfix-gmail-spam-rejection",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["a.haddad@gmail.com", "hard", "rejected-as-spam", "5.7.1", "failed"]],
    originalMessageId: "<e1d64290-c6d3-4fd2-ae10-608b5fda065b@ircc.example>",
    envelopeId: "e1d64290-c6d3-4fd2-ae10-608b5fda065b",
  },
  {
    file: "postfix-host-not-found",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["p.lavoie@exmaple-typo.example", "hard", "host-unknown", "5.4.4", "failed"]],
    originalMessageId: "<b1ec5292-0496-47d7-8897-e3c944148d68@ircc.example>",
    envelopeId: "b1ec5292-0496-47d7-8897-e3c944148d68",
  },
  {
    file: "postfix-message-too-large",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["dossiers@petit-cabinet.example", "hard", "message-too-large", "5.3.4", "failed"]],
    originalMessageId: "<c6e6b7b4-9e0a-4b78-969b-66cc06ffbb9d@ircc.example>",
    envelopeId: "c6e6b7b4-9e0a-4b78-969b-66cc06ffbb9d",
  },
  {
    file: "postfix-plain-text",
    format: "postfix",
    source: "text",
    kind: "hard",
    recipients: [["l.bergeron@vieux-serveur.example", "hard", "user-unknown", "5.1.1", null]],
    originalMessageId: "<bd6d8a29-2f71-48e4-8028-196e3a7b42b4@ircc.example>",
  },
  {
    file: "postfix-relayed",
    format: "postfix",
    source: "delivery-status",
    kind: "not-a-bounce",
    recipients: [["registry@tribunal.example", "not-a-bounce", "other", "2.0.0", "relayed"]],
    originalMessageId: "<a1fc3fd0-a066-483e-b8f3-1b085ecb41bb@ircc.example>",
    envelopeId: "a1fc3fd0-a066-483e-b8f3-1b085ecb41bb",
    mayNotBeReported: true,
  },
  {
    file: "postfix-smtputf8-global-dsn",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["josé.côté@exemple.fr", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<11d85254-f8c1-40cf-b095-9d35d75fc654@ircc.example>",
    envelopeId: "11d85254-f8c1-40cf-b095-9d35d75fc654",
  },
  {
    file: "postfix-two-recipients",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [
      ["avocat@cabinet-tremblay.example", "hard", "user-unknown", "5.1.1", "failed"],
      ["greffe@tribunal.example", "hard", "mailbox-full", "5.2.2", "failed"],
    ],
    originalMessageId: "<1e502252-120c-4a67-9f0d-7a6089a57331@ircc.example>",
    envelopeId: "1e502252-120c-4a67-9f0d-7a6089a57331",
  },
  {
    file: "postfix-user-unknown",
    format: "postfix",
    source: "delivery-status",
    kind: "hard",
    recipients: [["marie.dubois@example.org", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<07ec72cf-ff71-4d5e-aed6-2cf92940b6c1@ircc.example>",
    envelopeId: "07ec72cf-ff71-4d5e-aed6-2cf92940b6c1",
  },
  {
    file: "qmail-no-mailbox",
    format: "qmail",
    source: "text",
    kind: "hard",
    recipients: [["d.pelletier@petit-fai.example", "hard", "user-unknown", "5.1.1", null]],
    originalMessageId: "<d752781d-a0ed-4211-a837-c01d67e9eb1f@ircc.example>",
  },
  {
    file: "qmail-remote-mailbox-full",
    format: "qmail",
    source: "text",
    kind: "hard",
    recipients: [["b.ouellet@fai-regional.example", "hard", "mailbox-full", "5.2.2", null]],
    originalMessageId: "<c0edb9a8-fc85-426f-8bdf-56a1a55f0842@ircc.example>",
  },
  {
    file: "read-receipt",
    format: "read-receipt",
    source: "none",
    kind: "not-a-bounce",
    recipients: [["greffe@tribunal.example", "not-a-bounce", "other", null, null]],
    originalMessageId: "<61d23959-ddf2-4888-8c6a-6337bad921ca@ircc.example>",
  },
  {
    file: "rfc3464-appendix-delayed",
    format: "rfc3464",
    source: "delivery-status",
    kind: "soft",
    recipients: [["thomas@de-montfort.ac.uk", "soft", "expired/delayed", "4.0.0", "delayed"]],
    originalMessageId: "<9407061855.AA15210@arden.cs.utk.edu>",
  },
  {
    file: "rfc3464-appendix-multi-recipient",
    format: "sendmail",
    source: "delivery-status",
    kind: "hard",
    recipients: [
      ["arathib@vnet.ibm.com", "hard", "other", "5.0.0", "failed"],
      ["johnh@hpnjld.njd.hp.com", "soft", "expired/delayed", "4.0.0", "delayed"],
      ["wsnell@sdcc13.ucsd.edu", "hard", "user-unknown", "5.0.0", "failed"],
    ],
    originalMessageId: null,
  },
  {
    file: "rfc3464-appendix-simple",
    format: "sendmail",
    source: "delivery-status",
    kind: "hard",
    recipients: [["louisl@larry.slip.umd.edu", "hard", "expired/delayed", "4.0.0", "failed"]],
    originalMessageId: null,
  },
  {
    file: "sendmail-delay-warning",
    format: "sendmail",
    source: "delivery-status",
    kind: "soft",
    recipients: [["prof.leblanc@universite.example", "soft", "expired/delayed", "4.2.2", "delayed"]],
    originalMessageId: "<c99f5902-1c08-4e6d-8322-2150b9d246d6@ircc.example>",
  },
  {
    file: "sendmail-dsn",
    format: "sendmail",
    source: "delivery-status",
    kind: "hard",
    recipients: [["etudiant.ancien@universite.example", "hard", "user-unknown", "5.1.1", "failed"]],
    originalMessageId: "<6ab7e48d-f56b-4083-802c-5ae3c1cdffdd@ircc.example>",
  },
  {
    file: "sendmail-plain",
    format: "sendmail",
    source: "text",
    kind: "hard",
    recipients: [["greffier@municipalite.example", "hard", "user-unknown", "5.1.1", null]],
    originalMessageId: "<eebd1d14-1e81-4236-8881-001ac3e17f3b@ircc.example>",
  },
  {
    file: "unknown-french-iso-8859-1",
    format: "unknown",
    source: "text",
    kind: "hard",
    recipients: [["jean.tremblay@fai-quebecois.example", "hard", "user-unknown", "5.1.1", null]],
    originalMessageId: "<e0c72560-3d0d-4c04-b970-354ff0fb925f@ircc.example>",
  },
  {
    file: "unknown-mailer-daemon",
    format: "unknown",
    source: "text",
    kind: "hard",
    recipients: [["b.roy@obscure-mta.example", "hard", "user-unknown", null, null]],
    originalMessageId: "<2d17e6ae-6567-415f-8927-e3ed9228204e@ircc.example>",
  },
  {
    file: "yahoo-mailbox-disabled",
    format: "yahoo",
    source: "text",
    kind: "hard",
    recipients: [["p.tran1987@yahoo.ca", "hard", "user-unknown", null, null]],
    originalMessageId: "<c026895d-820c-40cf-bb89-d45b03991363@ircc.example>",
  },
  {
    file: "yahoo-no-account",
    format: "yahoo",
    source: "text",
    kind: "hard",
    recipients: [["nadia.benali@yahoo.com", "hard", "user-unknown", null, null]],
    originalMessageId: "<1bc600b1-454b-4487-99c5-79efd80afe7c@ircc.example>",
  },
];

function read(file: string): Buffer {
  return readFileSync(path.join(fixtures, `${file}.eml`));
}

describe("parseReport on the fixtures", () => {
  it("has one expectation per fixture file", () => {
    const files = readdirSync(fixtures)
      .filter((f) => f.endsWith(".eml"))
      .map((f) => f.replace(/\.eml$/, ""))
      .sort();
    expect(expectations.map((e) => e.file).sort()).toEqual(files);
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(expectations)("$file: $kind ($format)", (e) => {
    const report = parseReport(read(e.file));
    expect({ format: report.format, source: report.source, kind: report.kind }).toEqual({
      format: e.format,
      source: e.source,
      kind: e.kind,
    });
    expect(report.recipients.map((r): Row => [r.recipient, r.kind, r.reason, r.status, r.action])).toEqual(
      e.recipients,
    );
    expect(report.originalMessageId).toBe(e.originalMessageId);
    expect(report.originalEnvelopeId).toBe(e.envelopeId ?? null);
    expect(report.reportsDeliveryMayNotBeReported).toBe(e.mayNotBeReported ?? false);
  });
});

describe("parseReport details", () => {
  it("copies the envelope recipient it is given", () => {
    const verp = "ircc.mtl+b-07ec72cfff714d5eaed62cf92940b6c1@ircc.example";
    expect(parseReport(read("postfix-user-unknown"), { envelopeTo: verp }).envelopeTo).toBe(verp);
    expect(parseReport(read("postfix-user-unknown")).envelopeTo).toBeNull();
  });

  it("decodes subject, from and date, including RFC 2047 words in another charset", () => {
    const report = parseReport(read("o365-french-iso-8859-1"));
    expect(report.subject).toBe("Non remis\u00a0: Your application / Votre demande (UCI 1234-5678)");
    expect(report.from).toBe(
      "Microsoft Outlook <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@tribunal.example>",
    );
    expect(report.date).toBe("Mon, 3 Jun 2024 18:02:21 +0000");
    expect(parseReport(read("autoreply-reponse-automatique")).subject).toBe(
      "Réponse automatique\u00a0: Your application / Votre demande (UCI 1234-5678)",
    );
  });

  it("keeps the remote MTA and the full diagnostic of a DSN recipient", () => {
    const [r] = parseReport(read("postfix-user-unknown")).recipients;
    expect(r?.remoteMta).toBe("mx1.example.org");
    expect(r?.diagnostic).toBe(
      "550 5.1.1 <marie.dubois@example.org>: Recipient address rejected: User unknown in virtual mailbox table",
    );
  });

  it("reads text in windows-1252 behind base64 and iso-8859-1 behind quoted-printable", () => {
    const german = parseReport(read("exchange2003-german-windows-1252")).recipients[0];
    expect(german?.diagnostic).toContain("Überprüfen Sie die Adresse");
    const french = parseReport(read("unknown-french-iso-8859-1")).recipients[0];
    expect(french?.diagnostic).toBe("550 5.1.1 utilisateur inconnu / unknown user");
  });

  it("fills a DSN recipient's missing Diagnostic-Code from the report's own words", () => {
    const [r] = parseReport(read("exim-dsn")).recipients;
    expect(r?.diagnostic).toBe("No such person at this address.");
  });

  it("gives a message with no headers and no text one not-a-bounce entry", () => {
    for (const raw of [Buffer.alloc(0), Buffer.from("\r\n\r\n"), Buffer.from("hello")]) {
      const report = parseReport(raw);
      expect(report.kind).toBe("not-a-bounce");
      expect(report.recipients).toEqual([
        {
          recipient: null,
          action: null,
          status: null,
          diagnostic: null,
          remoteMta: null,
          kind: "not-a-bounce",
          reason: "other",
        },
      ]);
    }
  });

  it("treats a bounce it cannot read, but that a mailer daemon sent, as a failure, not as nothing", () => {
    const report = (subject: string) =>
      parseReport(
        Buffer.from(
          `From: MAILER-DAEMON@mx.example.net\r\nSubject: ${subject}\r\n\r\nSomething went wrong.\r\n`,
        ),
      );
    // "Undeliverable" is the report's own word for a final failure; without it there is no evidence either way.
    expect(report("Undeliverable mail")).toMatchObject({ kind: "hard", format: "unknown", source: "none" });
    expect(report("Delivery report")).toMatchObject({ kind: "soft", format: "unknown", source: "none" });
    expect(report("Delivery report").recipients[0]?.recipient).toBeNull();
  });

  it("does not take a person's reply about a delivery problem for a bounce", () => {
    const raw = Buffer.from(
      "From: Ana <ana@example.org>\r\nSubject: RE: Delivery failure of your letter\r\nIn-Reply-To: <x1@ircc.example>\r\n\r\n" +
        "Your letter could not be delivered to my colleague bob@example.org: 550 user unknown.\r\n",
    );
    const report = parseReport(raw);
    expect(report.kind).toBe("not-a-bounce");
    expect(report.originalMessageId).toBe("<x1@ircc.example>");
  });

  it("prefers In-Reply-To for replies but the returned message's own Message-ID for reports", () => {
    const o365 = parseReport(read("o365-recipient-not-found"));
    expect(o365.originalMessageId).toBe("<3b008a0f-4849-4dcc-9ed0-586c0dc08b81@ircc.example>");
  });
});
