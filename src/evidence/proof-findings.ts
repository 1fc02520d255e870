import type { CanonicalValue } from "./canonical.ts";
import type { SignedTreeHead } from "./tree-head.ts";

// What a proof package says (B-1, B-4, B-5), as a pure function of the ledger events it carries. The
// exporter writes these findings into the manifest and the printable summary; the offline verifier
// recomputes them from the verified events and refuses a package whose findings differ. So nothing a
// package claims rests on our word: only on events whose inclusion in a signed tree it proves.

export const proofPackageFormat = "liaison-proof-package/1";

/** One ledger leaf as the package carries it: its exact bytes, its place and its audit path. */
export interface ProvenEvent {
  leafIndex: number;
  /** The leaf's bytes as UTF-8: the canonical JSON of README "The ledger". */
  data: string;
  /** RFC 9162 inclusion proof in the tree of `treeHead.treeSize`, hex. */
  proof: string[];
}

/** A leaf's bytes, parsed. */
export interface LeafEvent {
  v: number;
  type: string;
  event: string;
  subject: { type: string; id: string };
  at: string;
  actor: string;
  details: { [key: string]: CanonicalValue };
}

export interface PackageFile {
  name: string;
  sha256: string;
  size: number;
}

export interface ProofManifest {
  format: typeof proofPackageFormat;
  exportedAt: string;
  /** The language of the summary and of the verdict printed by default. */
  language: "en" | "fr";
  correspondence: string;
  fileNumber: string;
  office: { code: string; nameEn: string; nameFr: string; genericMailbox: string; timeZone: string };
  /** What the letter said and to whom; its SHA-256 is on the ledger with the "generated" event. */
  letter: { [key: string]: CanonicalValue };
  /** The letter's events, in tree order. */
  events: ProvenEvent[];
  /** Every address the recipient gave, as recorded on the ledger, in tree order. */
  addressHistory: ProvenEvent[];
  treeHead: SignedTreeHead;
  /** B-8: an RFC 3161 token over the tree head's signed bytes, when an authority countersigned it. */
  timestamp: { authorityUrl: string; token: string; genTime: string } | null;
  findings: Findings;
  /** Every other file of the package with its hash (manifest.sig covers this list). */
  files: PackageFile[];
}

export type WarningCode =
  | "not-sent"
  | "sent-to-superseded-address"
  | "address-changed-after-send"
  | "bounced"
  | "delivery-uncertain"
  | "bounce-window-open"
  | "rejected-by-relay"
  | "sent-by-post";

export interface AddressFact {
  contactPoint: number;
  kind: string;
  value: string;
  source: string;
  providedAt: string;
  recordedAt: string;
}

export interface Findings {
  channel: string;
  addressUsed: string;
  generatedAt: string | null;
  sealed: { at: string; sha256: string; size: number; messageId: string } | null;
  /** B-5: accepted by the mail server named here, at this time; never "delivered". */
  accepted: {
    at: string;
    server: string | null;
    tls: string | null;
    reply: string;
    queueId: string | null;
    envelopeTo: string | null;
  } | null;
  postedAt: string | null;
  /** The latest address of the kind used that the party had provided when the letter left (C-1). */
  latestAddressAtSend: AddressFact | null;
  /** Addresses of that kind recorded after the letter left, before its deadline or the export. */
  laterAddresses: AddressFact[];
  /** Reports received about this letter (bounces, delay or relay notices), as recorded. */
  reports: { at: string; event: string; action: string | null; status: string | null; kind: string | null }[];
  bounceWindowClosedAt: string | null;
  deadline: string | null;
  warnings: WarningCode[];
}

export function parseLeaf(data: string): LeafEvent {
  const parsed = JSON.parse(data) as LeafEvent;
  if (typeof parsed !== "object" || parsed === null || typeof parsed.event !== "string")
    throw new Error("not a ledger event");
  return parsed;
}

/** Loose values of an event's details, read as what they should be or nothing. */
export const str = (v: CanonicalValue | undefined): string | null => (typeof v === "string" ? v : null);
export const num = (v: CanonicalValue | undefined): number | null => (typeof v === "number" ? v : null);
export const obj = (v: CanonicalValue | undefined): { [key: string]: CanonicalValue } =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as { [key: string]: CanonicalValue }) : {};

/** An address-provided leaf's facts. */
export function addressFact(e: LeafEvent): AddressFact {
  return {
    contactPoint: num(e.details.contactPoint) ?? -1,
    kind: str(e.details.kind) ?? "",
    value: str(e.details.value) ?? "",
    source: str(e.details.source) ?? "",
    providedAt: str(e.details.providedAt) ?? "",
    recordedAt: e.at,
  };
}

