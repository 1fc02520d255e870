import { randomUUID } from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import {
  accessCodes,
  counsel,
  counselRepresentatives,
  counselStandings,
  portalAccountResets,
  portalAccounts,
  portalLanguages,
  portalLocks,
  portalSessions,
  professionalBodies,
  standings,
} from "../db/schema/portal.ts";
import { AppError } from "../errors.ts";
import type { Posting } from "../files/access.ts";
import { FormCheck, formText } from "../files/forms.ts";
import { representationAt } from "../files/rules.ts";
import type { StaffContext } from "../files/service.ts";
import { findApplicationByNumber, loadFileParties } from "../files/store.ts";
import { readContacts, recordCounselContacts, sameContacts } from "./contacts.ts";
import type { CounselId } from "./model.ts";
import { ACCESS_CODE_TTL_MS, hashAccessCode, mayUsePortal, newAccessCode, sameLockCode } from "./rules.ts";
import type { PortalServices } from "./services.ts";
import { holdAccountBindings, tellAccountChanged } from "./sign-in.ts";
import { type CounselSummary, findCounsel, findCounselByMember } from "./store.ts";

// The registry of counsel, kept by staff (P-1): who they are, their standing, how to reach them, which
// files they represent; and, from it, the invitation to register (P-2), the unlocking of a locked account
// and the reset of an account to another identity (P-3).

/** Staff who work with counsel: agents, decision-makers, office admins and the help desk (support). */
const registryKeepers = ["agent", "decision-maker", "office-admin", "support-agent"];

export function mayKeepRegistry(postings: readonly Posting[]): boolean {
  return postings.some((p) => registryKeepers.includes(p.role));
}

function keeper(staff: StaffContext): Actor {
  if (!mayKeepRegistry(staff.postings)) throw new AppError("ROLE_NOT_ALLOWED");
  return { kind: "staff", staffId: staff.staffId, ip: staff.ip };
}

/** P-1: a new member in the registry, with their standing and contact details. */
export async function addCounsel(
  deps: PortalServices,
  staff: StaffContext,
  form: Record<string, unknown>,
): Promise<CounselId> {
  const actor = keeper(staff);
  const check = new FormCheck();
  const name = formText(form, "name");
  check.required("name", name);
  if (name.length > 200) check.fail("name", "TOO_LONG");
  const body = check.choice("professionalBody", professionalBodies, formText(form, "professionalBody"));
  const memberNumber = formText(form, "memberNumber").toUpperCase();
  if (check.required("memberNumber", memberNumber) && !/^[A-Z0-9-]{1,20}$/.test(memberNumber)) {
    check.fail("memberNumber", "INVALID_CHOICE");
  }
  const language = check.choice("preferredLanguage", portalLanguages, formText(form, "preferredLanguage"));
  const standing = check.choice("standing", standings, formText(form, "standing"));
  const contacts = readContacts(check, form);
  check.throwIfAny();
  if (!body || !language || !standing) throw new AppError("REQUIRED");
  if (await findCounselByMember(deps.db, body, memberNumber)) {
    throw new AppError("COUNSEL_ALREADY_IN_REGISTRY", [
      { field: "memberNumber", code: "COUNSEL_ALREADY_IN_REGISTRY" },
    ]);
  }
  const now = deps.clock.now();
  const id = randomUUID() as CounselId;
  await deps.db.transaction(async (tx) => {
    await tx.insert(counsel).values({
      id,
      name,
      professionalBody: body,
      memberNumber,
      preferredLanguage: language,
      createdAt: now,
      createdBy: staff.staffId,
    });
    await tx
      .insert(counselStandings)
      .values({ counselId: id, standing, recordedAt: now, recordedBy: staff.staffId });
    await recordCounselContacts(tx, id, contacts, "registry", now, staff.staffId);
    await recordAudit(tx, actor, now, {
      action: "counsel.added",
      subjectType: "counsel",
      subjectId: id,
      details: { professionalBody: body, standing },
    });
  });
  return id;
}

async function existing(deps: PortalServices, id: string): Promise<CounselSummary> {
  const found = await findCounsel(deps.db, id);
  if (!found) throw new AppError("NOT_FOUND");
  return found;
}

/** P-1: the body's word on a member's standing, as history. Counsel no longer in good standing lose access. */
export async function recordStanding(
  deps: PortalServices,
  staff: StaffContext,
  id: string,
  form: Record<string, unknown>,
): Promise<void> {
  const actor = keeper(staff);
  const c = await existing(deps, id);
  const check = new FormCheck();
  const standing = check.choice("standing", standings, formText(form, "standing"));
  check.throwIfAny();
  if (!standing || standing === c.standing) throw new AppError("NO_CHANGE");
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(counselStandings)
      .values({ counselId: c.id, standing, recordedAt: now, recordedBy: staff.staffId });
    await recordAudit(tx, actor, now, {
      action: "counsel.standing-recorded",
      subjectType: "counsel",
      subjectId: c.id,
      details: { from: c.standing ?? null, to: standing },
    });
  });
}

