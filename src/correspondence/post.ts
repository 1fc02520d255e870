import { and, asc, eq, exists, inArray, or } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import { correspondence, correspondenceEvents, fileNotes } from "../db/schema/correspondence.ts";
import { applications } from "../db/schema/files.ts";
import { AppError } from "../errors.ts";
import { readableOffices } from "../files/access.ts";
import type { ApplicationId } from "../files/model.ts";
import { contactPointAt } from "../files/rules.ts";
import type { Deps, StaffContext } from "../files/service.ts";
import { findApplicationById, findOffice, loadFileParties } from "../files/store.ts";
import { instantToWallTime, wallTimeToInstant } from "../time-zones.ts";
import { noteSha256 } from "./letter-content.ts";
import { sentNote } from "./notes.ts";
import { renderPostalLetter } from "./postal-letter.ts";
import { openLetter } from "./service.ts";
import {
  appendLetterEvent,
  attachmentsOf,
  eventsOfLetters,
  type LetterEvent,
  type LetterRow,
  stateOf,
} from "./store.ts";

// The postal queue (C-4, C-13, C-17): letters that go by post are printed from a PDF, mailed by staff,
// and recorded the same way as an email: a state event, a readable note, an audit event.

/** Letters waiting to be printed and mailed in this person's offices, oldest first. */
export async function postalQueue(deps: Deps, staff: StaffContext) {
  const offices = readableOffices(staff.postings);
  if (offices.length === 0) return [];
  const rerouted = deps.db
    .select({ id: correspondenceEvents.correspondenceId })
    .from(correspondenceEvents)
    .where(
      and(
        eq(correspondenceEvents.correspondenceId, correspondence.id),
        eq(correspondenceEvents.kind, "routed-to-post"),
      ),
    );
  // The office that holds the file now prints its letters, even one written before a transfer (C-21).
  const letters = (
    await deps.db
      .select({ letter: correspondence })
      .from(correspondence)
      .innerJoin(applications, eq(applications.id, correspondence.applicationId))
      .where(
        and(
          inArray(applications.officeCode, offices),
          or(eq(correspondence.channel, "post"), exists(rerouted)),
        ),
      )
      .orderBy(asc(correspondence.createdAt))
      .limit(1000)
  ).map((r) => r.letter);
  const events = await eventsOfLetters(
    deps.db,
    letters.map((l) => l.id),
  );
  return letters
    .map((letter) => ({ letter, events: events.get(letter.id) ?? [] }))
    .filter((l) => awaitsPost(l.letter, l.events));
}

/**
 * Where the paper goes: the letter's own address when it was written for the post; for an email that
 * ended up going by post (refused, too large), the recipient's postal address in force now.
 */
async function postalAddressOf(deps: Deps, letter: LetterRow): Promise<string> {
  if (letter.channel === "post") return letter.address;
  const parties = await loadFileParties(deps.db, letter.applicationId as ApplicationId);
  const postal =
    parties &&
    contactPointAt(parties.contactPoints, letter.recipientPartyId as never, "postal", deps.clock.now());
  if (!postal) throw new AppError("NO_ADDRESS");
  return postal.value;
}

async function openPostalLetter(deps: Deps, staff: StaffContext, id: string) {
  const opened = await openLetter(deps, staff, id);
  const goesByPost =
    opened.letter.channel === "post" || opened.events.some((e) => e.kind === "routed-to-post");
  if (!goesByPost) throw new AppError("NOT_FOUND");
  return opened;
}

/** The printable letter (PDF), in the letter's language, with the postal address in the envelope window. */
export async function postalLetterPdf(deps: Deps, staff: StaffContext, id: string): Promise<Buffer> {
  const { letter, events } = await openPostalLetter(deps, staff, id);
  const [office, application] = await Promise.all([
    findOffice(deps.db, letter.officeCode),
    findApplicationById(deps.db, letter.applicationId),
  ]);
  if (!office || !application) throw new AppError("NOT_FOUND");
  const generated = events.find((e) => e.kind === "generated");
  return renderPostalLetter({
    letterId: letter.id,
    fileNumber: application.number,
    office: { nameEn: office.nameEn, nameFr: office.nameFr, genericMailbox: office.genericMailbox },
    recipientName: letter.recipientName,
    postalAddress: await postalAddressOf(deps, letter),
    language: letter.language,
    date: generated?.at ?? letter.createdAt,
    timeZone: office.timeZone,
    subject: letter.subject,
    body: letter.body,
    ...(letter.deadline ? { deadline: letter.deadline } : {}),
  });
}

