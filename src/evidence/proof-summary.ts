import { formatInstantWithZone } from "../correspondence/notes.ts";
import { en as enMessages, type MessageKey } from "../i18n/en.ts";
import { dateTimeFormat, formatDate, type Lang, translator } from "../i18n/index.ts";
import { BLACK, FOOTER_Y, forEachPage, GREY, INCH, openDocument, PAGE } from "../pdf/document.ts";
import { chooseFonts, prepare, printable } from "../pdf/fonts.ts";
import { lineSetter, type Style } from "../pdf/lines.ts";
import type { CanonicalValue } from "./canonical.ts";
import type { LedgerEventKind } from "./event-types.ts";
import {
  type AddressFact,
  addressFact,
  type Findings,
  num,
  type ProofManifest,
  parseLeaf,
  str,
  type WarningCode,
} from "./proof-findings.ts";

// The printable summary of a proof package (B-1, B-4, B-5): what a judge reads without any software.
// It restates the package's findings in plain words, in the requested language, then shows the facts
// they rest on: the letter, the SMTP hand-off, the recipient's addresses, the reports, the timeline and
// the signed tree head, with how to check all of it. It verifies nothing itself: the findings come from
// the manifest, which `liaison proof verify` recomputes from the proven events.
//
// Wording (B-5, as notes.ts): only what is known. An email is "accepted by the mail server", never
// "delivered"; a letter by post was "handed to the postal service", with no claim about its arrival.
// Instants are in the office's time zone, which is named.
//
// Layout as postal-letter.ts, from the same parts (src/pdf/): US Letter, standard fonts when every character
// is WinAnsi, else Noto Sans embedded for the whole document; our own line breaking (breakLines, which also
// cuts a hash or an address wider than its column) and our own pages. Deterministic: CreationDate =
// manifest.exportedAt.

type Manifest = Omit<ProofManifest, "files">;
type Dict = { [key: string]: CanonicalValue };

// ---------------------------------------------------------------------------------------------------
// Reading the manifest's loose values

const dict = (v: CanonicalValue | undefined): Dict =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Dict) : {};
const list = (v: CanonicalValue | undefined): readonly CanonicalValue[] => (Array.isArray(v) ? v : []);

const sameFact = (a: AddressFact | null, b: AddressFact): boolean =>
  a !== null && a.contactPoint === b.contactPoint && a.value === b.value && a.recordedAt === b.recordedAt;

// ---------------------------------------------------------------------------------------------------
// Wording, one object per language: each sentence is written, not translated word for word.

type RoleKey = "applicant" | "representative" | "recipient";
type AddressKind = "email" | "postal";

/** Facts a warning names, already formatted in the summary's language. */
interface WarningFacts {
  addressUsed: string;
  kind: AddressKind;
  role: RoleKey;
  latest: { value: string; source: string; providedAt: string } | null;
  later: { value: string; providedAt: string; recordedAt: string }[];
  hasDeadline: boolean;
  bounceAt: string | null;
  uncertain: { action: string; at: string } | null;
  rejection: { at: string; response: string } | null;
  postedAt: string | null;
}

interface Wording {
  locale: string;
  title: string;
  colon: string;
  quote: (s: string) => string;
  header: {
    office: string;
    fileNumber: string;
    correspondence: string;
    exportedAt: string;
    format: string;
    timeZone: (tz: string) => string;
  };
  verdict: {
    clear: string;
    warnings: (n: number) => string;
    accepted: (server: string | null, at: string, address: string) => string;
    notProofOfReading: string;
    latest: (kind: AddressKind, role: RoleKey, source: string, providedAt: string) => string;
    noLatest: (kind: AddressKind, role: RoleKey) => string;
    windowClosed: (at: string) => string;
  };
  warning: Record<WarningCode, (f: WarningFacts) => string>;
  letter: {
    heading: string;
    recipient: string;
    addressUsed: string;
    channel: string;
    from: string;
    subject: string;
    letterType: string;
    deadline: string;
    language: string;
    generatedAt: string;
    attachments: string;
    none: string;
    attachment: (filename: string, size: number, sha256: string) => string;
    body: string;
    roles: Record<RoleKey, string>;
    channels: Record<string, string>;
    languages: Record<string, string>;
  };
  smtp: {
    heading: string;
    acceptedAt: string;
    server: string;
    tls: string;
    reply: string;
    queueId: string;
    envelopeTo: string;
    notHandedOff: string;
    postedAt: string;
    sealedHeading: string;
    sealedAt: string;
    sha256: string;
    size: string;
    bytes: (n: number) => string;
    messageId: string;
    notSealed: string;
    notRecorded: string;
    tlsModes: Record<string, string>;
  };
  history: {
    heading: string;
    intro: (name: string) => string;
    columns: [string, string, string, string, string, string];
    used: string;
    latestAtSend: string;
    afterSend: string;
    empty: string;
    kinds: Record<string, string>;
  };
  reports: {
    heading: string;
    intro: string;
    columns: [string, string, string, string, string];
    events: Record<string, string>;
    kinds: Record<string, string>;
    none: string;
    windowClosed: (at: string) => string;
    windowOpen: string;
  };
  timeline: {
    heading: string;
    intro: string;
    columns: [string, string, string, string];
    events: Record<LedgerEventKind, string>;
  };
  integrity: {
    heading: string;
    treeHead: string;
    treeSize: string;
    rootHash: string;
    signedAt: string;
    keyId: string;
    signature: string;
    timestamp: string;
    authority: string;
    genTime: string;
    noTimestamp: string;
    howToHeading: string;
    howToIntro: string;
    command: string;
    checks: string[];
    howToEnd: string;
  };
  page: (n: number, of: number) => string;
}

const enKind: Record<AddressKind, string> = { email: "email", postal: "postal" };
const enRole: Record<RoleKey, string> = {
  applicant: "applicant",
  representative: "representative",
  recipient: "recipient",
};

// French: the role with its article ("le demandeur"), and after "du"/"par".
const frRole: Record<RoleKey, string> = {
  applicant: "le demandeur",
  representative: "le représentant",
  recipient: "le destinataire",
};
const frRoleOf: Record<RoleKey, string> = {
  applicant: "du demandeur",
  representative: "du représentant",
  recipient: "du destinataire",
};
const frKind: Record<AddressKind, { one: string; many: string }> = {
  email: { one: "courriel", many: "courriel" },
  postal: { one: "postale", many: "postales" },
};

