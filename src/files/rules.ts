import type {
  ContactKind,
  ContactPoint,
  ContactSource,
  FileParties,
  Party,
  PartyId,
  RepresentationEvent,
} from "./model.ts";

// Pure rules of consent and routing (SPEC C-1..C-4). No I/O, no clock: every answer is for an instant.

/** C-2: the only ways a party consents to email. An address that came any other way is not consent. */
export const emailConsentSources: readonly ContactSource[] = ["application-form", "imm5476", "client-email"];

export function isEmailConsent(point: Pick<ContactPoint, "kind" | "source">): boolean {
  return point.kind === "email" && emailConsentSources.includes(point.source);
}

function isBefore(a: { at: Date; seq: number }, b: { at: Date; seq: number }): boolean {
  const d = a.at.getTime() - b.at.getTime();
  return d < 0 || (d === 0 && a.seq < b.seq);
}

/**
 * The address of this kind in effect at `at`: the latest one provided at or before that instant. Two
 * provided in the same instant are ordered by when they were recorded, so the later entry wins.
 */
export function contactPointAt(
  points: readonly ContactPoint[],
  partyId: PartyId,
  kind: ContactKind,
  at: Date,
): ContactPoint | undefined {
  let best: ContactPoint | undefined;
  for (const p of points) {
    if (p.partyId !== partyId || p.kind !== kind || p.providedAt.getTime() > at.getTime()) continue;
    if (!best || isBefore({ at: best.providedAt, seq: best.seq }, { at: p.providedAt, seq: p.seq })) best = p;
  }
  return best;
}

export interface ContactHistoryEntry extends ContactPoint {
  /** When a later address of the same kind took its place; undefined while it is still in effect. */
  supersededAt: Date | undefined;
  supersededBy: number | undefined;
}

/** A party's contact points in the order they took effect, each with when it stopped being current. */
export function contactHistory(points: readonly ContactPoint[], partyId: PartyId): ContactHistoryEntry[] {
  const mine = points
    .filter((p) => p.partyId === partyId)
    .sort((a, b) => (isBefore({ at: a.providedAt, seq: a.seq }, { at: b.providedAt, seq: b.seq }) ? -1 : 1));
  return mine.map((p, i) => {
    const next = mine.slice(i + 1).find((q) => q.kind === p.kind);
    return { ...p, supersededAt: next?.providedAt, supersededBy: next?.seq };
  });
}

/** The representative whose IMM 5476 is in force at `at`, if any, and since when. */
export function representationAt(
  events: readonly RepresentationEvent[],
  at: Date,
): { representativeId: PartyId; since: Date } | undefined {
  let latest: RepresentationEvent | undefined;
  for (const e of events) {
    if (e.effectiveAt.getTime() > at.getTime()) continue;
    if (!latest || isBefore({ at: latest.effectiveAt, seq: latest.seq }, { at: e.effectiveAt, seq: e.seq }))
      latest = e;
  }
  return latest?.kind === "declared"
    ? { representativeId: latest.representativeId, since: latest.effectiveAt }
    : undefined;
}

export type RoutingReason =
  /** C-3: an IMM 5476 with the representative's email is on file; everything goes to them. */
  | "representative-email"
  /** C-3/C-4: a representative is declared but gave no email; correspondence goes to them by post. */
  | "representative-post"
  /** C-1/C-2: the applicant consented to email. */
  | "applicant-email"
  /** C-1/C-4: no consented email; the applicant is written to by post. */
  | "applicant-post"
  /** Nothing on file to write to: the agent must record an address before any letter can go. */
  | "no-address";

export type Routing =
  | {
      channel: "email" | "post";
      reason: Exclude<RoutingReason, "no-address">;
      recipient: Party;
      /** The address exactly as on file: the letter must use these bytes (C-5). */
      address: string;
      contactPoint: ContactPoint;
      representedSince: Date | undefined;
    }
  | { channel: "none"; reason: "no-address"; recipient: Party; representedSince: Date | undefined };

/**
 * Who receives correspondence on this file at `at`, at which address, by which channel, and why.
 * C-3 first (a representative takes everything), then C-1 (email only with consent), then C-4 (post).
 */
export function routeCorrespondence(file: FileParties, at: Date): Routing {
  const representation = representationAt(file.representations, at);
  const representative = representation
    ? file.representatives.find((r) => r.id === representation.representativeId)
    : undefined;
  if (representation && representative) {
    return routeTo(
      file,
      representative,
      at,
      "representative-email",
      "representative-post",
      representation.since,
    );
  }
  return routeTo(file, file.applicant, at, "applicant-email", "applicant-post", undefined);
}

function routeTo(
  file: FileParties,
  recipient: Party,
  at: Date,
  byEmail: "representative-email" | "applicant-email",
  byPost: "representative-post" | "applicant-post",
  representedSince: Date | undefined,
): Routing {
  const email = contactPointAt(file.contactPoints, recipient.id, "email", at);
  if (email && isEmailConsent(email)) {
    return {
      channel: "email",
      reason: byEmail,
      recipient,
      address: email.value,
      contactPoint: email,
      representedSince,
    };
  }
  const postal = contactPointAt(file.contactPoints, recipient.id, "postal", at);
  if (postal) {
    return {
      channel: "post",
      reason: byPost,
      recipient,
      address: postal.value,
      contactPoint: postal,
      representedSince,
    };
  }
  return { channel: "none", reason: "no-address", recipient, representedSince };
}

/** What the agent reads about a party's consent to email at `at` (C-1, C-2). */
export function emailConsentAt(
  file: FileParties,
  partyId: PartyId,
  at: Date,
): { consented: true; source: ContactSource; since: Date } | { consented: false } {
  const email = contactPointAt(file.contactPoints, partyId, "email", at);
  if (email && isEmailConsent(email))
    return { consented: true, source: email.source, since: email.providedAt };
  return { consented: false };
}

export function partiesOf(file: FileParties): Party[] {
  return [file.applicant, ...file.representatives];
}
