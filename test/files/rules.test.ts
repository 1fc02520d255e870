import { describe, expect, it } from "vitest";
import type {
  ContactKind,
  ContactPoint,
  ContactSource,
  FileParties,
  Party,
  PartyId,
  RepresentationEvent,
  RepresentationKind,
} from "../../src/files/model.ts";
import {
  contactHistory,
  contactPointAt,
  emailConsentAt,
  emailConsentSources,
  isEmailConsent,
  partiesOf,
  representationAt,
  routeCorrespondence,
} from "../../src/files/rules.ts";

// ---------------------------------------------------------------------------------------------------
// Local factory: fixed instants, one applicant, two possible representatives.

const APPLICANT = "party-applicant" as PartyId;
const REP = "party-rep-1" as PartyId;
const REP2 = "party-rep-2" as PartyId;

const at = (iso: string): Date => new Date(iso);

const T_FORM = at("2026-01-05T14:00:00.000Z"); // application form received
const T_LETTER = at("2026-02-10T15:30:00.000Z"); // a letter is routed
const T_IMM = at("2026-03-01T09:00:00.000Z"); // IMM 5476 received
const T_LATER = at("2026-04-15T12:00:00.000Z");
const T_WITHDRAWN = at("2026-05-20T16:45:00.000Z");
const T_END = at("2026-09-30T23:59:59.000Z");

function party(id: PartyId, role: Party["role"] = id === APPLICANT ? "applicant" : "representative"): Party {
  return { id, role, name: id === APPLICANT ? "Amina Diallo" : `Counsel ${id}`, preferredLanguage: "fr" };
}

let nextSeq = 1;
function point(
  partyId: PartyId,
  kind: ContactKind,
  value: string,
  source: ContactSource,
  providedAt: Date,
  seq: number = nextSeq++,
): ContactPoint {
  return { seq, partyId, kind, value, source, providedAt };
}

function representation(
  representativeId: PartyId,
  kind: RepresentationKind,
  effectiveAt: Date,
  seq: number = nextSeq++,
): RepresentationEvent {
  return { seq, representativeId, kind, effectiveAt };
}

function fileOf(parts: Partial<FileParties> = {}): FileParties {
  return {
    applicant: parts.applicant ?? party(APPLICANT),
    representatives: parts.representatives ?? [],
    contactPoints: parts.contactPoints ?? [],
    representations: parts.representations ?? [],
  };
}

const applicantPostal = "Amina Diallo\n12 rue des Érables\nMontréal QC  H2X 1Y4";
const repPostal = "Me Jean Tremblay\n500 boul. René-Lévesque O.\nMontréal QC  H2Z 1W7";

/** Applicant with a form email and a postal address; a representative declared later with email. */
function representedFile(opts: { repEmail?: boolean; withdrawn?: boolean } = {}): FileParties {
  const repEmail = opts.repEmail ?? true;
  return fileOf({
    representatives: [party(REP)],
    contactPoints: [
      point(APPLICANT, "email", "amina@example.ca", "application-form", T_FORM),
      point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM),
      ...(repEmail ? [point(REP, "email", "counsel@cabinet.example", "imm5476", T_IMM)] : []),
      point(REP, "postal", repPostal, "imm5476", T_IMM),
    ],
    representations: [
      representation(REP, "declared", T_IMM),
      ...(opts.withdrawn ? [representation(REP, "withdrawn", T_WITHDRAWN)] : []),
    ],
  });
}

function ms(d: Date, delta: number): Date {
  return new Date(d.getTime() + delta);
}

// ---------------------------------------------------------------------------------------------------

describe("isEmailConsent (C-2)", () => {
  it("C-2: the consent sources are exactly application-form, imm5476 and client-email", () => {
    expect([...emailConsentSources].sort()).toEqual(["application-form", "client-email", "imm5476"]);
  });

  it.each(["application-form", "imm5476", "client-email"] as const)(
    "C-2: an email address whose source is %s is consent",
    (source) => {
      expect(isEmailConsent({ kind: "email", source })).toBe(true);
    },
  );

  it.each(["phone", "client-letter"] as const)(
    "C-2: an email address given by %s is NOT consent",
    (source) => {
      expect(isEmailConsent({ kind: "email", source })).toBe(false);
    },
  );

  it.each(["application-form", "imm5476", "client-email", "phone", "client-letter"] as const)(
    "C-2: a postal address is never email consent, even from %s",
    (source) => {
      expect(isEmailConsent({ kind: "postal", source })).toBe(false);
    },
  );
});

