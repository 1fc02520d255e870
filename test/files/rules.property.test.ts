import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type {
  ContactKind,
  ContactPoint,
  ContactSource,
  FileParties,
  Party,
  PartyId,
  RepresentationEvent,
} from "../../src/files/model.ts";
import {
  contactHistory,
  contactPointAt,
  emailConsentAt,
  representationAt,
  routeCorrespondence,
} from "../../src/files/rules.ts";

// Random histories over a handful of instants, so that ties (same providedAt, same effectiveAt) are common.

const APPLICANT = "applicant" as PartyId;
const R1 = "rep-1" as PartyId;
const R2 = "rep-2" as PartyId;
const PARTY_IDS = [APPLICANT, R1, R2] as const;
const REP_IDS = [R1, R2] as const;

const KINDS: readonly ContactKind[] = ["email", "postal"];
const SOURCES: readonly ContactSource[] = [
  "application-form",
  "imm5476",
  "client-email",
  "client-letter",
  "phone",
];
/** C-2, written out independently of the module under test. */
const CONSENT = new Set<ContactSource>(["application-form", "imm5476", "client-email"]);

const BASE = Date.UTC(2026, 2, 8, 6, 0, 0); // 2026-03-08T06:00:00Z
/** Instants in steps of one second, plus the millisecond either side, as offsets from BASE. */
const instantArb = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((k) => k * 1000),
  fc.integer({ min: 0, max: 6 }).chain((k) => fc.constantFrom(k * 1000 - 1, k * 1000 + 1)),
);
const dateArb = instantArb.map((o) => new Date(BASE + o));

const party = (id: PartyId): Party => ({
  id,
  role: id === APPLICANT ? "applicant" : "representative",
  name: `Name of ${id}`,
  preferredLanguage: "en",
});

/** Any text, with the party's id in front so a value never belongs to two parties by accident. */
const valueFor = (partyId: PartyId) =>
  fc
    .string({ unit: "binary", maxLength: 12 })
    .map((s) => `${partyId}|${s}`)
    .chain((v) => fc.constantFrom(v, ` ${v} `, v.toUpperCase()));

/** Distinct seqs, handed out in an order unrelated to providedAt, then the array itself shuffled. */
function withSeqs<T>(items: T[]): fc.Arbitrary<(T & { seq: number })[]> {
  return fc
    .uniqueArray(fc.integer({ min: 1, max: 1_000_000 }), { minLength: items.length, maxLength: items.length })
    .chain((seqs) => {
      const withSeq = items.map((item, i) => ({ ...item, seq: seqs[i]! }));
      return fc.shuffledSubarray(withSeq, { minLength: withSeq.length, maxLength: withSeq.length });
    });
}

const contactPointArb: fc.Arbitrary<Omit<ContactPoint, "seq">> = fc
  .record({
    partyId: fc.constantFrom(...PARTY_IDS),
    kind: fc.constantFrom(...KINDS),
    source: fc.constantFrom(...SOURCES),
    providedAt: dateArb,
  })
  .chain((p) => valueFor(p.partyId).map((value) => ({ ...p, value })));

const contactPointsArb: fc.Arbitrary<ContactPoint[]> = fc
  .array(contactPointArb, { maxLength: 14 })
  .chain((ps) => withSeqs(ps));

const representationsArb: fc.Arbitrary<RepresentationEvent[]> = fc
  .array(
    fc.record({
      representativeId: fc.constantFrom(...REP_IDS),
      kind: fc.constantFrom("declared" as const, "withdrawn" as const),
      effectiveAt: dateArb,
    }),
    { maxLength: 5 },
  )
  .chain((es) => withSeqs(es));

const fileArb: fc.Arbitrary<FileParties> = fc
  .record({ contactPoints: contactPointsArb, representations: representationsArb })
  .map(({ contactPoints, representations }) => ({
    applicant: party(APPLICANT),
    representatives: REP_IDS.map(party),
    contactPoints,
    representations,
  }));

// ---------------------------------------------------------------------------------------------------
// Brute-force references.

function byTimeThenSeq(a: { t: Date; seq: number }, b: { t: Date; seq: number }): number {
  return a.t.getTime() - b.t.getTime() || a.seq - b.seq;
}

