import { describe, expect, it } from "vitest";
import { letterTypes } from "../../src/correspondence/letter-types.ts";
import {
  type DeadlineEvent,
  type DeadlinePassedNoteInput,
  deadlinePassedNote,
  effectiveDeadline,
  formatInstantWithZone,
  isDeadlinePassed,
  type SentNoteInput,
  sentNote,
} from "../../src/correspondence/notes.ts";
import { addDays } from "../../src/correspondence/rules.ts";

// ---------------------------------------------------------------------------------------------------
// Local factories

/** 10:15 EST in Toronto; already 00:15 on March 4 in Tokyo. */
const sentAt = new Date("2026-03-03T15:15:00Z");
const toronto = "America/Toronto";

const emailInput = (over: Partial<SentNoteInput> = {}): SentNoteInput => ({
  letterType: "request-documents",
  channel: "email",
  recipientName: "Amina Haddad",
  recipientRole: "applicant",
  // Mixed case on purpose: the note must show the address exactly as on file (C-5).
  address: "Amina.Haddad@Example.org",
  subject: "File E000000123: request for additional documents",
  body: "Dear Amina Haddad,\n\nWe need the following documents:\n\n- Police certificate\n\nSincerely,\n\nOttawa office",
  sentAt,
  timeZone: toronto,
  smtpReply: "250 2.0.0 Ok: queued as 4C1F2A0B3",
  deadline: "2026-04-02",
  ...over,
});

const postInput = (over: Partial<SentNoteInput> = {}): SentNoteInput =>
  emailInput({
    channel: "post",
    address: "1200, rue Sainte-Catherine Ouest\nMontréal (Québec)  H3B 1K9",
    smtpReply: undefined,
    ...over,
  });

const deadlineInput = (over: Partial<DeadlinePassedNoteInput> = {}): DeadlinePassedNoteInput => ({
  letterType: "request-documents",
  lineOfBusiness: "immigration",
  channel: "email",
  recipientRole: "applicant",
  sentAt,
  deadline: "2026-04-02",
  timeZone: toronto,
  outcome: "did-not-comply",
  ...over,
});

/** Every combination of what the C-14 note depends on. */
const allDeadlineInputs: DeadlinePassedNoteInput[] = (
  ["request-documents", "interview-convocation"] as const
).flatMap((letterType) =>
  (["immigration", "citizenship", "refugee"] as const).flatMap((lineOfBusiness) =>
    (["email", "post"] as const).flatMap((channel) =>
      (["applicant", "representative"] as const).flatMap((recipientRole) =>
        (["did-not-comply", "asked-for-more-time"] as const).map((outcome) =>
          deadlineInput({ letterType, lineOfBusiness, channel, recipientRole, outcome }),
        ),
      ),
    ),
  ),
);

/** Left-over placeholders or holes: brackets of the seed's template, ((x)), {x}, undefined, NaN. */
const unfilled = /[[\]{}]|\(\(|\)\)|undefined|NaN|Invalid Date/;
/** B-5: nothing is ever said to be delivered, in either language. */
const deliveredEn = /deliver/i;
// "remis" as a word of its own: "entremise" is no claim of delivery.
const deliveredFr = /livr|(^|[^\p{L}])remis|reçu par le destinataire/iu;

// ---------------------------------------------------------------------------------------------------
// C-11