describe("contactPointAt (contact points are history; C-1 routing input)", () => {
  it("C-1: returns undefined when the party gave no address of that kind", () => {
    const points = [point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM)];
    expect(contactPointAt(points, APPLICANT, "email", T_END)).toBeUndefined();
    expect(contactPointAt([], APPLICANT, "postal", T_END)).toBeUndefined();
  });

  it("C-1: an address provided after T is not in effect at T", () => {
    const p = point(APPLICANT, "email", "amina@example.ca", "application-form", T_LETTER);
    expect(contactPointAt([p], APPLICANT, "email", ms(T_LETTER, -1))).toBeUndefined();
    expect(contactPointAt([p], APPLICANT, "email", T_LETTER)).toBe(p);
  });

  it("C-1: the latest address provided at or before T is the one in effect", () => {
    const first = point(APPLICANT, "email", "old@example.ca", "application-form", T_FORM);
    const second = point(APPLICANT, "email", "new@example.ca", "client-email", T_IMM);
    const third = point(APPLICANT, "email", "newest@example.ca", "client-email", T_WITHDRAWN);
    // Deliberately out of order in the array.
    const points = [third, first, second];
    expect(contactPointAt(points, APPLICANT, "email", T_LETTER)).toBe(first);
    expect(contactPointAt(points, APPLICANT, "email", T_IMM)).toBe(second);
    expect(contactPointAt(points, APPLICANT, "email", T_LATER)).toBe(second);
    expect(contactPointAt(points, APPLICANT, "email", T_END)).toBe(third);
  });

  it("C-1: an address superseded in the same second: the higher seq wins, whatever the array order", () => {
    const t = at("2026-03-10T10:00:00.000Z");
    const older = point(APPLICANT, "postal", "Old line 1\nOld line 2", "client-letter", T_FORM, 10);
    const a = point(APPLICANT, "postal", "A line 1\nA line 2", "client-letter", t, 20);
    const b = point(APPLICANT, "postal", "B line 1\nB line 2", "phone", t, 21);
    for (const points of [
      [older, a, b],
      [b, a, older],
      [a, older, b],
    ]) {
      // At exactly providedAt, the new point applies, and among the two the higher seq.
      expect(contactPointAt(points, APPLICANT, "postal", t)).toBe(b);
      // One millisecond before, the old one.
      expect(contactPointAt(points, APPLICANT, "postal", ms(t, -1))).toBe(older);
      expect(contactPointAt(points, APPLICANT, "postal", ms(t, 1))).toBe(b);
    }
  });

  it("C-1: keeps kinds and parties apart", () => {
    const email = point(APPLICANT, "email", "amina@example.ca", "application-form", T_FORM);
    const postal = point(APPLICANT, "postal", applicantPostal, "application-form", ms(T_FORM, 1000));
    const repEmail = point(REP, "email", "counsel@cabinet.example", "imm5476", ms(T_FORM, 2000));
    const points = [email, postal, repEmail];
    expect(contactPointAt(points, APPLICANT, "email", T_END)).toBe(email);
    expect(contactPointAt(points, APPLICANT, "postal", T_END)).toBe(postal);
    expect(contactPointAt(points, REP, "email", T_END)).toBe(repEmail);
    expect(contactPointAt(points, REP, "postal", T_END)).toBeUndefined();
  });
});