function refPointAt(points: readonly ContactPoint[], partyId: PartyId, kind: ContactKind, at: Date) {
  return points
    .filter((p) => p.partyId === partyId && p.kind === kind && p.providedAt.getTime() <= at.getTime())
    .sort((a, b) => byTimeThenSeq({ t: a.providedAt, seq: a.seq }, { t: b.providedAt, seq: b.seq }))
    .at(-1);
}

function refRepresentation(events: readonly RepresentationEvent[], at: Date) {
  const last = events
    .filter((e) => e.effectiveAt.getTime() <= at.getTime())
    .sort((a, b) => byTimeThenSeq({ t: a.effectiveAt, seq: a.seq }, { t: b.effectiveAt, seq: b.seq }))
    .at(-1);
  return last?.kind === "declared"
    ? { representativeId: last.representativeId, since: last.effectiveAt }
    : undefined;
}

function refRoute(file: FileParties, at: Date) {
  const rep = refRepresentation(file.representations, at);
  const recipient =
    (rep && file.representatives.find((r) => r.id === rep.representativeId)) || file.applicant;
  const represented = recipient !== file.applicant;
  const email = refPointAt(file.contactPoints, recipient.id, "email", at);
  const postal = refPointAt(file.contactPoints, recipient.id, "postal", at);
  if (email && CONSENT.has(email.source)) {
    return {
      channel: "email",
      reason: represented ? "representative-email" : "applicant-email",
      point: email,
    };
  }
  if (postal)
    return { channel: "post", reason: represented ? "representative-post" : "applicant-post", point: postal };
  return { channel: "none", reason: "no-address", point: undefined };
}

const RUNS = { numRuns: 500 };

// ---------------------------------------------------------------------------------------------------