const en: Wording = {
  locale: "en-CA",
  title: "Proof of sending",
  colon: ": ",
  quote: (s) => `“${s}”`,
  header: {
    office: "Office",
    fileNumber: "File number",
    correspondence: "Correspondence ID",
    exportedAt: "Exported at",
    format: "Package format",
    timeZone: (tz) => `Times are given in the office's time zone (${tz}).`,
  },
  verdict: {
    clear: "In plain words: no warnings",
    warnings: (n) => `In plain words: ${n === 1 ? "1 warning" : `${n} warnings`}`,
    accepted: (server, at, address) =>
      server
        ? `The letter was accepted by the mail server ${server} on ${at} for the address ${address}.`
        : `The letter was accepted by a mail server, whose name is not recorded, on ${at} for the address ${address}.`,
    notProofOfReading:
      "This shows that the message was handed to that server; it does not show that the recipient opened or read it.",
    latest: (kind, role, source, providedAt) =>
      `It was the latest ${enKind[kind]} address the ${enRole[role]} had provided (source: ${source}; provided on ${providedAt}).`,
    noLatest: (kind, role) =>
      `The ledger holds no ${enKind[kind]} address of the ${enRole[role]} recorded before the letter was sent.`,
    windowClosed: (at) =>
      `No bounce or delivery report was matched to this letter; the waiting period for one closed on ${at}.`,
  },
  warning: {
    "not-sent": () =>
      "Not sent: the ledger records no sending of this letter, neither its acceptance by a mail server nor its handing to the postal service.",
    "sent-to-superseded-address": (f) =>
      `Sent to an address that had been replaced: the letter went to ${f.addressUsed}, but when it was sent the ${enRole[f.role]} had provided a newer ${enKind[f.kind]} address` +
      (f.latest ? `, ${f.latest.value} (${f.latest.source}; provided on ${f.latest.providedAt}).` : "."),
    "address-changed-after-send": (f) =>
      `Address changed after sending: after the letter was sent, the ${enRole[f.role]} provided ${
        f.later.length === 1 ? `another ${enKind[f.kind]} address` : `other ${enKind[f.kind]} addresses`
      }, recorded before ${f.hasDeadline ? "the response deadline" : "this package was exported"}: ${f.later
        .map((a) => `${a.value} (provided on ${a.providedAt}, recorded on ${a.recordedAt})`)
        .join("; ")}.`,
    bounced: (f) =>
      f.bounceAt
        ? `Bounce: a report received on ${f.bounceAt} said the message failed permanently; see “Reports received”.`
        : "Bounce: the ledger records a permanent failure of the message; see “Reports received”.",
    "delivery-uncertain": (f) =>
      `Receipt uncertain: a report said the message was relayed or delayed${
        f.uncertain ? ` (“${f.uncertain.action}”, received on ${f.uncertain.at})` : ""
      }: this is not proof of receipt and needs follow-up.`,
    "bounce-window-open": () =>
      "Waiting period open: no report has been matched yet and the waiting period is not over, so a bounce may still arrive.",
    "rejected-by-relay": (f) =>
      f.rejection
        ? `Refused by a mail server: on ${f.rejection.at}, the server answered “${f.rejection.response}”.`
        : "Refused by a mail server: the ledger records that a mail server refused the message.",
    "sent-by-post": (f) =>
      `Sent by post, not by email: the letter was handed to the postal service${f.postedAt ? ` on ${f.postedAt}` : ""}. The ledger shows when it was posted, not whether or when it arrived.`,
  },
  letter: {
    heading: "The letter",
    recipient: "Recipient",
    addressUsed: "Address used",
    channel: "Channel",
    from: "From",
    subject: "Subject",
    letterType: "Type of letter",
    deadline: "Response deadline",
    language: "Language",
    generatedAt: "Generated at",
    attachments: "Attachments",
    none: "None",
    attachment: (filename, size, sha256) => `${filename} (${size} bytes), SHA-256 ${sha256}`,
    body: "Text of the letter, as sent",
    roles: enRole,
    channels: { email: "Email", post: "Post" },
    languages: { en: "English", fr: "French", bilingual: "Bilingual (French and English)" },
  },
  smtp: {
    heading: "Hand-off to the mail server",
    acceptedAt: "Accepted at",
    server: "Mail server",
    tls: "Encryption (TLS)",
    reply: "Server's reply, verbatim",
    queueId: "Queue ID",
    envelopeTo: "Envelope recipient (RCPT TO)",
    notHandedOff: "The ledger records no hand-off of this letter to a mail server.",
    postedAt: "Handed to the postal service",
    sealedHeading: "The message as sealed",
    sealedAt: "Sealed at",
    sha256: "SHA-256 of the message (message.eml)",
    size: "Size",
    bytes: (n) => `${n} bytes`,
    messageId: "Message-ID",
    notSealed: "The ledger records no sealed message for this letter.",
    notRecorded: "not recorded",
    tlsModes: {
      implicit: "implicit: the connection was encrypted from its first byte (SMTPS)",
      required:
        "required: the connection was set to require encryption (STARTTLS); without it the message would not have been sent",
      opportunistic:
        "opportunistic: encryption (STARTTLS) was used if the server offered it; this record does not show whether it did",
      none: "none: plain SMTP, not encrypted (a relay on the agency's own machine)",
    },
  },
  history: {
    heading: "Addresses of the recipient",
    intro: (name) => `Every address ${name} provided, as recorded on the ledger, in the order recorded.`,
    columns: ["Provided", "Recorded", "Kind", "Address", "Source", "Note"],
    used: "Used for this letter",
    latestAtSend: "Latest when the letter was sent",
    afterSend: "Recorded after the letter was sent",
    empty: "No address of the recipient is recorded on the ledger.",
    kinds: { email: "Email", postal: "Postal", phone: "Phone" },
  },
  reports: {
    heading: "Reports received",
    intro: "Action and status are quoted as the report gave them (RFC 3464).",
    columns: ["Received", "Report", "Action", "Status", "Kind"],
    events: { bounced: "Bounce", "inbound-report": "Report from a mail server" },
    kinds: { hard: "permanent failure", soft: "temporary failure" },
    none: "No bounce or delivery report has been matched to this letter.",
    windowClosed: (at) => `The waiting period for such reports closed on ${at}.`,
    windowOpen: "The waiting period for such reports was not over when this package was exported.",
  },
  timeline: {
    heading: "Timeline of the letter",
    intro:
      "Each event as written on the ledger: its type (an ETSI EN 319 522-1 name, or liaison. for ours) and its leaf number.",
    columns: ["Time", "Event", "Type", "Leaf"],
    events: {
      generated: "Letter generated",
      sealed: "Message sealed (its bytes fixed and hashed)",
      sent: "Accepted by the mail server",
      "smtp-temporary-failure": "Mail server asked to try again later",
      "smtp-rejected": "Refused by the mail server",
      "routed-to-post": "Routed to the post",
      "delivered-by-post": "Handed to the postal service",
      bounced: "Bounce received",
      cancelled: "Letter cancelled",
      "note-written": "Note written on the file",
      "deadline-passed": "Deadline passed",
      "response-recorded": "Response recorded",
      "extension-recorded": "Extension recorded",
      "address-provided": "Address recorded",
      "no-bounce-window-closed": "Waiting period for bounces closed, none matched",
      "inbound-report": "Report received from a mail server",
      "decision-made": "Decision recorded",
      "content-read": "Opened by the authenticated recipient in the portal",
      resent: "Re-sent to the address the party gave since, as a new letter",
      "file-flagged": "File flagged: the party reports not receiving email",
      "file-transferred": "File transferred to another office",
      "reconsideration-requested": "Request for reconsideration received",
      "portal-document-filed": "Document received through My Case",
      "portal-document-consigned": "Document placed in the My Case inbox",
      "portal-notice-sent": "My Case email notice sent",
      "portal-form-submitted": "My Case online form received",
      "delegation-invited": "Delegate invited",
      "delegation-granted": "Delegation granted",
      "delegation-reminded": "Delegation renewal reminder sent",
      "delegation-renewed": "Delegation renewed",
      "delegation-revoked": "Delegation ended",
      "delegation-locked": "Delegate invitation locked",
    },
  },
  integrity: {
    heading: "Integrity",
    treeHead: "Signed tree head of the ledger",
    treeSize: "Tree size (events)",
    rootHash: "Root hash (SHA-256)",
    signedAt: "Signed at",
    keyId: "Key ID",
    signature: "Signature (Ed25519, base64)",
    timestamp: "Timestamp (RFC 3161)",
    authority: "Timestamp authority",
    genTime: "Time of the timestamp",
    noTimestamp: "No timestamp from an independent authority (RFC 3161) is included.",
    howToHeading: "How to check this package",
    howToIntro:
      "This summary is a readable copy; the package itself is the proof. Anyone can check the package, without our help, with the command:",
    command: "liaison proof verify <package>",
    checks: [
      "that the SHA-256 of message.eml is the one recorded on the ledger when the message was sealed, so the message in the package is the one that was sent;",
      "that each event in this summary, in the timeline and in the address history, is in the ledger: its inclusion proof leads to the root hash printed above;",
      "that the tree head's Ed25519 signature is valid under the agency's published key, found at /.well-known/liaison-ledger-key on the agency's web site;",
      "that the findings printed in this summary follow from those events.",
    ],
    howToEnd: "If a check fails, the command says which one, and the package must not be relied on.",
  },
  page: (n, of) => `Page ${n} of ${of}`,
};