describe("contactHistory (contact points are history, never overwritten)", () => {
  it("C-1: lists a party's points in effect order with when and by what each was superseded", () => {
    const e1 = point(APPLICANT, "email", "one@example.ca", "application-form", T_FORM, 1);
    const p1 = point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM, 2);
    const e2 = point(APPLICANT, "email", "two@example.ca", "client-email", T_IMM, 5);
    const other = point(REP, "email", "counsel@cabinet.example", "imm5476", T_IMM, 4);
    const e3 = point(APPLICANT, "email", "three@example.ca", "phone", T_LATER, 7);
    const history = contactHistory([e3, other, e2, p1, e1], APPLICANT);
    expect(history.map((h) => h.seq)).toEqual([1, 2, 5, 7]);
    expect(history.map((h) => [h.value, h.supersededAt, h.supersededBy])).toEqual([
      ["one@example.ca", T_IMM, 5],
      [applicantPostal, undefined, undefined],
      ["two@example.ca", T_LATER, 7],
      ["three@example.ca", undefined, undefined],
    ]);
  });

  it("C-1: two points provided in the same second: the lower seq is superseded at that very instant", () => {
    const t = at("2026-03-10T10:00:00.000Z");
    const a = point(APPLICANT, "email", "a@example.ca", "client-email", t, 31);
    const b = point(APPLICANT, "email", "b@example.ca", "client-email", t, 30);
    const history = contactHistory([a, b], APPLICANT);
    expect(history.map((h) => h.seq)).toEqual([30, 31]);
    expect(history[0]?.supersededAt).toEqual(t);
    expect(history[0]?.supersededBy).toBe(31);
    expect(history[1]?.supersededAt).toBeUndefined();
  });

  it("C-1: the history keeps every field of the stored point unchanged", () => {
    const p = point(APPLICANT, "email", "  Amina.Diallo@Example.CA ", "application-form", T_FORM, 3);
    const [h] = contactHistory([p], APPLICANT);
    expect(h).toEqual({ ...p, supersededAt: undefined, supersededBy: undefined });
  });

  it("C-1: a party with no points has an empty history", () => {
    const p = point(REP, "email", "counsel@cabinet.example", "imm5476", T_FORM);
    expect(contactHistory([p], APPLICANT)).toEqual([]);
  });
});

describe("representationAt (C-3)", () => {
  it("C-3: no IMM 5476 on file means no representative", () => {
    expect(representationAt([], T_END)).toBeUndefined();
  });

  it("C-3: the representative is in force from the instant the IMM 5476 was received, not before", () => {
    const events = [representation(REP, "declared", T_IMM)];
    expect(representationAt(events, ms(T_IMM, -1))).toBeUndefined();
    expect(representationAt(events, T_IMM)).toEqual({ representativeId: REP, since: T_IMM });
    expect(representationAt(events, T_END)).toEqual({ representativeId: REP, since: T_IMM });
  });

  it("C-3: a withdrawal ends the representation from its instant", () => {
    const events = [representation(REP, "withdrawn", T_WITHDRAWN), representation(REP, "declared", T_IMM)];
    expect(representationAt(events, ms(T_WITHDRAWN, -1))).toEqual({ representativeId: REP, since: T_IMM });
    expect(representationAt(events, T_WITHDRAWN)).toBeUndefined();
    expect(representationAt(events, T_END)).toBeUndefined();
  });

  it("C-3: a new IMM 5476 for another representative replaces the first", () => {
    const events = [representation(REP, "declared", T_IMM), representation(REP2, "declared", T_LATER)];
    expect(representationAt(events, ms(T_LATER, -1))?.representativeId).toBe(REP);
    expect(representationAt(events, T_LATER)).toEqual({ representativeId: REP2, since: T_LATER });
  });

  it("C-3: declared and withdrawn in the same instant are ordered by seq", () => {
    const t = at("2026-03-10T10:00:00.000Z");
    const declaredThenWithdrawn = [
      representation(REP, "withdrawn", t, 2),
      representation(REP, "declared", t, 1),
    ];
    expect(representationAt(declaredThenWithdrawn, t)).toBeUndefined();
    const withdrawnThenDeclared = [
      representation(REP, "declared", t, 2),
      representation(REP, "withdrawn", t, 1),
    ];
    expect(representationAt(withdrawnThenDeclared, t)).toEqual({ representativeId: REP, since: t });
  });

  it("C-3: a representative declared again after a withdrawal is in force since the new declaration", () => {
    const events = [
      representation(REP, "declared", T_IMM),
      representation(REP, "withdrawn", T_LATER),
      representation(REP, "declared", T_WITHDRAWN),
    ];
    expect(representationAt(events, T_LATER)).toBeUndefined();
    expect(representationAt(events, T_END)).toEqual({ representativeId: REP, since: T_WITHDRAWN });
  });
});