describe("properties of the routing rules (C-1..C-4)", () => {
  it("C-1: contactPointAt equals the brute-force reference (sort by providedAt then seq, last at or before T)", () => {
    fc.assert(
      fc.property(
        contactPointsArb,
        fc.constantFrom(...PARTY_IDS),
        fc.constantFrom(...KINDS),
        dateArb,
        (points, partyId, kind, at) => {
          expect(contactPointAt(points, partyId, kind, at)).toBe(refPointAt(points, partyId, kind, at));
        },
      ),
      RUNS,
    );
  });

  it("C-3: representationAt equals the brute-force reference (last event at or before T, if a declaration)", () => {
    fc.assert(
      fc.property(representationsArb, dateArb, (events, at) => {
        expect(representationAt(events, at)).toEqual(refRepresentation(events, at));
      }),
      RUNS,
    );
  });

  it("C-1: routing never returns an address that is not a stored value of the recipient, provided by T", () => {
    fc.assert(
      fc.property(fileArb, dateArb, (file, at) => {
        const r = routeCorrespondence(file, at);
        if (r.channel === "none") return;
        expect(file.contactPoints).toContain(r.contactPoint);
        expect(r.contactPoint.partyId).toBe(r.recipient.id);
        expect(r.address).toBe(r.contactPoint.value);
        expect(r.contactPoint.providedAt.getTime()).toBeLessThanOrEqual(at.getTime());
        expect(r.contactPoint.kind).toBe(r.channel === "email" ? "email" : "postal");
      }),
      RUNS,
    );
  });

  it("C-3: if a representative is active at T the recipient is the representative, otherwise the applicant", () => {
    fc.assert(
      fc.property(fileArb, dateArb, (file, at) => {
        const r = routeCorrespondence(file, at);
        const rep = refRepresentation(file.representations, at);
        if (rep) {
          expect(r.recipient.id).toBe(rep.representativeId);
          expect(r.representedSince).toEqual(rep.since);
          expect(["representative-email", "representative-post", "no-address"]).toContain(r.reason);
        } else {
          expect(r.recipient).toBe(file.applicant);
          expect(r.representedSince).toBeUndefined();
          expect(["applicant-email", "applicant-post", "no-address"]).toContain(r.reason);
        }
      }),
      RUNS,
    );
  });

  it("C-1/C-2: channel is email only if the point's source is one of the three C-2 sources", () => {
    fc.assert(
      fc.property(fileArb, dateArb, (file, at) => {
        const r = routeCorrespondence(file, at);
        if (r.channel === "email") {
          expect(CONSENT.has(r.contactPoint.source)).toBe(true);
          expect(r.reason.endsWith("-email")).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it("C-1/C-4: email when the recipient's latest email is consented, else post when a postal address exists, else none", () => {
    fc.assert(
      fc.property(fileArb, dateArb, (file, at) => {
        const r = routeCorrespondence(file, at);
        const ref = refRoute(file, at);
        expect(r.channel).toBe(ref.channel);
        expect(r.reason).toBe(ref.reason);
        if (r.channel !== "none") expect(r.contactPoint).toBe(ref.point);
      }),
      RUNS,
    );
  });

  it("C-1..C-4: routing does not depend on the order of the stored rows", () => {
    fc.assert(
      fc.property(
        fileArb.chain((file) =>
          fc
            .tuple(
              fc.shuffledSubarray(file.contactPoints, {
                minLength: file.contactPoints.length,
                maxLength: file.contactPoints.length,
              }),
              fc.shuffledSubarray(file.representations, {
                minLength: file.representations.length,
                maxLength: file.representations.length,
              }),
            )
            .map(
              ([contactPoints, representations]) =>
                [file, { ...file, contactPoints, representations }] as const,
            ),
        ),
        dateArb,
        ([file, shuffled], at) => {
          expect(routeCorrespondence(shuffled, at)).toEqual(routeCorrespondence(file, at));
        },
      ),
      RUNS,
    );
  });

  it("C-2: emailConsentAt says consented exactly when the latest email at T came from a C-2 source", () => {
    fc.assert(
      fc.property(fileArb, fc.constantFrom(...PARTY_IDS), dateArb, (file, partyId, at) => {
        const latest = refPointAt(file.contactPoints, partyId, "email", at);
        const consent = emailConsentAt(file, partyId, at);
        if (latest && CONSENT.has(latest.source)) {
          expect(consent).toEqual({ consented: true, source: latest.source, since: latest.providedAt });
        } else {
          expect(consent).toEqual({ consented: false });
        }
      }),
      RUNS,
    );
  });

  it("C-1: contactHistory lists every point of the party once, in (providedAt, seq) order", () => {
    fc.assert(
      fc.property(contactPointsArb, fc.constantFrom(...PARTY_IDS), (points, partyId) => {
        const history = contactHistory(points, partyId);
        const expected = points
          .filter((p) => p.partyId === partyId)
          .sort((a, b) => byTimeThenSeq({ t: a.providedAt, seq: a.seq }, { t: b.providedAt, seq: b.seq }));
        expect(history.map((h) => h.seq)).toEqual(expected.map((p) => p.seq));
        for (const h of history) {
          const stored = points.find((p) => p.seq === h.seq)!;
          expect({ ...h, supersededAt: undefined, supersededBy: undefined }).toEqual({
            ...stored,
            supersededAt: undefined,
            supersededBy: undefined,
          });
        }
      }),
      RUNS,
    );
  });

  it("C-1: in contactHistory the entry current at T (provided ≤ T < superseded) is contactPointAt(T)", () => {
    fc.assert(
      fc.property(
        contactPointsArb,
        fc.constantFrom(...PARTY_IDS),
        fc.constantFrom(...KINDS),
        dateArb,
        (points, partyId, kind, at) => {
          const history = contactHistory(points, partyId).filter((h) => h.kind === kind);
          const current = history.filter(
            (h) =>
              h.providedAt.getTime() <= at.getTime() &&
              (h.supersededAt === undefined || h.supersededAt.getTime() > at.getTime()),
          );
          const expected = contactPointAt(points, partyId, kind, at);
          expect(current.length).toBe(expected ? 1 : 0);
          if (expected) expect(current[0]?.seq).toBe(expected.seq);
          // Each entry is superseded by the next one of the same kind, the last by none.
          history.forEach((h, i) => {
            const next = history[i + 1];
            expect(h.supersededBy).toBe(next?.seq);
            expect(h.supersededAt).toEqual(next?.providedAt);
          });
        },
      ),
      RUNS,
    );
  });
});
