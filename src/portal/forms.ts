import { randomUUID } from "node:crypto";
import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { applications, parties } from "../db/schema/files.ts";
import { counsel, formOutcomes, portalFormDecisions, portalForms } from "../db/schema/portal.ts";
import { senderAddress } from "../delegation/service.ts";
import { AppError } from "../errors.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { canRecordOnFilesOf, readableOffices } from "../files/access.ts";
import { FormCheck, formText } from "../files/forms.ts";
import type { StaffContext } from "../files/service.ts";
import { recordContactPoints } from "../files/store.ts";
import { mayChangeProfile, type PortalViewer } from "./access.ts";
import { caseOf } from "./cases.ts";
import { readContacts, recordCounselContacts, sameContacts } from "./contacts.ts";
import { portalActorOf } from "./filing.ts";
import { normaliseMobile } from "./phone.ts";
import { mayKeepRegistry } from "./registry.ts";
import { formDueAt, newConfirmationNumber } from "./rules.ts";
import type { PortalServices } from "./services.ts";
import { findCounsel } from "./store.ts";

// P-8, P-9: the two online forms. Counsel's contact details ("Coordonnées du conseil": also how My
// profile changes) and the notice of the client's contact details. Both are received with a confirmation
// number, put on the ledger, and processed by staff from a queue within 48 hours; a decision is final.

export type FormKind = "counsel-contact" | "client-contact";
export type PortalForm = typeof portalForms.$inferSelect;

async function receiveForm(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  f: {
    kind: FormKind;
    applicationId: string | null;
    officeCode: string | null;
    payload: Record<string, string>;
  },
): Promise<{ confirmationNumber: string }> {
  const now = deps.clock.now();
  const id = randomUUID();
  const confirmationNumber = newConfirmationNumber("F", now);
  const actor = portalActorOf(viewer, ip);
  const to = await senderAddress(deps.db, viewer);
  await deps.db.transaction(async (tx) => {
    await tx.insert(portalForms).values({
      id,
      confirmationNumber,
      kind: f.kind,
      counselId: viewer.counselId,
      delegateId: viewer.kind === "delegate" ? viewer.delegateId : null,
      applicationId: f.applicationId,
      payload: f.payload,
      submittedAt: now,
    });
    await appendToLedger(tx, [
      {
        kind: "portal-form-submitted",
        subject: { type: "portal-form", id },
        at: now,
        actor,
        details: {
          form: f.kind,
          confirmationNumber,
          application: f.applicationId ?? undefined,
          ...f.payload,
        },
      },
    ]);
    await recordAudit(tx, actor, now, {
      action: "portal.form-submitted",
      subjectType: "portal-form",
      subjectId: id,
      officeCode: f.officeCode ?? undefined,
      details: { kind: f.kind },
    });
    // D-3: the confirmation goes to whoever sent the form.
    if (to) {
      await deps.notices.queue(tx, {
        kind: "document-received",
        to,
        counselId: viewer.counselId,
        params: { confirmationNumber },
        at: now,
        actor,
      });
    }
  });
  return { confirmationNumber };
}

/** P-8, P-9: counsel's own contact details, as they want them on record. */
export async function submitCounselContact(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  form: Record<string, unknown>,
): Promise<{ confirmationNumber: string }> {
  if (!mayChangeProfile(viewer)) throw new AppError("ROLE_NOT_ALLOWED");
  const c = await findCounsel(deps.db, viewer.counselId);
  if (!c) throw new AppError("NOT_FOUND");
  const check = new FormCheck();
  const contacts = readContacts(check, form);
  check.throwIfAny();
  if (sameContacts(c.contacts, contacts)) throw new AppError("NO_CHANGE");
  // The form as received: empty optional fields are kept as "" (a form's payload is text).
  const payload = { ...contacts, phone: contacts.phone ?? "", postalAddress: contacts.postalAddress ?? "" };
  return receiveForm(deps, viewer, ip, {
    kind: "counsel-contact",
    applicationId: null,
    officeCode: null,
    payload,
  });
}

/** P-9: notice of the client's contact details, on one of counsel's cases. */
export async function submitClientContact(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  caseNumber: string,
  form: Record<string, unknown>,
): Promise<{ confirmationNumber: string }> {
  const theCase = await caseOf(deps.db, viewer, caseNumber, deps.clock.now());
  const check = new FormCheck();
  const typedEmail = formText(form, "email");
  const email = typedEmail ? check.email("email", typedEmail) : "";
  const typedPhone = formText(form, "phone");
  const phone = typedPhone ? normaliseMobile(typedPhone) : "";
  if (typedPhone && !phone) check.fail("phone", "INVALID_PHONE");
  const typedPostal = formText(form, "postalAddress");
  const postalAddress = typedPostal ? check.postal("postalAddress", typedPostal) : "";
  if (!typedEmail && !typedPhone && !typedPostal) check.fail("email", "REQUIRED");
  check.throwIfAny();
  return receiveForm(deps, viewer, ip, {
    kind: "client-contact",
    applicationId: theCase.applicationId,
    officeCode: theCase.officeCode,
    payload: { email: email ?? "", phone: phone ?? "", postalAddress: postalAddress ?? "" },
  });
}

export interface FormInQueue extends PortalForm {
  counselName: string;
  caseNumber: string | null;
  officeCode: string | null;
  dueAt: Date;
  decision: typeof portalFormDecisions.$inferSelect | null;
}