/** Later of two addresses in the order C-1 uses: provided later, then recorded later. */
function newer(a: AddressFact, b: AddressFact): boolean {
  if (a.providedAt !== b.providedAt) return a.providedAt > b.providedAt;
  return a.contactPoint > b.contactPoint;
}

/**
 * The findings of a package, from its letter and its events alone. `asOf` is when it was exported: a
 * later address recorded before then counts, so the package says what was known when it was made.
 */
export function assessProof(input: {
  letter: { [key: string]: CanonicalValue };
  events: readonly LeafEvent[];
  addressHistory: readonly LeafEvent[];
  asOf: string;
}): Findings {
  const { letter, events } = input;
  const find = (kind: string) => events.find((e) => e.event === kind);
  const generated = find("generated");
  const sealedEvent = find("sealed");
  const sent = find("sent");
  const posted = find("delivered-by-post");
  const channel = str(generated?.details.channel) ?? str(letter.channel) ?? "";
  const addressUsed = str(generated?.details.address) ?? str(letter.address) ?? "";
  const deadline = str(letter.deadline);
  const smtp = obj(sent?.details.smtp);
  const envelope = obj(sent?.details.envelope);
  const leftAt = sent?.at ?? posted?.at ?? null;

  const addresses = input.addressHistory.map(addressFact);
  const usedKind =
    addresses.find((a) => a.value === addressUsed)?.kind ?? (channel === "post" ? "postal" : "email");
  const sameKind = addresses.filter((a) => a.kind === usedKind);
  // C-2: an email address given by phone is recorded but is not consent; it never supersedes one that is
  // (it still counts below as an address the party gave after the letter left: B-4 says so plainly).
  const writable = sameKind.filter((a) => !(a.kind === "email" && a.source === "phone"));
  let latestAddressAtSend: AddressFact | null = null;
  if (leftAt)
    for (const a of writable)
      if (a.recordedAt <= leftAt && (!latestAddressAtSend || newer(a, latestAddressAtSend)))
        latestAddressAtSend = a;
  // Until the deadline (end of that day, UTC, generously), or the export if there is none.
  const horizon = deadline ? `${deadline}T23:59:59.999Z` : input.asOf;
  const laterAddresses = leftAt
    ? sameKind.filter((a) => a.recordedAt > leftAt && a.recordedAt <= horizon && a.value !== addressUsed)
    : [];

  const reports = events
    .filter((e) => e.event === "bounced" || e.event === "inbound-report")
    .map((e) => ({
      at: e.at,
      event: e.event,
      action: str(e.details.action),
      status: str(e.details.status),
      kind: str(e.details.kind),
    }));
  const closure = find("no-bounce-window-closed");

  const warnings: WarningCode[] = [];
  if (!sent && !posted) warnings.push("not-sent");
  if (posted && !sent) warnings.push("sent-by-post");
  if (latestAddressAtSend && latestAddressAtSend.value !== addressUsed)
    warnings.push("sent-to-superseded-address");
  if (laterAddresses.length > 0) warnings.push("address-changed-after-send");
  if (events.some((e) => e.event === "bounced") || reports.some((r) => r.kind === "hard"))
    warnings.push("bounced");
  // B-5: "relayed", "delayed", "delivery may not be reported" are warnings needing follow-up, not proof.
  if (reports.some((r) => r.action === "relayed" || r.action === "delayed" || r.action === "expanded"))
    warnings.push("delivery-uncertain");
  if (events.some((e) => e.event === "smtp-rejected")) warnings.push("rejected-by-relay");
  if (sent && !closure && reports.length === 0) warnings.push("bounce-window-open");

  return {
    channel,
    addressUsed,
    generatedAt: generated?.at ?? null,
    sealed: sealedEvent
      ? {
          at: sealedEvent.at,
          sha256: str(sealedEvent.details.sha256) ?? "",
          size: num(sealedEvent.details.size) ?? 0,
          messageId: str(sealedEvent.details.messageId) ?? "",
        }
      : null,
    accepted: sent
      ? {
          at: sent.at,
          server: str(smtp.server),
          tls: str(smtp.tls),
          reply: str(smtp.reply) ?? str(sent.details.smtpReply) ?? "",
          queueId: str(smtp.queueId),
          envelopeTo: str(envelope.to),
        }
      : null,
    postedAt: posted ? (str(posted.details.postedOn) ?? posted.at) : null,
    latestAddressAtSend,
    laterAddresses,
    reports,
    bounceWindowClosedAt: closure?.at ?? null,
    deadline,
    warnings,
  };
}