describe("routeCorrespondence", () => {
  describe("C-1 / C-2: the applicant, unrepresented", () => {
    it("C-1: an email from the application form routes the letter to the applicant by email", () => {
      const email = point(APPLICANT, "email", "amina@example.ca", "application-form", T_FORM);
      const file = fileOf({
        contactPoints: [email, point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM)],
      });
      const r = routeCorrespondence(file, T_LETTER);
      expect(r).toEqual({
        channel: "email",
        reason: "applicant-email",
        recipient: file.applicant,
        address: "amina@example.ca",
        contactPoint: email,
        representedSince: undefined,
      });
    });

    it("C-2: client-initiated email (source client-email) is consent: the letter goes by email", () => {
      const file = fileOf({
        contactPoints: [
          point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM),
          point(APPLICANT, "email", "amina.writes@example.ca", "client-email", T_FORM),
        ],
      });
      const r = routeCorrespondence(file, T_LETTER);
      expect(r.channel).toBe("email");
      expect(r.reason).toBe("applicant-email");
      expect(r.channel !== "none" && r.address).toBe("amina.writes@example.ca");
    });

    it.each(["phone", "client-letter"] as const)(
      "C-2: an email given by %s is NOT consent, so the letter goes by post (C-1, C-4)",
      (source) => {
        const postal = point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM);
        const file = fileOf({
          contactPoints: [postal, point(APPLICANT, "email", "amina@example.ca", source, T_FORM)],
        });
        const r = routeCorrespondence(file, T_LETTER);
        expect(r).toEqual({
          channel: "post",
          reason: "applicant-post",
          recipient: file.applicant,
          address: applicantPostal,
          contactPoint: postal,
          representedSince: undefined,
        });
        expect(emailConsentAt(file, APPLICANT, T_LETTER)).toEqual({ consented: false });
      },
    );

    it("C-2: a later email given by phone replaces the consented one: the letter goes by post", () => {
      const postal = point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM);
      const file = fileOf({
        contactPoints: [
          point(APPLICANT, "email", "amina@example.ca", "application-form", T_FORM),
          postal,
          point(APPLICANT, "email", "amina.new@example.ca", "phone", T_IMM),
        ],
      });
      expect(routeCorrespondence(file, T_LETTER).channel).toBe("email");
      const after = routeCorrespondence(file, T_LATER);
      expect(after.channel).toBe("post");
      expect(after.reason).toBe("applicant-post");
      expect(after.channel !== "none" && after.contactPoint).toBe(postal);
    });

    it("C-4: without any email address the letter goes to the applicant by post", () => {
      const postal = point(APPLICANT, "postal", applicantPostal, "client-letter", T_FORM);
      const r = routeCorrespondence(fileOf({ contactPoints: [postal] }), T_LETTER);
      expect(r.channel).toBe("post");
      expect(r.reason).toBe("applicant-post");
      expect(r.channel !== "none" && r.address).toBe(applicantPostal);
    });

    it("C-4: no address at all gives channel none, reason no-address", () => {
      const file = fileOf();
      expect(routeCorrespondence(file, T_LETTER)).toEqual({
        channel: "none",
        reason: "no-address",
        recipient: file.applicant,
        representedSince: undefined,
      });
    });

    it("C-4: an email given by phone and no postal address gives no-address (never email without consent)", () => {
      const file = fileOf({
        contactPoints: [point(APPLICANT, "email", "amina@example.ca", "phone", T_FORM)],
      });
      const r = routeCorrespondence(file, T_LETTER);
      expect(r.channel).toBe("none");
      expect(r.reason).toBe("no-address");
    });

    it("C-4: addresses provided after the letter's instant are not used for it", () => {
      const file = fileOf({
        contactPoints: [point(APPLICANT, "email", "amina@example.ca", "application-form", T_LATER)],
      });
      expect(routeCorrespondence(file, T_LETTER).reason).toBe("no-address");
      expect(routeCorrespondence(file, T_LATER).reason).toBe("applicant-email");
    });

    it("C-1: the routed address is byte-for-byte the stored value (case and surrounding characters kept)", () => {
      const stored = "  Amina.DIALLO+Dossier@Example.CA\t";
      const file = fileOf({ contactPoints: [point(APPLICANT, "email", stored, "application-form", T_FORM)] });
      const r = routeCorrespondence(file, T_LETTER);
      expect(r.channel).toBe("email");
      if (r.channel === "none") throw new Error("expected an address");
      expect(r.address).toBe(stored);
      expect(Buffer.from(r.address, "utf8").equals(Buffer.from(stored, "utf8"))).toBe(true);
    });

    it("C-4: the routed postal address is byte-for-byte the stored value (line breaks and spaces kept)", () => {
      const stored = " Amina Diallo \r\n12 RUE des Érables\r\n\r\nMontréal QC  H2X 1Y4 ";
      const file = fileOf({ contactPoints: [point(APPLICANT, "postal", stored, "client-letter", T_FORM)] });
      const r = routeCorrespondence(file, T_LETTER);
      if (r.channel === "none") throw new Error("expected an address");
      expect(r.channel).toBe("post");
      expect(r.address).toBe(stored);
    });
  });

  describe("C-1: an address superseded in the same second", () => {
    const t = at("2026-03-10T10:00:00.000Z");
    const file = fileOf({
      contactPoints: [
        point(APPLICANT, "email", "old@example.ca", "application-form", T_FORM, 1),
        point(APPLICANT, "email", "first@example.ca", "client-email", t, 40),
        point(APPLICANT, "email", "second@example.ca", "client-email", t, 41),
        point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM, 2),
      ],
    });

    it("C-1: at T exactly equal to providedAt the new point with the higher seq applies", () => {
      const r = routeCorrespondence(file, t);
      expect(r.channel !== "none" && r.address).toBe("second@example.ca");
      expect(r.channel !== "none" && r.contactPoint.seq).toBe(41);
    });

    it("C-1: one millisecond before providedAt the old point applies", () => {
      const r = routeCorrespondence(file, ms(t, -1));
      expect(r.channel !== "none" && r.address).toBe("old@example.ca");
    });

    it("C-1: the same holds when the two points come in the other array order", () => {
      const reversed = { ...file, contactPoints: [...file.contactPoints].reverse() };
      const r = routeCorrespondence(reversed, t);
      expect(r.channel !== "none" && r.address).toBe("second@example.ca");
    });
  });

  describe("C-3: a representative on file", () => {
    it("C-3: an IMM 5476 with the representative's email routes everything to the representative", () => {
      const file = representedFile();
      const r = routeCorrespondence(file, T_LATER);
      expect(r).toEqual({
        channel: "email",
        reason: "representative-email",
        recipient: party(REP),
        address: "counsel@cabinet.example",
        contactPoint: file.contactPoints.find((p) => p.partyId === REP && p.kind === "email"),
        representedSince: T_IMM,
      });
    });

    it("C-3: representative added after a letter: before the IMM 5476 the applicant, after it the representative", () => {
      const file = representedFile();
      const before = routeCorrespondence(file, T_LETTER);
      expect(before.recipient.id).toBe(APPLICANT);
      expect(before.reason).toBe("applicant-email");
      expect(before.channel !== "none" && before.address).toBe("amina@example.ca");
      expect(before.representedSince).toBeUndefined();

      const justBefore = routeCorrespondence(file, ms(T_IMM, -1));
      expect(justBefore.recipient.id).toBe(APPLICANT);

      const atReceipt = routeCorrespondence(file, T_IMM);
      expect(atReceipt.recipient.id).toBe(REP);
      expect(atReceipt.reason).toBe("representative-email");

      const after = routeCorrespondence(file, T_LATER);
      expect(after.recipient.id).toBe(REP);
      expect(after.channel !== "none" && after.address).toBe("counsel@cabinet.example");
    });

    it("C-3: a representative without email gets everything by post (reason representative-post)", () => {
      const file = representedFile({ repEmail: false });
      const r = routeCorrespondence(file, T_LATER);
      expect(r).toEqual({
        channel: "post",
        reason: "representative-post",
        recipient: party(REP),
        address: repPostal,
        contactPoint: file.contactPoints.find((p) => p.partyId === REP && p.kind === "postal"),
        representedSince: T_IMM,
      });
    });

    it("C-3: the applicant's own consented email is not used while a representative is in force", () => {
      const file = representedFile({ repEmail: false });
      const r = routeCorrespondence(file, T_LATER);
      expect(r.recipient.id).not.toBe(APPLICANT);
      expect(r.channel !== "none" && r.address).not.toBe("amina@example.ca");
    });

    it("C-3: a representative with an email given by phone only (not consent, C-2) is written to by post", () => {
      const file = fileOf({
        representatives: [party(REP)],
        contactPoints: [
          point(APPLICANT, "email", "amina@example.ca", "application-form", T_FORM),
          point(REP, "postal", repPostal, "imm5476", T_IMM),
          point(REP, "email", "counsel@cabinet.example", "phone", T_IMM),
        ],
        representations: [representation(REP, "declared", T_IMM)],
      });
      const r = routeCorrespondence(file, T_LATER);
      expect(r.channel).toBe("post");
      expect(r.reason).toBe("representative-post");
      expect(r.channel !== "none" && r.address).toBe(repPostal);
    });

    it("C-3: a representative with no address at all gives no-address for the representative, not the applicant", () => {
      const file = fileOf({
        representatives: [party(REP)],
        contactPoints: [point(APPLICANT, "email", "amina@example.ca", "application-form", T_FORM)],
        representations: [representation(REP, "declared", T_IMM)],
      });
      const r = routeCorrespondence(file, T_LATER);
      expect(r).toEqual({
        channel: "none",
        reason: "no-address",
        recipient: party(REP),
        representedSince: T_IMM,
      });
    });

    it("C-3: representative withdrawn: correspondence goes back to the applicant from the withdrawal", () => {
      const file = representedFile({ withdrawn: true });
      const before = routeCorrespondence(file, ms(T_WITHDRAWN, -1));
      expect(before.recipient.id).toBe(REP);
      expect(before.reason).toBe("representative-email");

      const r = routeCorrespondence(file, T_WITHDRAWN);
      expect(r.recipient.id).toBe(APPLICANT);
      expect(r.reason).toBe("applicant-email");
      expect(r.channel !== "none" && r.address).toBe("amina@example.ca");
      expect(r.representedSince).toBeUndefined();

      expect(routeCorrespondence(file, T_END).recipient.id).toBe(APPLICANT);
    });

    it("C-3: after a change of representative, the new one receives everything at their own address", () => {
      const file = fileOf({
        representatives: [party(REP), party(REP2)],
        contactPoints: [
          point(APPLICANT, "postal", applicantPostal, "application-form", T_FORM),
          point(REP, "email", "counsel@cabinet.example", "imm5476", T_IMM),
          point(REP2, "email", "autre@avocats.example", "imm5476", T_LATER),
        ],
        representations: [representation(REP, "declared", T_IMM), representation(REP2, "declared", T_LATER)],
      });
      const first = routeCorrespondence(file, ms(T_LATER, -1));
      expect(first.channel !== "none" && first.address).toBe("counsel@cabinet.example");
      const second = routeCorrespondence(file, T_LATER);
      expect(second.recipient.id).toBe(REP2);
      expect(second.channel !== "none" && second.address).toBe("autre@avocats.example");
      expect(second.representedSince).toEqual(T_LATER);
    });

    it("C-3: the representative's routed address is byte-for-byte the stored value", () => {
      const stored = "Counsel.Office@Cabinet-Tremblay.EXAMPLE";
      const file = fileOf({
        representatives: [party(REP)],
        contactPoints: [point(REP, "email", stored, "imm5476", T_IMM)],
        representations: [representation(REP, "declared", T_IMM)],
      });
      const r = routeCorrespondence(file, T_LATER);
      if (r.channel === "none") throw new Error("expected an address");
      expect(r.address).toBe(stored);
    });
  });
});