async function formsWhere(db: Executor, where: ReturnType<typeof and>, order: "due" | "latest") {
  const rows = await db
    .select({
      form: portalForms,
      counselName: counsel.name,
      caseNumber: applications.number,
      officeCode: applications.officeCode,
      decision: portalFormDecisions,
    })
    .from(portalForms)
    .innerJoin(counsel, eq(counsel.id, portalForms.counselId))
    .leftJoin(applications, eq(applications.id, portalForms.applicationId))
    .leftJoin(portalFormDecisions, eq(portalFormDecisions.formId, portalForms.id))
    .where(where)
    .orderBy(order === "due" ? asc(portalForms.submittedAt) : desc(portalForms.submittedAt))
    .limit(200);
  return rows.map((r) => ({
    ...r.form,
    counselName: r.counselName,
    caseNumber: r.caseNumber,
    officeCode: r.officeCode,
    dueAt: formDueAt(r.form.submittedAt),
    decision: r.decision,
  }));
}

/** P-8: what staff have to process, oldest first, with the 48-hour clock; client notices of their offices only. */
export async function formQueue(db: Executor, staff: StaffContext): Promise<FormInQueue[]> {
  if (!mayKeepRegistry(staff.postings)) throw new AppError("ROLE_NOT_ALLOWED");
  const offices = readableOffices(staff.postings);
  const pending = await formsWhere(db, isNull(portalFormDecisions.formId), "due");
  return pending.filter(
    (f) => f.kind === "counsel-contact" || (f.officeCode !== null && offices.includes(f.officeCode as never)),
  );
}

/** P-8: counsel's own forms, latest first: pending ones are shown as such on My profile. */
export async function formsOf(db: Executor, viewer: PortalViewer): Promise<FormInQueue[]> {
  return formsWhere(db, eq(portalForms.counselId, viewer.counselId), "latest");
}

export async function findForm(db: Executor, id: string): Promise<FormInQueue | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined;
  return (await formsWhere(db, eq(portalForms.id, id), "latest"))[0];
}

/**
 * P-8: staff apply or reject a form. Applying counsel's contact details writes them to the registry's
 * history and tells counsel their profile changed (at the old address and the new one); applying a
 * client's notice records the addresses on the file as the client's, received in writing from counsel.
 */
export async function processForm(
  deps: PortalServices,
  staff: StaffContext,
  id: string,
  body: Record<string, unknown>,
): Promise<void> {
  if (!mayKeepRegistry(staff.postings)) throw new AppError("ROLE_NOT_ALLOWED");
  const f = await findForm(deps.db, id);
  if (!f) throw new AppError("NOT_FOUND");
  if (
    f.kind === "client-contact" &&
    !(f.officeCode && canRecordOnFilesOf(staff.postings, f.officeCode as never))
  ) {
    throw new AppError("NOT_FOUND");
  }
  if (f.decision) throw new AppError("FORM_ALREADY_PROCESSED");
  const check = new FormCheck();
  const outcome = check.choice("outcome", formOutcomes, formText(body, "outcome"));
  const reason = formText(body, "reason");
  if (outcome === "rejected") check.required("reason", reason);
  if (reason.length > 1000) check.fail("reason", "TOO_LONG");
  check.throwIfAny();
  const now = deps.clock.now();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  const c = await findCounsel(deps.db, f.counselId);
  await deps.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(portalFormDecisions)
      .values({
        formId: f.id,
        outcome: outcome ?? "rejected",
        reason: reason || null,
        decidedAt: now,
        decidedBy: staff.staffId,
      })
      .onConflictDoNothing()
      .returning({ formId: portalFormDecisions.formId });
    if (inserted.length === 0) throw new AppError("FORM_ALREADY_PROCESSED");
    await recordAudit(tx, actor, now, {
      action: "portal.form-processed",
      subjectType: "portal-form",
      subjectId: f.id,
      officeCode: f.officeCode ?? undefined,
      details: { kind: f.kind, outcome },
    });
    if (outcome !== "applied") return;
    const p = f.payload;
    if (f.kind === "counsel-contact") {
      await recordCounselContacts(
        tx,
        f.counselId,
        {
          email: p.email ?? "",
          mobile: p.mobile ?? "",
          phone: p.phone || null,
          postalAddress: p.postalAddress || null,
        },
        "profile-change",
        now,
        staff.staffId,
      );
      const addresses = new Set([p.email ?? "", c?.contacts?.email ?? ""].filter(Boolean));
      for (const to of addresses) {
        await deps.notices.queue(tx, { kind: "profile-changed", to, counselId: f.counselId, at: now, actor });
      }
      return;
    }
    const [applicant] = await tx
      .select({ id: parties.id })
      .from(parties)
      .where(and(eq(parties.applicationId, f.applicationId as string), eq(parties.role, "applicant")))
      .orderBy(asc(parties.createdAt))
      .limit(1);
    if (!applicant) return;
    // Received in writing from counsel: recorded, but not the client's own consent to email (C-2).
    const points = [
      ...(p.email ? [{ kind: "email" as const, value: p.email }] : []),
      ...(p.postalAddress ? [{ kind: "postal" as const, value: p.postalAddress }] : []),
    ];
    await recordContactPoints(
      tx,
      points.map((pt) => ({
        partyId: applicant.id,
        kind: pt.kind,
        value: pt.value,
        source: "client-letter" as const,
        providedAt: f.submittedAt,
        recordedAt: now,
        recordedBy: staff.staffId,
      })),
      actor,
    );
  });
}