const fr: Wording = {
  locale: "fr-CA",
  title: "Preuve d’envoi",
  colon: " : ",
  quote: (s) => `« ${s} »`,
  header: {
    office: "Bureau",
    fileNumber: "Numéro de dossier",
    correspondence: "Identifiant de la correspondance",
    exportedAt: "Exporté le",
    format: "Format du paquet",
    timeZone: (tz) => `Les heures sont données dans le fuseau horaire du bureau (${tz}).`,
  },
  verdict: {
    clear: "En clair : aucun avertissement",
    warnings: (n) => `En clair : ${n === 1 ? "1 avertissement" : `${n} avertissements`}`,
    accepted: (server, at, address) =>
      server
        ? `La lettre a été acceptée par le serveur de courriel ${server} le ${at} pour l’adresse ${address}.`
        : `La lettre a été acceptée par un serveur de courriel, dont le nom n’est pas consigné, le ${at} pour l’adresse ${address}.`,
    notProofOfReading:
      "Cela montre que le message a été remis à ce serveur; cela ne montre pas que le destinataire l’a ouvert ou lu.",
    latest: (kind, role, source, providedAt) =>
      `C’était la dernière adresse ${frKind[kind].one} fournie par ${frRole[role]} (source : ${source}; fournie le ${providedAt}).`,
    noLatest: (kind, role) =>
      `Le registre ne contient aucune adresse ${frKind[kind].one} ${frRoleOf[role]} consignée avant l’envoi de la lettre.`,
    windowClosed: (at) =>
      `Aucun avis de non-distribution ni autre rapport n’a été associé à cette lettre; le délai d’attente a pris fin le ${at}.`,
  },
  warning: {
    "not-sent": () =>
      "Non envoyée : le registre ne consigne aucun envoi de cette lettre, ni son acceptation par un serveur de courriel ni sa remise au service postal.",
    "sent-to-superseded-address": (f) =>
      `Envoyée à une adresse remplacée : la lettre a été envoyée à ${f.addressUsed}, mais au moment de l’envoi, ${frRole[f.role]} avait fourni une adresse ${frKind[f.kind].one} plus récente` +
      (f.latest ? `, ${f.latest.value} (${f.latest.source}; fournie le ${f.latest.providedAt}).` : "."),
    "address-changed-after-send": (f) => {
      const one = f.later.length === 1;
      const what = one
        ? `une autre adresse ${frKind[f.kind].one}, consignée`
        : `d’autres adresses ${frKind[f.kind].many}, consignées`;
      const before = f.hasDeadline ? "la date limite de réponse" : "l’exportation de ce paquet";
      const items = f.later
        .map((a) => `${a.value} (fournie le ${a.providedAt}, consignée le ${a.recordedAt})`)
        .join("; ");
      return `Adresse modifiée après l’envoi : après l’envoi de la lettre, ${frRole[f.role]} a fourni ${what} avant ${before} : ${items}.`;
    },
    bounced: (f) =>
      f.bounceAt
        ? `Avis de non-distribution : un rapport reçu le ${f.bounceAt} indique que le message a échoué de façon définitive; voir « Rapports reçus ».`
        : "Avis de non-distribution : le registre consigne un échec définitif du message; voir « Rapports reçus ».",
    "delivery-uncertain": (f) =>
      `Réception incertaine : un rapport indique que le message a été relayé ou retardé${
        f.uncertain ? ` (« ${f.uncertain.action} », reçu le ${f.uncertain.at})` : ""
      } : ce n’est pas une preuve de réception et un suivi est nécessaire.`,
    "bounce-window-open": () =>
      "Délai d’attente en cours : aucun rapport n’a encore été associé à la lettre et le délai d’attente n’est pas écoulé; un avis de non-distribution peut encore arriver.",
    "rejected-by-relay": (f) =>
      f.rejection
        ? `Refusée par un serveur de courriel : le ${f.rejection.at}, le serveur a répondu « ${f.rejection.response} ».`
        : "Refusée par un serveur de courriel : le registre consigne qu’un serveur de courriel a refusé le message.",
    "sent-by-post": (f) =>
      `Envoyée par la poste, non par courriel : la lettre a été remise au service postal${f.postedAt ? ` le ${f.postedAt}` : ""}. Le registre indique quand elle a été postée, non si elle est arrivée ni quand.`,
  },
  letter: {
    heading: "La lettre",
    recipient: "Destinataire",
    addressUsed: "Adresse utilisée",
    channel: "Mode d’envoi",
    from: "Expéditeur",
    subject: "Objet",
    letterType: "Type de lettre",
    deadline: "Date limite de réponse",
    language: "Langue",
    generatedAt: "Produite le",
    attachments: "Pièces jointes",
    none: "Aucune",
    attachment: (filename, size, sha256) => `${filename} (${size} octets), SHA-256 ${sha256}`,
    body: "Texte de la lettre, tel qu’envoyé",
    roles: { applicant: "demandeur", representative: "représentant", recipient: "destinataire" },
    channels: { email: "Courriel", post: "Poste" },
    languages: { en: "Anglais", fr: "Français", bilingual: "Bilingue (français et anglais)" },
  },
  smtp: {
    heading: "Remise au serveur de courriel",
    acceptedAt: "Acceptée le",
    server: "Serveur de courriel",
    tls: "Chiffrement (TLS)",
    reply: "Réponse du serveur, textuellement",
    queueId: "Identifiant dans la file d’attente",
    envelopeTo: "Destinataire de l’enveloppe (RCPT TO)",
    notHandedOff: "Le registre ne consigne aucune remise de cette lettre à un serveur de courriel.",
    postedAt: "Remise au service postal",
    sealedHeading: "Le message tel que scellé",
    sealedAt: "Scellé le",
    sha256: "SHA-256 du message (message.eml)",
    size: "Taille",
    bytes: (n) => `${n} octets`,
    messageId: "Message-ID",
    notSealed: "Le registre ne consigne aucun message scellé pour cette lettre.",
    notRecorded: "non consigné",
    tlsModes: {
      implicit: "implicite : la connexion était chiffrée dès son premier octet (SMTPS)",
      required:
        "obligatoire : la connexion exigeait le chiffrement (STARTTLS); sans lui, le message n’aurait pas été envoyé",
      opportunistic:
        "opportuniste : le chiffrement (STARTTLS) était utilisé si le serveur l’offrait; ce relevé ne montre pas s’il l’a été",
      none: "aucun : SMTP simple, sans chiffrement (relais situé sur une machine de l’organisme même)",
    },
  },
  history: {
    heading: "Adresses du destinataire",
    intro: (name) =>
      `Toutes les adresses fournies par ${name}, telles que consignées au registre, dans l’ordre de leur consignation.`,
    columns: ["Fournie le", "Consignée le", "Type", "Adresse", "Source", "Remarque"],
    used: "Utilisée pour cette lettre",
    latestAtSend: "La plus récente au moment de l’envoi",
    afterSend: "Consignée après l’envoi de la lettre",
    empty: "Aucune adresse du destinataire n’est consignée au registre.",
    kinds: { email: "Courriel", postal: "Postale", phone: "Téléphone" },
  },
  reports: {
    heading: "Rapports reçus",
    intro: "L’action et l’état sont cités tels que le rapport les donne (RFC 3464).",
    columns: ["Reçu le", "Rapport", "Action", "État", "Nature"],
    events: { bounced: "Avis de non-distribution", "inbound-report": "Rapport d’un serveur de courriel" },
    kinds: { hard: "échec définitif", soft: "échec temporaire" },
    none: "Aucun avis de non-distribution ni autre rapport n’a été associé à cette lettre.",
    windowClosed: (at) => `Le délai d’attente de tels rapports a pris fin le ${at}.`,
    windowOpen: "Le délai d’attente de tels rapports n’était pas écoulé à l’exportation de ce paquet.",
  },
  timeline: {
    heading: "Chronologie de la lettre",
    intro:
      "Chaque événement tel qu’inscrit au registre : son type (un nom de la norme ETSI EN 319 522-1, ou liaison. pour les nôtres) et son numéro de feuille.",
    columns: ["Heure", "Événement", "Type", "Feuille"],
    events: {
      generated: "Lettre produite",
      sealed: "Message scellé (ses octets fixés et hachés)",
      sent: "Accepté par le serveur de courriel",
      "smtp-temporary-failure": "Le serveur de courriel a demandé de réessayer plus tard",
      "smtp-rejected": "Refusé par le serveur de courriel",
      "routed-to-post": "Orientée vers la poste",
      "delivered-by-post": "Remise au service postal",
      bounced: "Avis de non-distribution reçu",
      cancelled: "Lettre annulée",
      "note-written": "Note inscrite au dossier",
      "deadline-passed": "Date limite passée",
      "response-recorded": "Réponse consignée",
      "extension-recorded": "Prolongation consignée",
      "address-provided": "Adresse consignée",
      "no-bounce-window-closed": "Délai d’attente des avis de non-distribution écoulé, aucun associé",
      "inbound-report": "Rapport reçu d’un serveur de courriel",
      "decision-made": "Décision consignée",
      "content-read": "Ouverte dans le portail par le destinataire authentifié",
      resent: "Renvoyée, comme nouvelle lettre, à l’adresse fournie depuis par la partie",
      "file-flagged": "Dossier signalé : la partie dit ne pas recevoir les courriels",
      "file-transferred": "Dossier transféré à un autre bureau",
      "reconsideration-requested": "Demande de réexamen reçue",
      "portal-document-filed": "Document reçu par Mon dossier",
      "portal-document-consigned": "Document déposé dans la boîte de réception de Mon dossier",
      "portal-notice-sent": "Avis par courriel de Mon dossier envoyé",
      "portal-form-submitted": "Formulaire en ligne de Mon dossier reçu",
      "delegation-invited": "Personne déléguée invitée",
      "delegation-granted": "Délégation accordée",
      "delegation-reminded": "Rappel de renouvellement de la délégation envoyé",
      "delegation-renewed": "Délégation renouvelée",
      "delegation-revoked": "Délégation terminée",
      "delegation-locked": "Invitation de la personne déléguée verrouillée",
    },
  },
  integrity: {
    heading: "Intégrité",
    treeHead: "Tête d’arbre signée du registre",
    treeSize: "Taille de l’arbre (événements)",
    rootHash: "Hachage racine (SHA-256)",
    signedAt: "Signée le",
    keyId: "Identifiant de la clé",
    signature: "Signature (Ed25519, base64)",
    timestamp: "Horodatage (RFC 3161)",
    authority: "Autorité d’horodatage",
    genTime: "Heure de l’horodatage",
    noTimestamp: "Aucun horodatage d’une autorité indépendante (RFC 3161) n’est inclus.",
    howToHeading: "Comment vérifier ce paquet",
    howToIntro:
      "Ce résumé est une copie lisible; la preuve est le paquet lui-même. Toute personne peut vérifier le paquet, sans notre aide, avec la commande :",
    command: "liaison proof verify <paquet>",
    checks: [
      "que le SHA-256 de message.eml est celui consigné au registre lorsque le message a été scellé, de sorte que le message du paquet est bien celui qui a été envoyé;",
      "que chaque événement de ce résumé, dans la chronologie et dans l’historique des adresses, figure au registre : sa preuve d’inclusion mène au hachage racine indiqué ci-dessus;",
      "que la signature Ed25519 de la tête d’arbre est valide avec la clé publiée par l’organisme, à l’adresse /.well-known/liaison-ledger-key de son site Web;",
      "que les constats de ce résumé découlent de ces événements.",
    ],
    howToEnd:
      "Si une vérification échoue, la commande indique laquelle, et il ne faut pas se fier au paquet.",
  },
  page: (n, of) => `Page ${n} de ${of}`,
};