describe("C-11: the readable note of every sent correspondence", () => {
  it("C-11: an email's note gives date and time in the office's zone, named, in both languages", () => {
    const note = sentNote(emailInput());
    expect(note.en).toContain("Date and time sent: March 3, 2026 at 10:15 a.m. EST (America/Toronto)");
    expect(note.fr).toContain("Date et heure d’envoi : 3 mars 2026 à 10 h 15 HNE (America/Toronto)");
  });

  it("C-11: the time is the office's wall clock, so another office's zone can give another day", () => {
    const note = sentNote(emailInput({ timeZone: "Asia/Tokyo" }));
    expect(note.en).toContain("March 4, 2026 at 12:15 a.m.");
    expect(note.en).toContain("(Asia/Tokyo)");
    expect(note.fr).toContain("4 mars 2026 à 00 h 15");
    expect(note.fr).toContain("(Asia/Tokyo)");
  });

  it("C-11: an email's note names the address exactly as on file, the recipient and their role", () => {
    const note = sentNote(emailInput());
    expect(note.en).toContain("Channel: email to Amina.Haddad@Example.org\n");
    expect(note.fr).toContain("Mode d’envoi : courriel à Amina.Haddad@Example.org\n");
    expect(note.en).toContain("Recipient: Amina Haddad (applicant)");
    expect(note.fr).toContain("Destinataire : Amina Haddad (demandeur)");

    const rep = sentNote(
      emailInput({ recipientName: "Me Louise Tremblay", recipientRole: "representative" }),
    );
    expect(rep.en).toContain("Recipient: Me Louise Tremblay (representative)");
    expect(rep.fr).toContain("Destinataire : Me Louise Tremblay (représentant)");
  });

  it("C-11: the note gives the letter type, the deadline, the subject and the full content", () => {
    const input = emailInput();
    const note = sentNote(input);
    expect(note.en).toContain("Letter type: Request for additional documents");
    expect(note.fr).toContain("Type de lettre : Demande de documents supplémentaires");
    expect(note.en).toContain("Response deadline: April 2, 2026");
    expect(note.fr).toContain("Délai fixé pour répondre : 2 avril 2026");
    expect(note.en).toContain(`Subject: ${input.subject}`);
    expect(note.fr).toContain(`Objet : ${input.subject}`);
    // The whole body, verbatim, at the end.
    expect(note.en.endsWith(`Content:\n\n${input.body}`)).toBe(true);
    expect(note.fr.endsWith(`Contenu :\n\n${input.body}`)).toBe(true);
  });

  it("C-11: an interview convocation's deadline is named as the interview date", () => {
    const note = sentNote(emailInput({ letterType: "interview-convocation" }));
    expect(note.en).toContain("Letter type: Convocation to an interview");
    expect(note.en).toContain("Interview date: April 2, 2026");
    expect(note.fr).toContain("Type de lettre : Convocation à une entrevue");
    expect(note.fr).toContain("Date de l’entrevue : 2 avril 2026");
  });

  it("C-11: a letter without a deadline has no deadline line", () => {
    const note = sentNote(emailInput({ letterType: "approval", deadline: undefined }));
    expect(note.en).toContain("Letter type: Approval letter");
    expect(note.en).not.toMatch(/deadline|Interview date/i);
    expect(note.fr).not.toMatch(/Délai|entrevue/);
  });

  it("C-11, B-5: an email's note quotes the server's acceptance and never says delivered", () => {
    const note = sentNote(emailInput());
    expect(note.en).toContain(
      "SMTP acceptance: accepted by the recipient's mail server at March 3, 2026 at 10:15 a.m. EST (America/Toronto): 250 2.0.0 Ok: queued as 4C1F2A0B3",
    );
    expect(note.fr).toContain(
      "Acceptation SMTP : message accepté par le serveur de courriel du destinataire le 3 mars 2026 à 10 h 15 HNE (America/Toronto) : 250 2.0.0 Ok: queued as 4C1F2A0B3",
    );
    expect(note.en).not.toMatch(deliveredEn);
    expect(note.fr).not.toMatch(deliveredFr);
  });

  it("C-11, B-5: the acceptance time is the one recorded, when it is recorded apart from the sending", () => {
    const note = sentNote(emailInput({ acceptedAt: new Date("2026-03-03T15:16:00Z") }));
    expect(note.en).toContain("accepted by the recipient's mail server at March 3, 2026 at 10:16 a.m. EST");
    expect(note.en).toContain("Date and time sent: March 3, 2026 at 10:15 a.m. EST");
  });

  it("C-11, B-5: an email without a recorded server reply says so, and claims nothing", () => {
    const note = sentNote(emailInput({ smtpReply: undefined }));
    expect(note.en).toContain("SMTP acceptance: no server reply is recorded");
    expect(note.fr).toContain("Acceptation SMTP : aucune réponse du serveur n’est consignée");
    expect(note.en).not.toMatch(/accepted by/);
    expect(note.en).not.toMatch(deliveredEn);
    expect(note.fr).not.toMatch(deliveredFr);
  });

  it("C-11, C-4: a postal letter's note gives the postal address as on file and no SMTP line", () => {
    const note = sentNote(postInput());
    expect(note.en).toContain(
      "Channel: post, to the postal address:\n    1200, rue Sainte-Catherine Ouest\n    Montréal (Québec)  H3B 1K9\n",
    );
    expect(note.fr).toContain(
      "Mode d’envoi : poste, à l’adresse postale :\n    1200, rue Sainte-Catherine Ouest\n    Montréal (Québec)  H3B 1K9\n",
    );
    expect(note.en).not.toMatch(/SMTP|email/);
    expect(note.fr).not.toMatch(/SMTP|courriel/);
    expect(note.en).not.toMatch(deliveredEn);
    expect(note.fr).not.toMatch(deliveredFr);
  });

  it("C-11, C-9: every letter type is named in both languages, and nothing is left unfilled", () => {
    for (const letterType of letterTypes) {
      for (const input of [emailInput({ letterType }), postInput({ letterType })]) {
        const note = sentNote(input);
        expect(note.en).toMatch(/^Letter type: \S.+$/m);
        expect(note.fr).toMatch(/^Type de lettre : \S.+$/m);
        expect(note.en).not.toMatch(unfilled);
        expect(note.fr).not.toMatch(unfilled);
      }
    }
  });

  it("C-11: a malformed deadline is refused rather than written as nonsense", () => {
    expect(() => sentNote(emailInput({ deadline: "2026-02-30" }))).toThrow(RangeError);
  });

  it("C-11: the zone is named once when its short name is its identifier", () => {
    expect(formatInstantWithZone("en", sentAt, "UTC")).toBe("March 3, 2026 at 3:15 p.m. UTC");
  });
});