/**
 * Staff correct counsel's contact details directly (a call to the help desk, a letter). P-7: counsel are
 * told their account information changed, at the address they had and at the new one.
 */
export async function recordContacts(
  deps: PortalServices,
  staff: StaffContext,
  id: string,
  form: Record<string, unknown>,
): Promise<void> {
  const actor = keeper(staff);
  const c = await existing(deps, id);
  const check = new FormCheck();
  const contacts = readContacts(check, form);
  check.throwIfAny();
  const before = c.contacts;
  if (sameContacts(before, contacts)) throw new AppError("NO_CHANGE");
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await recordCounselContacts(tx, c.id, contacts, "registry", now, staff.staffId);
    await recordAudit(tx, actor, now, {
      action: "counsel.contacts-recorded",
      subjectType: "counsel",
      subjectId: c.id,
    });
    if (c.registeredAt) {
      const addresses = new Set([contacts.email, ...(before ? [before.email] : [])]);
      for (const to of addresses) {
        await deps.notices.queue(tx, { kind: "account-changed", to, counselId: c.id, at: now, actor });
      }
    }
  });
}

/**
 * The registry's link from counsel to a file: the representative declared on the file now (IMM 5476) is
 * this counsel. The file's own history decides afterwards whether the case is still theirs.
 */
export async function linkFile(
  deps: PortalServices,
  staff: StaffContext,
  id: string,
  form: Record<string, unknown>,
): Promise<void> {
  const actor = keeper(staff);
  const c = await existing(deps, id);
  const number = formText(form, "fileNumber").toUpperCase();
  const check = new FormCheck();
  if (check.required("fileNumber", number) && !/^[A-Z]\d{9}$/.test(number)) {
    check.fail("fileNumber", "MALFORMED_FILE_NUMBER");
  }
  check.throwIfAny();
  const app = await findApplicationByNumber(deps.db, number);
  // Any office's file: the registry is the tribunal's, and counsel work before every office.
  if (!app) throw new AppError("NOT_FOUND", [{ field: "fileNumber", code: "NOT_FOUND" }]);
  const now = deps.clock.now();
  const file = await loadFileParties(deps.db, app.id);
  const current = file ? representationAt(file.representations, now) : undefined;
  if (!current) throw new AppError("NO_REPRESENTATIVE", [{ field: "fileNumber", code: "NO_REPRESENTATIVE" }]);
  // One person, one counsel: a party linked to someone else is a mistake to correct, not to add to.
  const [other] = await deps.db
    .select({ counselId: counselRepresentatives.counselId })
    .from(counselRepresentatives)
    .where(eq(counselRepresentatives.partyId, current.representativeId))
    .limit(1);
  if (other && other.counselId !== c.id) {
    throw new AppError("REPRESENTATIVE_LINKED_ELSEWHERE", [
      { field: "fileNumber", code: "REPRESENTATIVE_LINKED_ELSEWHERE" },
    ]);
  }
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(counselRepresentatives)
      .values({ counselId: c.id, partyId: current.representativeId, linkedAt: now, linkedBy: staff.staffId })
      .onConflictDoNothing();
    await recordAudit(tx, actor, now, {
      action: "counsel.file-linked",
      subjectType: "counsel",
      subjectId: c.id,
      officeCode: app.officeCode,
      details: { application: app.id, party: current.representativeId },
    });
  });
}

/**
 * P-2: staff have validated counsel's identity; a new access code goes by SMS to the mobile number on
 * record. Any earlier unused code stops working. Only counsel in good standing, not yet registered.
 */