const wordings: Record<Lang, Wording> = { en, fr };

// ---------------------------------------------------------------------------------------------------
// The document as blocks, built first so the font can be chosen from every character it holds.

interface Column {
  header: string;
  /** Share of the content width. */
  width: number;
}

type Block =
  | { kind: "title"; text: string }
  | { kind: "heading"; text: string }
  | { kind: "subheading"; text: string }
  | { kind: "paragraph"; text: string; indent?: number }
  | { kind: "bullets"; items: readonly string[] }
  | { kind: "fields"; rows: readonly (readonly [string, string])[] }
  | { kind: "box"; title: string; paragraphs: readonly string[]; bullets: readonly string[] }
  | { kind: "quote"; text: string }
  | { kind: "table"; columns: readonly Column[]; rows: readonly (readonly string[])[] };

function textsOfBlocks(blocks: readonly Block[]): string[] {
  const out: string[] = [];
  for (const b of blocks)
    switch (b.kind) {
      case "bullets":
        out.push(...b.items, "•");
        break;
      case "fields":
        for (const [label, value] of b.rows) out.push(label, value);
        break;
      case "box":
        out.push(b.title, ...b.paragraphs, ...b.bullets, "•");
        break;
      case "table":
        out.push(...b.columns.map((c) => c.header), ...b.rows.flat());
        break;
      default:
        out.push(b.text);
    }
  return out;
}

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