// ---------------------------------------------------------------------------------------------------
// C-14

describe("C-14: the mandated note when a deadline passes", () => {
  it("C-14: seed 001's case (email, documents, immigration, did not comply) is the seed's wording, filled in", () => {
    const note = deadlinePassedNote(deadlineInput());
    expect(note.fr).toBe(
      "Un courriel a été envoyé au demandeur le 3 mars 2026 à 10 h 15 HNE (America/Toronto) dans le but d’obtenir des documents supplémentaires au plus tard le 2 avril 2026. " +
        "Le demandeur a également été informé que s’il ne fournit pas les documents requis, sa demande pourrait être rejetée. " +
        "Le demandeur a omis de se conformer à la demande.",
    );
    expect(note.en).toBe(
      "An email was sent to the applicant on March 3, 2026 at 10:15 a.m. EST (America/Toronto) to obtain additional documents by April 2, 2026. " +
        "The applicant was also informed that if they did not provide the required documents, the application could be refused. " +
        "The applicant did not comply with the request.",
    );
  });

  it("C-14: the French keeps each sentence of seed 000's mandated note", () => {
    // Seed 000 "Pratiques obligatoires", the alternatives of its brackets.
    const docs = deadlinePassedNote(deadlineInput()).fr;
    expect(docs).toMatch(
      /^Un courriel a été envoyé au demandeur .* dans le but d’obtenir des documents supplémentaires/,
    );
    expect(docs).toContain(
      "Le demandeur a également été informé que s’il ne fournit pas les documents requis",
    );
    expect(docs).toContain("sa demande pourrait être rejetée");
    expect(docs).toContain("Le demandeur a omis de se conformer à la demande.");

    const interview = deadlinePassedNote(
      deadlineInput({ letterType: "interview-convocation", outcome: "asked-for-more-time" }),
    ).fr;
    expect(interview).toContain("dans le but de le convoquer à une entrevue fixée au 2 avril 2026");
    expect(interview).toContain("s’il ne se présente pas à l’entrevue");
    expect(interview).toContain("Le demandeur a demandé un délai supplémentaire");

    const moreTime = deadlinePassedNote(deadlineInput({ outcome: "asked-for-more-time" })).fr;
    expect(moreTime).toContain(
      "Le demandeur a demandé un délai supplémentaire pour fournir les renseignements demandés.",
    );
  });

  it("C-14: a convocation says interview and attendance, in both languages", () => {
    const note = deadlinePassedNote(deadlineInput({ letterType: "interview-convocation" }));
    expect(note.en).toContain("to convoke them to an interview set for April 2, 2026");
    expect(note.en).toContain("if they did not attend the interview");
    expect(note.en).not.toContain("documents");
    expect(note.fr).not.toContain("documents");
  });

  it("C-14, C-15: an extension request reads as asking for more time, in both languages", () => {
    const docs = deadlinePassedNote(deadlineInput({ outcome: "asked-for-more-time" }));
    expect(docs.en).toContain("The applicant asked for more time to provide the requested information.");
    expect(docs.en).not.toContain("did not comply");
    expect(docs.fr).not.toContain("omis");
    const interview = deadlinePassedNote(
      deadlineInput({ letterType: "interview-convocation", outcome: "asked-for-more-time" }),
    );
    expect(interview.en).toContain("The applicant asked for more time to attend the interview.");
    expect(interview.fr).toContain(
      "Le demandeur a demandé un délai supplémentaire pour se présenter à l’entrevue.",
    );
  });

  it("C-14: the consequence follows the line of business: refused, abandoned, or a refugee claim's abandonment", () => {
    const immigration = deadlinePassedNote(deadlineInput({ lineOfBusiness: "immigration" }));
    expect(immigration.en).toContain("the application could be refused.");
    expect(immigration.fr).toContain("sa demande pourrait être rejetée.");

    const citizenship = deadlinePassedNote(deadlineInput({ lineOfBusiness: "citizenship" }));
    expect(citizenship.en).toContain("the application could be declared abandoned.");
    expect(citizenship.fr).toContain("sa demande pourrait être déclarée abandonnée.");
    expect(citizenship.en).not.toContain("refused");

    // IRPA s. 168(1) and RPD Rules r. 65: the claim is "declared abandoned"; in French, "désistement".
    const refugee = deadlinePassedNote(deadlineInput({ lineOfBusiness: "refugee" }));
    expect(refugee.en).toContain("An email was sent to the claimant on");
    expect(refugee.en).toContain("the claim could be declared abandoned.");
    expect(refugee.en).toContain("The claimant did not comply with the request.");
    expect(refugee.fr).toContain("Un courriel a été envoyé au demandeur d’asile le");
    expect(refugee.fr).toContain("sa demande d’asile pourrait faire l’objet d’un désistement.");
    expect(refugee.fr).toContain("Le demandeur d’asile a omis de se conformer à la demande.");
  });

  it("C-14, C-4: a postal letter is said to be a letter sent by post, never an email", () => {
    const note = deadlinePassedNote(deadlineInput({ channel: "post" }));
    expect(note.en).toMatch(/^A letter was sent by post to the applicant on March 3, 2026/);
    expect(note.fr).toMatch(/^Une lettre a été envoyée par la poste au demandeur le 3 mars 2026/);
    expect(note.en).not.toMatch(/email/i);
    expect(note.fr).not.toMatch(/courriel/i);
  });

  it("C-14, C-3: a letter sent to the representative says so, and that the applicant was told through them", () => {
    const note = deadlinePassedNote(deadlineInput({ recipientRole: "representative" }));
    expect(note.en).toMatch(/^An email was sent to the applicant's representative on /);
    expect(note.en).toContain("The applicant was also informed, through their representative, that");
    expect(note.fr).toMatch(/^Un courriel a été envoyé au représentant du demandeur le /);
    expect(note.fr).toContain(
      "Le demandeur a également été informé, par l’entremise de son représentant, que",
    );

    const interview = deadlinePassedNote(
      deadlineInput({ recipientRole: "representative", letterType: "interview-convocation" }),
    );
    expect(interview.en).toContain("to convoke the applicant to an interview");
    expect(interview.fr).toContain("dans le but de convoquer le demandeur à une entrevue");
  });

  it("C-14: the date sent is written in the office's zone, named", () => {
    const note = deadlinePassedNote(deadlineInput({ timeZone: "Asia/Tokyo" }));
    expect(note.en).toContain("on March 4, 2026 at 12:15 a.m.");
    expect(note.en).toContain("(Asia/Tokyo)");
    expect(note.fr).toContain("le 4 mars 2026 à 00 h 15");
  });

  it("C-14, B-5: every combination is filled in, dated, in both languages, and never says delivered", () => {
    expect(allDeadlineInputs).toHaveLength(48);
    for (const input of allDeadlineInputs) {
      const note = deadlinePassedNote(input);
      for (const text of [note.en, note.fr]) {
        expect(text).not.toMatch(unfilled);
        expect(text.endsWith(".")).toBe(true);
      }
      expect(note.en).toContain("March 3, 2026");
      expect(note.en).toContain("April 2, 2026");
      expect(note.fr).toContain("3 mars 2026");
      expect(note.fr).toContain("2 avril 2026");
      expect(note.en).not.toMatch(deliveredEn);
      expect(note.fr).not.toMatch(deliveredFr);
    }
  });

  it("C-14: a malformed deadline is refused", () => {
    expect(() => deadlinePassedNote(deadlineInput({ deadline: "02/04/2026" }))).toThrow(RangeError);
  });
});

// ---------------------------------------------------------------------------------------------------
// C-15

const at = (iso: string) => new Date(`${iso}T12:00:00Z`);

describe("C-15: responses and extensions stop or move the deadline", () => {
  it("C-15: with nothing recorded, the original deadline runs", () => {
    expect(effectiveDeadline("2026-04-02", [])).toEqual({ deadline: "2026-04-02", stoppedBy: undefined });
  });

  it("C-15: the deadline day itself is in time; the day after, the deadline has passed", () => {
    const effective = effectiveDeadline("2026-04-02", []);
    expect(isDeadlinePassed(effective, "2026-04-01")).toBe(false);
    expect(isDeadlinePassed(effective, "2026-04-02")).toBe(false);
    expect(isDeadlinePassed(effective, "2026-04-03")).toBe(true);
    expect(isDeadlinePassed(effective, "2027-01-01")).toBe(true);
  });

  it("C-15: the edge holds across month and year ends", () => {
    for (const deadline of ["2026-01-31", "2026-02-28", "2028-02-29", "2026-12-31"]) {
      const effective = effectiveDeadline(deadline, []);
      expect(isDeadlinePassed(effective, deadline)).toBe(false);
      expect(isDeadlinePassed(effective, addDays(deadline, 1))).toBe(true);
    }
  });

  it("C-15: an extension moves the deadline: the day after the original is still in time", () => {
    const effective = effectiveDeadline("2026-04-02", [
      { kind: "extension-recorded", newDeadline: "2026-05-02", at: at("2026-03-20") },
    ]);
    expect(effective).toEqual({ deadline: "2026-05-02", stoppedBy: undefined });
    expect(isDeadlinePassed(effective, "2026-04-03")).toBe(false);
    expect(isDeadlinePassed(effective, "2026-05-02")).toBe(false);
    expect(isDeadlinePassed(effective, "2026-05-03")).toBe(true);
  });

  it("C-15: of two extensions, the latest recorded wins, even when it gives less time", () => {
    const later: DeadlineEvent[] = [
      { kind: "extension-recorded", newDeadline: "2026-05-02", at: at("2026-03-20") },
      { kind: "extension-recorded", newDeadline: "2026-06-01", at: at("2026-04-25") },
    ];
    expect(effectiveDeadline("2026-04-02", later).deadline).toBe("2026-06-01");
    expect(isDeadlinePassed(effectiveDeadline("2026-04-02", later), "2026-05-03")).toBe(false);

    const shorter: DeadlineEvent[] = [
      { kind: "extension-recorded", newDeadline: "2026-06-01", at: at("2026-03-20") },
      { kind: "extension-recorded", newDeadline: "2026-05-02", at: at("2026-03-21") },
    ];
    expect(effectiveDeadline("2026-04-02", shorter).deadline).toBe("2026-05-02");
    expect(isDeadlinePassed(effectiveDeadline("2026-04-02", shorter), "2026-05-03")).toBe(true);
  });

  it("C-15: the history is read in the order recorded, not re-sorted by its dates", () => {
    const backdated: DeadlineEvent[] = [
      { kind: "extension-recorded", newDeadline: "2026-05-02", at: at("2026-03-25") },
      { kind: "extension-recorded", newDeadline: "2026-06-01", at: at("2026-03-20") },
    ];
    expect(effectiveDeadline("2026-04-02", backdated).deadline).toBe("2026-06-01");
  });

  it("C-15: a response stops the deadline: it never passes, however late it is", () => {
    const effective = effectiveDeadline("2026-04-02", [{ kind: "response-recorded", at: at("2026-03-30") }]);
    expect(effective).toEqual({ deadline: "2026-04-02", stoppedBy: "response" });
    expect(isDeadlinePassed(effective, "2026-04-03")).toBe(false);
    expect(isDeadlinePassed(effective, "2030-01-01")).toBe(false);
  });

  it("C-15: a response after an extension stops the extended deadline, which stays on record", () => {
    const effective = effectiveDeadline("2026-04-02", [
      { kind: "extension-recorded", newDeadline: "2026-05-02", at: at("2026-03-20") },
      { kind: "response-recorded", at: at("2026-04-20") },
    ]);
    expect(effective).toEqual({ deadline: "2026-05-02", stoppedBy: "response" });
    expect(isDeadlinePassed(effective, "2026-05-03")).toBe(false);
  });

  it("C-15: an extension recorded after a response does not restart a deadline already met", () => {
    const effective = effectiveDeadline("2026-04-02", [
      { kind: "response-recorded", at: at("2026-03-30") },
      { kind: "extension-recorded", newDeadline: "2026-05-02", at: at("2026-04-01") },
    ]);
    expect(effective).toEqual({ deadline: "2026-04-02", stoppedBy: "response" });
    expect(isDeadlinePassed(effective, "2026-06-01")).toBe(false);
  });

  it("C-15: malformed dates are refused, not compared as text", () => {
    expect(() => effectiveDeadline("2026-4-2", [])).toThrow(RangeError);
    expect(() =>
      effectiveDeadline("2026-04-02", [
        { kind: "extension-recorded", newDeadline: "2026-13-01", at: at("2026-03-20") },
      ]),
    ).toThrow(RangeError);
    expect(() => isDeadlinePassed(effectiveDeadline("2026-04-02", []), "2026-04-03T00:00")).toThrow(
      RangeError,
    );
  });
});