describe("emailConsentAt (C-1, C-2)", () => {
  it("C-2: consent from the application form, since the instant the address was provided", () => {
    const file = representedFile();
    expect(emailConsentAt(file, APPLICANT, T_LETTER)).toEqual({
      consented: true,
      source: "application-form",
      since: T_FORM,
    });
  });

  it("C-2: consent from an IMM 5476 for the representative, from the instant it was received", () => {
    const file = representedFile();
    expect(emailConsentAt(file, REP, ms(T_IMM, -1))).toEqual({ consented: false });
    expect(emailConsentAt(file, REP, T_IMM)).toEqual({ consented: true, source: "imm5476", since: T_IMM });
  });

  it("C-2: client-initiated email is consent", () => {
    const file = fileOf({
      contactPoints: [point(APPLICANT, "email", "amina@example.ca", "client-email", T_LETTER)],
    });
    expect(emailConsentAt(file, APPLICANT, T_LATER)).toEqual({
      consented: true,
      source: "client-email",
      since: T_LETTER,
    });
  });

  it("C-1: no email address means no consent, even with a postal address", () => {
    const file = fileOf({ contactPoints: [point(APPLICANT, "postal", applicantPostal, "imm5476", T_FORM)] });
    expect(emailConsentAt(file, APPLICANT, T_END)).toEqual({ consented: false });
  });

  it("C-2: a later email given by phone means no consent from then on", () => {
    const file = fileOf({
      contactPoints: [
        point(APPLICANT, "email", "amina@example.ca", "application-form", T_FORM),
        point(APPLICANT, "email", "amina.new@example.ca", "phone", T_LATER),
      ],
    });
    expect(emailConsentAt(file, APPLICANT, ms(T_LATER, -1)).consented).toBe(true);
    expect(emailConsentAt(file, APPLICANT, T_LATER)).toEqual({ consented: false });
  });
});

describe("partiesOf", () => {
  it("C-3: the applicant first, then every representative ever declared", () => {
    const file = representedFile();
    expect(partiesOf(file).map((p) => p.id)).toEqual([APPLICANT, REP]);
  });
});