/** Staff mailed the printed letter on this day (office calendar): the letter is delivered by post (C-12). */
export async function markPosted(deps: Deps, staff: StaffContext, id: string, form: Record<string, unknown>) {
  const { letter, canAct } = await openPostalLetter(deps, staff, id);
  if (!canAct) throw new AppError("ROLE_NOT_ALLOWED");
  if (!awaitsPost(letter, await letterEventsOf(deps, id))) throw new AppError("LETTER_NOT_IN_STATE");
  const office = await findOffice(deps.db, letter.officeCode);
  if (!office) throw new AppError("NOT_FOUND");
  const now = deps.clock.now();
  const postedOn = typeof form.postedOn === "string" ? form.postedOn.trim() : "";
  const today = instantToWallTime(now, office.timeZone).slice(0, 10);
  if (!postedOn) throw new AppError("REQUIRED", [{ field: "postedOn", code: "REQUIRED" }]);
  const postedAt = wallTimeToInstant(`${postedOn}T12:00`, office.timeZone);
  if (!postedAt) throw new AppError("INVALID_DATE", [{ field: "postedOn", code: "INVALID_DATE" }]);
  if (postedOn > today) throw new AppError("DATE_IN_FUTURE", [{ field: "postedOn", code: "DATE_IN_FUTURE" }]);
  const address = await postalAddressOf(deps, letter);
  // The note's time is the day it was mailed; noon stands for "that day" without claiming an hour.
  const sentAt = postedOn === today ? now : postedAt;
  const note = sentNote({
    letterType: letter.letterType,
    channel: "post",
    recipientName: letter.recipientName,
    recipientRole: letter.recipientRole,
    address,
    subject: letter.subject,
    body: letter.body,
    sentAt,
    timeZone: office.timeZone,
    ...(letter.deadline ? { deadline: letter.deadline } : {}),
    attachments: await attachmentsOf(deps.db, letter.id),
  });
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  await deps.db.transaction(async (tx) => {
    await appendLetterEvent(tx, id, "delivered-by-post", sentAt, actor, {
      postedOn,
      recordedAt: now.toISOString(),
    });
    await tx.insert(fileNotes).values({
      applicationId: letter.applicationId,
      correspondenceId: id,
      kind: "letter-sent",
      textEn: note.en,
      textFr: note.fr,
      at: sentAt,
    });
    await appendLetterEvent(tx, id, "note-written", now, actor, {
      kind: "letter-sent",
      textSha256: noteSha256(note),
    });
    await recordAudit(tx, actor, now, {
      action: "letter.posted",
      subjectType: "correspondence",
      subjectId: id,
      officeCode: letter.officeCode,
    });
  });
}

/**
 * C-4, C-13, C-17: a letter waits for the post when it was written for it, or sent there (too large,
 * refused by the relay, or bounced on the party's latest address), until it is marked mailed.
 */
function awaitsPost(letter: LetterRow, events: readonly LetterEvent[]): boolean {
  const state = stateOf(events);
  const sentToPost = letter.channel === "post" || events.some((e) => e.kind === "routed-to-post");
  if (!sentToPost) return false;
  if (state === "generated") return events.some((e) => e.kind === "generated");
  // A bounced letter is the post's only when the bounce sent it there (not when it was re-sent by email).
  if (state === "bounced") {
    const bounced = events.findLastIndex((e) => e.kind === "bounced");
    return events.slice(bounced).some((e) => e.kind === "routed-to-post");
  }
  return false;
}

async function letterEventsOf(deps: Deps, id: string): Promise<LetterEvent[]> {
  return (await eventsOfLetters(deps.db, [id])).get(id) ?? [];
}