function roleKey(role: string | null): RoleKey {
  return role === "applicant" || role === "representative" ? role : "recipient";
}

function messageKey(key: string): key is MessageKey {
  return Object.hasOwn(enMessages, key);
}

/** Builds the summary's blocks in the order of B-1: verdict first, then the facts it rests on. */
function buildBlocks(manifest: Manifest, lang: Lang): Block[] {
  const w = wordings[lang];
  const tr = translator(lang);
  const tz = manifest.office.timeZone;
  const f: Findings = manifest.findings;
  const letter = manifest.letter;
  const recipient = dict(letter.recipient);
  const role = roleKey(str(recipient.role));
  const recipientName = str(recipient.name) ?? "";
  const addressKind: AddressKind = f.channel === "post" ? "postal" : "email";
  const label = (l: string) => `${l}${w.colon.trimEnd()}`;
  const quoted = (s: string) => w.quote(s);

  const validDate = (iso: string): Date | null => {
    const d = new Date(iso);
    return iso !== "" && !Number.isNaN(d.getTime()) ? d : null;
  };
  // An instant in full, with the zone named (notes.ts): for sentences.
  const when = (iso: string): string => {
    if (isoDatePattern.test(iso)) return formatDate(lang, iso);
    const d = validDate(iso);
    return d ? formatInstantWithZone(lang, d, tz) : iso;
  };
  // An instant to the second with the zone's short name: for tables, whose header names the zone.
  const whenShort = (iso: string): string => {
    const d = validDate(iso);
    if (!d) return iso;
    const time = dateTimeFormat(lang, { timeZone: tz, dateStyle: "medium", timeStyle: "medium" }).format(d);
    const zone = dateTimeFormat(lang, { timeZone: tz, timeZoneName: "short" })
      .formatToParts(d)
      .find((p) => p.type === "timeZoneName")?.value;
    return zone ? `${time} ${zone}` : time;
  };
  const sourceLabel = (source: string): string => {
    const key = `source.${source}`;
    return messageKey(key) ? tr(key) : source;
  };

  const events = manifest.events.map((e) => ({ leafIndex: e.leafIndex, leaf: parseLeaf(e.data) }));
  const history = manifest.addressHistory.map((e) => addressFact(parseLeaf(e.data)));

  const blocks: Block[] = [];

  // 1. Title and identification.
  const officeName = lang === "fr" ? manifest.office.nameFr : manifest.office.nameEn;
  blocks.push({ kind: "title", text: w.title });
  blocks.push({
    kind: "fields",
    rows: [
      [label(w.header.office), `${officeName} (${manifest.office.code})`],
      [label(w.header.fileNumber), manifest.fileNumber],
      [label(w.header.correspondence), manifest.correspondence],
      [label(w.header.exportedAt), when(manifest.exportedAt)],
      [label(w.header.format), manifest.format],
    ],
  });
  blocks.push({ kind: "paragraph", text: w.header.timeZone(tz) });

  // 2. The verdict, in plain words.
  const paragraphs: string[] = [];
  if (f.accepted) {
    paragraphs.push(w.verdict.accepted(f.accepted.server, when(f.accepted.at), f.addressUsed));
    paragraphs.push(w.verdict.notProofOfReading);
  }
  const leftAt = f.accepted?.at ?? f.postedAt;
  if (f.latestAddressAtSend && f.latestAddressAtSend.value === f.addressUsed)
    paragraphs.push(
      w.verdict.latest(
        addressKind,
        role,
        sourceLabel(f.latestAddressAtSend.source),
        when(f.latestAddressAtSend.providedAt),
      ),
    );
  else if (leftAt && !f.latestAddressAtSend) paragraphs.push(w.verdict.noLatest(addressKind, role));
  if (f.bounceWindowClosedAt && f.reports.length === 0)
    paragraphs.push(w.verdict.windowClosed(when(f.bounceWindowClosedAt)));

  const bounce = f.reports.find((r) => r.event === "bounced" || r.kind === "hard");
  const uncertain = f.reports.find(
    (r) => r.action === "relayed" || r.action === "delayed" || r.action === "expanded",
  );
  const rejection = events.filter((e) => e.leaf.event === "smtp-rejected").at(-1)?.leaf;
  const facts: WarningFacts = {
    addressUsed: f.addressUsed,
    kind: addressKind,
    role,
    latest: f.latestAddressAtSend
      ? {
          value: f.latestAddressAtSend.value,
          source: sourceLabel(f.latestAddressAtSend.source),
          providedAt: when(f.latestAddressAtSend.providedAt),
        }
      : null,
    later: f.laterAddresses.map((a) => ({
      value: a.value,
      providedAt: when(a.providedAt),
      recordedAt: when(a.recordedAt),
    })),
    hasDeadline: f.deadline !== null,
    bounceAt: bounce ? when(bounce.at) : null,
    uncertain: uncertain ? { action: uncertain.action ?? "", at: when(uncertain.at) } : null,
    rejection: rejection ? { at: when(rejection.at), response: str(rejection.details.response) ?? "" } : null,
    postedAt: f.postedAt ? when(f.postedAt) : null,
  };
  blocks.push({
    kind: "box",
    title: f.warnings.length === 0 ? w.verdict.clear : w.verdict.warnings(f.warnings.length),
    paragraphs,
    bullets: f.warnings.map((code) => w.warning[code](facts)),
  });

  // 3. The letter.
  const letterTypeKey = `letterType.${str(letter.letterType) ?? ""}`;
  const attachments = list(letter.attachments).map(dict);
  const deadline = str(letter.deadline);
  const channel = str(letter.channel) ?? f.channel;
  const language = str(letter.language) ?? "";
  blocks.push({ kind: "heading", text: w.letter.heading });
  blocks.push({
    kind: "fields",
    rows: [
      [label(w.letter.recipient), `${recipientName} (${w.letter.roles[role]})`],
      [label(w.letter.addressUsed), f.addressUsed],
      [label(w.letter.channel), w.letter.channels[channel] ?? channel],
      [label(w.letter.from), str(letter.from) ?? ""],
      [label(w.letter.subject), str(letter.subject) ?? ""],
      [
        label(w.letter.letterType),
        messageKey(letterTypeKey) ? tr(letterTypeKey) : (str(letter.letterType) ?? ""),
      ],
      [label(w.letter.deadline), deadline ? when(deadline) : w.letter.none],
      [label(w.letter.language), w.letter.languages[language] ?? language],
      ...(f.generatedAt ? [[label(w.letter.generatedAt), when(f.generatedAt)] as const] : []),
      [
        label(w.letter.attachments),
        attachments.length === 0
          ? w.letter.none
          : attachments
              .map((a) => w.letter.attachment(str(a.filename) ?? "", num(a.size) ?? 0, str(a.sha256) ?? ""))
              .join("\n"),
      ],
    ],
  });
  blocks.push({ kind: "subheading", text: w.letter.body });
  blocks.push({ kind: "quote", text: str(letter.body) ?? "" });

  // 4. The hand-off and the sealed message.
  blocks.push({ kind: "heading", text: w.smtp.heading });
  if (f.accepted) {
    const a = f.accepted;
    blocks.push({
      kind: "fields",
      rows: [
        [label(w.smtp.acceptedAt), `${when(a.at)}\n(UTC ${a.at})`],
        [label(w.smtp.server), a.server ?? w.smtp.notRecorded],
        [label(w.smtp.tls), a.tls ? (w.smtp.tlsModes[a.tls] ?? a.tls) : w.smtp.notRecorded],
        [label(w.smtp.reply), quoted(a.reply)],
        [label(w.smtp.queueId), a.queueId ?? w.smtp.notRecorded],
        [label(w.smtp.envelopeTo), a.envelopeTo ?? w.smtp.notRecorded],
      ],
    });
  } else {
    blocks.push({ kind: "paragraph", text: w.smtp.notHandedOff });
    if (f.postedAt) blocks.push({ kind: "fields", rows: [[label(w.smtp.postedAt), when(f.postedAt)]] });
  }
  blocks.push({ kind: "subheading", text: w.smtp.sealedHeading });
  if (f.sealed)
    blocks.push({
      kind: "fields",
      rows: [
        [label(w.smtp.sealedAt), when(f.sealed.at)],
        [label(w.smtp.sha256), f.sealed.sha256],
        [label(w.smtp.size), w.smtp.bytes(f.sealed.size)],
        [label(w.smtp.messageId), f.sealed.messageId],
      ],
    });
  else blocks.push({ kind: "paragraph", text: w.smtp.notSealed });

  // 5. The recipient's addresses.
  blocks.push({ kind: "heading", text: w.history.heading });
  if (history.length === 0) blocks.push({ kind: "paragraph", text: w.history.empty });
  else {
    blocks.push({ kind: "paragraph", text: `${w.history.intro(recipientName)} ${w.header.timeZone(tz)}` });
    const later = new Set(f.laterAddresses.map((a) => `${a.contactPoint}|${a.recordedAt}`));
    // "Used": the fact the letter went to; the latest at sending if it is that address, else any with its value.
    const usedFact =
      f.latestAddressAtSend && f.latestAddressAtSend.value === f.addressUsed ? f.latestAddressAtSend : null;
    const cols = w.history.columns;
    blocks.push({
      kind: "table",
      columns: [
        { header: cols[0], width: 0.17 },
        { header: cols[1], width: 0.17 },
        { header: cols[2], width: 0.09 },
        { header: cols[3], width: 0.27 },
        { header: cols[4], width: 0.15 },
        { header: cols[5], width: 0.15 },
      ],
      rows: history.map((a) => {
        const notes: string[] = [];
        const used = usedFact ? sameFact(usedFact, a) : a.value === f.addressUsed;
        if (used) notes.push(w.history.used);
        else if (sameFact(f.latestAddressAtSend, a)) notes.push(w.history.latestAtSend);
        if (later.has(`${a.contactPoint}|${a.recordedAt}`) || (leftAt && a.recordedAt > leftAt))
          notes.push(w.history.afterSend);
        return [
          whenShort(a.providedAt),
          whenShort(a.recordedAt),
          w.history.kinds[a.kind] ?? a.kind,
          a.value,
          sourceLabel(a.source),
          notes.join("\n"),
        ];
      }),
    });
  }

  // 6. Reports.
  blocks.push({ kind: "heading", text: w.reports.heading });
  if (f.reports.length === 0) blocks.push({ kind: "paragraph", text: w.reports.none });
  else {
    blocks.push({ kind: "paragraph", text: w.reports.intro });
    const cols = w.reports.columns;
    blocks.push({
      kind: "table",
      columns: [
        { header: cols[0], width: 0.24 },
        { header: cols[1], width: 0.26 },
        { header: cols[2], width: 0.16 },
        { header: cols[3], width: 0.14 },
        { header: cols[4], width: 0.2 },
      ],
      rows: f.reports.map((r) => [
        whenShort(r.at),
        w.reports.events[r.event] ?? r.event,
        r.action ? quoted(r.action) : "",
        r.status ? quoted(r.status) : "",
        r.kind ? (w.reports.kinds[r.kind] ?? r.kind) : "",
      ]),
    });
  }
  if (f.bounceWindowClosedAt)
    blocks.push({ kind: "paragraph", text: w.reports.windowClosed(when(f.bounceWindowClosedAt)) });
  else if (f.accepted && f.reports.length === 0)
    blocks.push({ kind: "paragraph", text: w.reports.windowOpen });

  // 7. Timeline.
  blocks.push({ kind: "heading", text: w.timeline.heading });
  blocks.push({ kind: "paragraph", text: `${w.timeline.intro} ${w.header.timeZone(tz)}` });
  const tcols = w.timeline.columns;
  const eventLabels: Record<string, string> = w.timeline.events;
  blocks.push({
    kind: "table",
    columns: [
      { header: tcols[0], width: 0.27 },
      { header: tcols[1], width: 0.36 },
      { header: tcols[2], width: 0.28 },
      { header: tcols[3], width: 0.09 },
    ],
    rows: events.map(({ leafIndex, leaf }) => [
      whenShort(leaf.at),
      eventLabels[leaf.event] ?? leaf.event,
      leaf.type,
      String(leafIndex),
    ]),
  });

  // 8. Integrity and how to check.
  const th = manifest.treeHead;
  blocks.push({ kind: "heading", text: w.integrity.heading });
  blocks.push({ kind: "subheading", text: w.integrity.treeHead });
  blocks.push({
    kind: "fields",
    rows: [
      [label(w.integrity.treeSize), String(th.treeSize)],
      [label(w.integrity.rootHash), th.rootHash],
      [label(w.integrity.signedAt), when(th.signedAt)],
      [label(w.integrity.keyId), th.keyId],
      [label(w.integrity.signature), th.signature],
    ],
  });
  blocks.push({ kind: "subheading", text: w.integrity.timestamp });
  if (manifest.timestamp)
    blocks.push({
      kind: "fields",
      rows: [
        [label(w.integrity.authority), manifest.timestamp.authorityUrl],
        [label(w.integrity.genTime), when(manifest.timestamp.genTime)],
      ],
    });
  else blocks.push({ kind: "paragraph", text: w.integrity.noTimestamp });
  blocks.push({ kind: "subheading", text: w.integrity.howToHeading });
  blocks.push({ kind: "paragraph", text: w.integrity.howToIntro });
  blocks.push({ kind: "paragraph", text: w.integrity.command, indent: 18 });
  blocks.push({ kind: "bullets", items: w.integrity.checks });
  blocks.push({ kind: "paragraph", text: w.integrity.howToEnd });
  return blocks;
}