export async function inviteToRegister(deps: PortalServices, staff: StaffContext, id: string): Promise<void> {
  const actor = keeper(staff);
  const c = await existing(deps, id);
  if (!mayUsePortal(c.standing)) throw new AppError("COUNSEL_NOT_IN_GOOD_STANDING");
  if (c.registeredAt) throw new AppError("ALREADY_REGISTERED");
  if (!c.contacts) throw new AppError("REQUIRED");
  const now = deps.clock.now();
  const code = newAccessCode();
  const codeId = randomUUID();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(accessCodes)
      .set({ replacedAt: now })
      .where(
        and(eq(accessCodes.counselId, c.id), isNull(accessCodes.replacedAt), isNull(accessCodes.usedAt)),
      );
    await tx.insert(accessCodes).values({
      id: codeId,
      counselId: c.id,
      codeHash: hashAccessCode(codeId, code),
      mobile: c.contacts?.mobile as string,
      issuedAt: now,
      expiresAt: new Date(now.getTime() + ACCESS_CODE_TTL_MS),
      issuedBy: staff.staffId,
    });
    await recordAudit(tx, actor, now, {
      action: "counsel.access-code-issued",
      subjectType: "counsel",
      subjectId: c.id,
      details: { accessCode: codeId },
    });
  });
  // Sent after the code is stored, so a code that reaches a phone always exists; a failure to send makes
  // the stored code unusable (nobody has it), and staff try again.
  try {
    await deps.sms.send({
      to: c.contacts.mobile,
      code,
      lang: c.preferredLanguage,
      reference: codeId,
      at: now,
    });
  } catch (e) {
    await deps.db.transaction(async (tx) => {
      await tx.update(accessCodes).set({ replacedAt: now }).where(eq(accessCodes.id, codeId));
      await recordAudit(tx, actor, now, {
        action: "counsel.access-code-not-sent",
        subjectType: "counsel",
        subjectId: c.id,
        details: { accessCode: codeId, error: (e as Error).name },
      });
    });
    throw new AppError("SMS_NOT_SENT");
  }
}

/** P-3: the help desk unlocks an account with the lock code the caller reads from their screen. */
export async function unlockAccount(
  deps: PortalServices,
  staff: StaffContext,
  id: string,
  form: Record<string, unknown>,
): Promise<void> {
  const actor = keeper(staff);
  const c = await existing(deps, id);
  if (!c.lock) throw new AppError("NOT_FOUND");
  const typed = formText(form, "lockCode");
  const check = new FormCheck();
  if (check.required("lockCode", typed) && !sameLockCode(typed, c.lock.lockCode)) {
    check.fail("lockCode", "LOCK_CODE_MISMATCH");
  }
  check.throwIfAny();
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    await tx
      .update(portalLocks)
      .set({ unlockedAt: now, unlockedBy: staff.staffId })
      .where(and(eq(portalLocks.id, c.lock?.id as string), isNull(portalLocks.unlockedAt)));
    // A fresh start: the exhausted code is spent; staff issue a new one if registration is unfinished.
    await tx
      .update(accessCodes)
      .set({ replacedAt: now })
      .where(
        and(eq(accessCodes.counselId, c.id), isNull(accessCodes.replacedAt), isNull(accessCodes.usedAt)),
      );
    await recordAudit(tx, actor, now, {
      action: "counsel.unlocked",
      subjectType: "counsel",
      subjectId: c.id,
      details: { lock: c.lock?.id ?? null },
    });
    if (c.registeredAt) await tellAccountChanged(deps, tx, c, now, actor);
  });
}

/**
 * P-3: counsel want to sign in with another identity (the seed: "to use another GCKey or sign-in partner,
 * call the help desk and ask for your account to be reset"). Staff confirm they validated the caller's
 * identity; the binding is released, the old identity's sessions end, counsel are told at the address on
 * record, and they register again with a new access code (P-2). What counsel filed, read and delegated
 * belongs to the counsel, not to the identity, and stays.
 */
export async function resetAccount(
  deps: PortalServices,
  staff: StaffContext,
  id: string,
  form: Record<string, unknown>,
): Promise<void> {
  const actor = keeper(staff);
  const c = await existing(deps, id);
  if (!c.accountId) throw new AppError("ACCOUNT_NOT_REGISTERED");
  const check = new FormCheck();
  if (formText(form, "identityConfirmed") !== "yes")
    check.fail("identityConfirmed", "IDENTITY_NOT_CONFIRMED");
  check.throwIfAny();
  const accountId = c.accountId;
  const now = deps.clock.now();
  await deps.db.transaction(async (tx) => {
    const [account] = await tx.select().from(portalAccounts).where(eq(portalAccounts.id, accountId));
    if (!account) throw new AppError("ACCOUNT_NOT_REGISTERED");
    await holdAccountBindings(tx, c.id, account.subject);
    // A second reset of the same binding (two staff, one call) finds it released already.
    const released = await tx
      .insert(portalAccountResets)
      .values({ accountId, counselId: c.id, resetAt: now, resetBy: staff.staffId })
      .onConflictDoNothing()
      .returning({ accountId: portalAccountResets.accountId });
    if (released.length === 0) throw new AppError("ACCOUNT_NOT_REGISTERED");
    await tx.delete(portalSessions).where(eq(portalSessions.subject, account.subject));
    await recordAudit(tx, actor, now, {
      action: "counsel.account-reset",
      subjectType: "counsel",
      subjectId: c.id,
      details: { account: accountId },
    });
    await tellAccountChanged(deps, tx, c, now, actor);
  });
}