// ---------------------------------------------------------------------------------------------------
// Layout (points: 72 to the inch)

const MARGIN = { top: 0.75 * INCH, left: 0.75 * INCH, right: 0.75 * INCH, bottom: 1 * INCH };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
const CONTENT_BOTTOM = PAGE.height - MARGIN.bottom;
const LABEL_WIDTH = 2.6 * INCH;
const GUTTER = 8;
const BOX_PADDING = 8;
const BULLET_INDENT = 12;
const CELL_PADDING = 3;
const RULE = "#9a9a9a";

const STYLE = {
  title: { font: "bold", size: 18 },
  heading: { font: "bold", size: 12.5 },
  subheading: { font: "bold", size: 10 },
  body: { font: "regular", size: 9.5 },
  label: { font: "bold", size: 9.5 },
  cell: { font: "regular", size: 8 },
  cellHeader: { font: "bold", size: 8 },
  footer: { font: "regular", size: 8 },
} as const satisfies Record<string, Style>;

/**
 * The printable summary of a proof package (B-1, B-4, B-5): US Letter, in `lang`, readable without any
 * software. Deterministic for the same manifest (CreationDate is its exportedAt).
 */
export async function renderProofSummary(manifest: Manifest, lang: Lang): Promise<Buffer> {
  const w = wordings[lang];
  const exportedAt = new Date(manifest.exportedAt);
  if (Number.isNaN(exportedAt.getTime())) throw new RangeError("manifest.exportedAt is not a valid instant");
  const blocks = buildBlocks(manifest, lang);
  const footerLeft = `${w.title} · ${manifest.correspondence}`;

  const fonts = await chooseFonts([...textsOfBlocks(blocks), footerLeft].map(prepare));
  const t = (text: string): string => printable(fonts, text);

  const { doc, bytes } = openDocument({
    margins: MARGIN,
    lang: w.locale,
    info: {
      Title: t(`${w.title} · ${manifest.fileNumber}`),
      Author: t(lang === "fr" ? manifest.office.nameFr : manifest.office.nameEn),
      Subject: t(manifest.correspondence),
      Keywords: t(`${manifest.fileNumber} ${manifest.correspondence}`),
    },
    creationDate: exportedAt,
    fonts,
  });

  // As in postal-letter.ts (src/pdf/lines.ts): pdfkit never wraps nor adds a page on its own.
  const setter = lineSetter(doc, fonts, STYLE.body.size);
  const { use, linesOf } = setter;
  const drawLine = (line: string, style: Style, x: number, y: number): void => {
    use(style);
    setter.drawLine(line, x, y);
  };
  const rule = (x1: number, x2: number, y: number, color = RULE): void => {
    doc.save().lineWidth(0.5).strokeColor(color).moveTo(x1, y).lineTo(x2, y).stroke().restore();
  };

  let y = MARGIN.top;
  const newPage = (): void => {
    doc.addPage();
    y = MARGIN.top;
  };
  /** Starts a new page unless `height` still fits on this one. */
  const room = (height: number): boolean => {
    if (y + height <= CONTENT_BOTTOM) return false;
    newPage();
    return true;
  };
  /** Lines of one style at x, from y down, across pages as needed. */
  const lines = (texts: readonly string[], style: Style, x: number): void => {
    const h = use(style);
    for (const line of texts) {
      room(h);
      drawLine(line, style, x, y);
      y += h;
    }
  };

  for (const [index, block] of blocks.entries()) {
    switch (block.kind) {
      case "title": {
        lines(linesOf(block.text, STYLE.title, CONTENT_WIDTH), STYLE.title, MARGIN.left);
        y += 6;
        break;
      }
      case "heading":
      case "subheading": {
        const style = block.kind === "heading" ? STYLE.heading : STYLE.subheading;
        y += block.kind === "heading" ? 14 : 6;
        const texts = linesOf(block.text, style, CONTENT_WIDTH);
        // Keep a heading with at least three lines of what follows it, a subheading included.
        const h = use(style);
        const next = blocks[index + 1];
        const then = next?.kind === "subheading" ? use(STYLE.subheading) + 8 : 0;
        room(texts.length * h + then + 3 * use(STYLE.body) + 6);
        lines(texts, style, MARGIN.left);
        if (block.kind === "heading") {
          rule(MARGIN.left, MARGIN.left + CONTENT_WIDTH, y, GREY);
          y += 5;
        } else y += 2;
        break;
      }
      case "paragraph": {
        const indent = block.indent ?? 0;
        lines(linesOf(block.text, STYLE.body, CONTENT_WIDTH - indent), STYLE.body, MARGIN.left + indent);
        y += 4;
        break;
      }
      case "bullets": {
        const h = use(STYLE.body);
        for (const item of block.items) {
          const texts = linesOf(item, STYLE.body, CONTENT_WIDTH - BULLET_INDENT);
          texts.forEach((line, i) => {
            room(h);
            if (i === 0) drawLine(t("•"), STYLE.body, MARGIN.left + 2, y);
            drawLine(line, STYLE.body, MARGIN.left + BULLET_INDENT, y);
            y += h;
          });
          y += 2;
        }
        y += 2;
        break;
      }
      case "fields": {
        const h = Math.max(use(STYLE.label), use(STYLE.body));
        const valueX = MARGIN.left + LABEL_WIDTH + GUTTER;
        const valueWidth = CONTENT_WIDTH - LABEL_WIDTH - GUTTER;
        for (const [labelText, value] of block.rows) {
          const labelLines = linesOf(labelText, STYLE.label, LABEL_WIDTH);
          const valueLines = linesOf(value, STYLE.body, valueWidth);
          const n = Math.max(labelLines.length, valueLines.length);
          // A row short enough to fit on a page is not split.
          if (n * h <= CONTENT_BOTTOM - MARGIN.top) room(n * h);
          for (let i = 0; i < n; i++) {
            room(h);
            drawLine(labelLines[i] ?? "", STYLE.label, MARGIN.left, y);
            drawLine(valueLines[i] ?? "", STYLE.body, valueX, y);
            y += h;
          }
          y += 2;
        }
        y += 2;
        break;
      }
      case "quote": {
        // The letter's text, set off by a rule on its left, page by page.
        const h = use(STYLE.body);
        const x = MARGIN.left + 10;
        let top = y;
        const bar = () => {
          doc
            .save()
            .lineWidth(1.5)
            .strokeColor(GREY)
            .moveTo(MARGIN.left + 3, top)
            .lineTo(MARGIN.left + 3, y)
            .stroke()
            .restore();
        };
        for (const line of linesOf(block.text, STYLE.body, CONTENT_WIDTH - 10)) {
          if (y + h > CONTENT_BOTTOM) {
            bar();
            newPage();
            top = y;
          }
          drawLine(line, STYLE.body, x, y);
          y += h;
        }
        bar();
        y += 4;
        break;
      }
      case "box": {
        const h = use(STYLE.body);
        const inner = CONTENT_WIDTH - 2 * BOX_PADDING;
        const x = MARGIN.left + BOX_PADDING;
        // One entry per line; an empty one is the half line between two paragraphs.
        type Line = { text: string; style: Style; x: number; bullet: boolean; height: number };
        const content: Line[] = linesOf(block.title, STYLE.label, inner).map((text) => ({
          text,
          style: STYLE.label,
          x,
          bullet: false,
          height: h,
        }));
        const gap = (): void => {
          content.push({ text: "", style: STYLE.body, x, bullet: false, height: h / 2 });
        };
        for (const p of block.paragraphs) {
          gap();
          for (const text of linesOf(p, STYLE.body, inner))
            content.push({ text, style: STYLE.body, x, bullet: false, height: h });
        }
        for (const b of block.bullets) {
          gap();
          linesOf(b, STYLE.body, inner - BULLET_INDENT).forEach((text, i) => {
            content.push({ text, style: STYLE.body, x: x + BULLET_INDENT, bullet: i === 0, height: h });
          });
        }
        y += 4;
        let i = 0;
        while (i < content.length) {
          // As many lines as fit on this page, in a frame of their own; at least three, else a new page.
          const fitting = (): Line[] => {
            const part: Line[] = [];
            let used = 2 * BOX_PADDING;
            for (const line of content.slice(i)) {
              if (y + used + line.height > CONTENT_BOTTOM) break;
              part.push(line);
              used += line.height;
            }
            return part;
          };
          let part = fitting();
          if (part.length < Math.min(3, content.length - i)) {
            newPage();
            part = fitting();
          }
          // A page never opens on a paragraph gap.
          while (part.length > 0 && part[0]!.text === "" && i > 0 && y === MARGIN.top) {
            part.shift();
            i++;
          }
          const height = part.reduce((sum, line) => sum + line.height, 2 * BOX_PADDING);
          doc
            .save()
            .lineWidth(1.5)
            .strokeColor(BLACK)
            .rect(MARGIN.left, y, CONTENT_WIDTH, height)
            .stroke()
            .restore();
          let ly = y + BOX_PADDING;
          for (const line of part) {
            if (line.bullet) drawLine(t("•"), STYLE.body, x + 2, ly);
            drawLine(line.text, line.style, line.x, ly);
            ly += line.height;
          }
          y += height;
          i += part.length;
          if (i < content.length) newPage();
        }
        y += 6;
        break;
      }
      case "table": {
        const h = use(STYLE.cell);
        const widths = block.columns.map((c) => c.width * CONTENT_WIDTH);
        const xs = widths.map((_, k) => MARGIN.left + widths.slice(0, k).reduce((s, v) => s + v, 0));
        const cellLines = (cells: readonly string[], style: Style) =>
          cells.map((c, k) => linesOf(c, style, widths[k]! - 2 * CELL_PADDING));
        const header = cellLines(
          block.columns.map((c) => c.header),
          STYLE.cellHeader,
        );
        const headerHeight = Math.max(...header.map((l) => l.length)) * h + 4;
        const drawHeader = () => {
          const rows = Math.max(...header.map((l) => l.length));
          for (let r = 0; r < rows; r++)
            header.forEach((l, k) => {
              drawLine(l[r] ?? "", STYLE.cellHeader, xs[k]! + CELL_PADDING, y + 2 + r * h);
            });
          y += headerHeight;
          rule(MARGIN.left, MARGIN.left + CONTENT_WIDTH, y - 1, GREY);
        };
        room(headerHeight + h + 4);
        drawHeader();
        for (const row of block.rows) {
          const cells = cellLines(row, STYLE.cell);
          const n = Math.max(...cells.map((l) => l.length));
          if (y + n * h + 4 > CONTENT_BOTTOM && n * h + 4 <= CONTENT_BOTTOM - MARGIN.top - headerHeight) {
            newPage();
            drawHeader();
          }
          y += 2;
          for (let r = 0; r < n; r++) {
            if (y + h > CONTENT_BOTTOM) {
              newPage();
              drawHeader();
            }
            cells.forEach((l, k) => {
              drawLine(l[r] ?? "", STYLE.cell, xs[k]! + CELL_PADDING, y);
            });
            y += h;
          }
          y += 2;
          rule(MARGIN.left, MARGIN.left + CONTENT_WIDTH, y);
        }
        y += 6;
        break;
      }
    }
  }

  // Footer on every page: the correspondence id, to match the paper to its package, and the page.
  forEachPage(doc, (n, count) => {
    doc.fillColor(GREY);
    drawLine(t(footerLeft), STYLE.footer, MARGIN.left, FOOTER_Y);
    setter.rightAligned(w.page(n, count), STYLE.footer, MARGIN.left + CONTENT_WIDTH, FOOTER_Y);
  });

  doc.end();
  return bytes;
}
