import { randomUUID } from "node:crypto";
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import type { UploadedFile } from "../correspondence/attachments.ts";
import type { Executor } from "../db/client.ts";
import { applications } from "../db/schema/files.ts";
import { portalDocumentReads, portalDocuments, portalInboxRemovals } from "../db/schema/portal.ts";
import { activeDelegatesOf } from "../delegation/service.ts";
import { AppError } from "../errors.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { canReadFilesOf, canRecordOnFilesOf } from "../files/access.ts";
import { FormCheck } from "../files/forms.ts";
import type { StaffContext } from "../files/service.ts";
import { findApplicationByNumber } from "../files/store.ts";
import { accountOf, mayRemoveFromInbox, type PortalViewer } from "./access.ts";
import { casesOf, counselRepresenting } from "./cases.ts";
import { checkDocument } from "./documents.ts";
import { portalActorOf } from "./filing.ts";
import { mayUsePortal } from "./rules.ts";
import type { PortalServices } from "./services.ts";
import { findCounsel } from "./store.ts";

// P-6: the tribunal sends a document to counsel through My Case. It is correspondence: recorded once, its
// bytes content-addressed, put on the ledger as made available to the recipient (ETSI's
// ContentConsignment), each opening recorded (ContentHandover), and counsel told by a notice that carries
// no link (P-7). Counsel may remove it from their general inbox; the case's inbox keeps it.

export type InboxDocument = typeof portalDocuments.$inferSelect;

/** Staff, from the file: a document for the counsel who represents the file now and is on My Case. */
export async function sendDocumentToCounsel(
  deps: PortalServices,
  staff: StaffContext,
  fileNumber: string,
  form: Record<string, unknown>,
  files: readonly UploadedFile[],
): Promise<{ id: string }> {
  const app = await findApplicationByNumber(deps.db, fileNumber);
  if (!app || !canReadFilesOf(staff.postings, app.officeCode)) throw new AppError("NOT_FOUND");
  if (!canRecordOnFilesOf(staff.postings, app.officeCode)) throw new AppError("ROLE_NOT_ALLOWED");
  const now = deps.clock.now();
  const check = new FormCheck();
  const title = typeof form.title === "string" ? form.title.trim() : "";
  if (check.required("title", title) && title.length > 200) check.fail("title", "TOO_LONG");
  const checked = checkDocument(files);
  if (!checked.ok) check.fail("document", checked.code);
  check.throwIfAny();
  if (!checked.ok) throw new AppError("REQUIRED");
  const counselId = await counselRepresenting(deps.db, app.id, now);
  const counsel = counselId ? await findCounsel(deps.db, counselId) : undefined;
  if (!counsel?.registeredAt || !mayUsePortal(counsel.standing) || !counsel.contacts) {
    throw new AppError("COUNSEL_NOT_ON_PORTAL");
  }
  const doc = checked.document;
  const sha256 = await deps.blobs.put(doc.content);
  const id = randomUUID();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  await deps.db.transaction(async (tx) => {
    await tx.insert(portalDocuments).values({
      id,
      applicationId: app.id,
      counselId: counsel.id,
      title,
      filename: doc.filename,
      contentType: doc.contentType,
      sha256,
      size: doc.content.length,
      sentAt: now,
      sentBy: staff.staffId,
    });
    await appendToLedger(tx, [
      {
        kind: "portal-document-consigned",
        subject: { type: "portal-document", id },
        at: now,
        actor,
        details: {
          application: app.id,
          counsel: counsel.id,
          sha256,
          size: doc.content.length,
          contentType: doc.contentType,
        },
      },
    ]);
    await recordAudit(tx, actor, now, {
      action: "portal.document-sent",
      subjectType: "portal-document",
      subjectId: id,
      officeCode: app.officeCode,
      details: { application: app.id, counsel: counsel.id },
    });
    await deps.notices.queue(tx, {
      kind: "document-sent",
      to: counsel.contacts?.email as string,
      counselId: counsel.id,
      at: now,
      actor,
    });
    // D-3: counsel's delegates at work are told too, each at their own address.
    for (const d of await activeDelegatesOf(tx, counsel.id, now)) {
      await deps.notices.queue(tx, {
        kind: "document-sent",
        to: d.email,
        counselId: counsel.id,
        delegateId: d.id,
        at: now,
        actor,
      });
    }
  });
  return { id };
}

export interface InboxEntry extends InboxDocument {
  caseNumber: string;
  /** When this viewer's account first opened it (counsel or any delegate), if ever. */
  firstReadAt: Date | null;
  removed: boolean;
}

async function entries(
  db: Executor,
  viewer: PortalViewer,
  where: ReturnType<typeof and>,
): Promise<InboxEntry[]> {
  const rows = await db
    .select({
      doc: portalDocuments,
      caseNumber: applications.number,
      firstReadAt: sql<
        string | null
      >`(select min(r.read_at) from portal_document_reads r where r.document_id = ${portalDocuments.id})`,
      removedAt: portalInboxRemovals.removedAt,
    })
    .from(portalDocuments)
    .innerJoin(applications, eq(applications.id, portalDocuments.applicationId))
    .leftJoin(portalInboxRemovals, eq(portalInboxRemovals.documentId, portalDocuments.id))
    .where(and(eq(portalDocuments.counselId, accountOf(viewer)), where))
    .orderBy(desc(portalDocuments.sentAt));
  return rows.map((r) => ({
    ...r.doc,
    caseNumber: r.caseNumber,
    firstReadAt: r.firstReadAt ? new Date(r.firstReadAt) : null,
    removed: r.removedAt !== null,
  }));
}

/**
 * P-6: the general inbox: documents sent to the account on its cases shown now, less those removed.
 * A document of a case no longer shown (45 days after decision) leaves the inbox with the case.
 */
export async function generalInbox(db: Executor, viewer: PortalViewer, now: Date): Promise<InboxEntry[]> {
  const ids = (await casesOf(db, viewer, now)).map((c) => c.applicationId);
  if (ids.length === 0) return [];
  return entries(
    db,
    viewer,
    and(inArray(portalDocuments.applicationId, ids), isNull(portalInboxRemovals.documentId)),
  );
}

/** P-6: the case's inbox keeps everything sent on the case, removed from the general inbox or not. */
export async function caseInbox(
  db: Executor,
  viewer: PortalViewer,
  applicationId: string,
): Promise<InboxEntry[]> {
  return entries(db, viewer, eq(portalDocuments.applicationId, applicationId));
}

/** One document of the viewer's account on a case they may see; anything else is a 404. */
async function documentOf(db: Executor, viewer: PortalViewer, id: string, now: Date): Promise<InboxEntry> {
  if (!/^[0-9a-f-]{36}$/.test(id)) throw new AppError("NOT_FOUND");
  const ids = (await casesOf(db, viewer, now)).map((c) => c.applicationId);
  if (ids.length === 0) throw new AppError("NOT_FOUND");
  const [found] = await entries(
    db,
    viewer,
    and(eq(portalDocuments.id, id), inArray(portalDocuments.applicationId, ids)),
  );
  if (!found) throw new AppError("NOT_FOUND");
  return found;
}

export async function viewDocument(
  db: Executor,
  viewer: PortalViewer,
  id: string,
  now: Date,
): Promise<InboxEntry> {
  return documentOf(db, viewer, id, now);
}

/** P-6: opening the document: its bytes, and the reading recorded (and put on the ledger as handed over). */
export async function readDocument(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  id: string,
): Promise<{ doc: InboxEntry; bytes: Buffer }> {
  const now = deps.clock.now();
  const doc = await documentOf(deps.db, viewer, id, now);
  const bytes = await deps.blobs.get(doc.sha256);
  if (!bytes) throw new AppError("NOT_FOUND");
  const actor = portalActorOf(viewer, ip);
  await deps.db.transaction(async (tx) => {
    await tx.insert(portalDocumentReads).values({
      documentId: doc.id,
      counselId: viewer.counselId,
      delegateId: viewer.kind === "delegate" ? viewer.delegateId : null,
      readAt: now,
    });
    await appendToLedger(tx, [
      {
        kind: "content-read",
        subject: { type: "portal-document", id: doc.id },
        at: now,
        actor,
        details: { sha256: doc.sha256 },
      },
    ]);
    await recordAudit(tx, actor, now, {
      action: "portal.document-read",
      subjectType: "portal-document",
      subjectId: doc.id,
    });
  });
  return { doc, bytes };
}

/** P-6, D-4: counsel remove a document from the general inbox; the server refuses a delegate. */
export async function removeFromInbox(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  id: string,
): Promise<void> {
  const now = deps.clock.now();
  const doc = await documentOf(deps.db, viewer, id, now);
  if (!mayRemoveFromInbox(viewer)) throw new AppError("ROLE_NOT_ALLOWED");
  if (doc.removed) return;
  const actor = portalActorOf(viewer, ip);
  await deps.db.transaction(async (tx) => {
    await tx
      .insert(portalInboxRemovals)
      .values({ documentId: doc.id, counselId: viewer.counselId, removedAt: now })
      .onConflictDoNothing();
    await recordAudit(tx, actor, now, {
      action: "portal.inbox-removed",
      subjectType: "portal-document",
      subjectId: doc.id,
    });
  });
}

/** Who opened each document, for counsel's oversight (D-4) and the staff view of the file. */
export async function readsOf(db: Executor, documentIds: readonly string[]) {
  if (documentIds.length === 0) return [];
  return db
    .select()
    .from(portalDocumentReads)
    .where(inArray(portalDocumentReads.documentId, [...documentIds]))
    .orderBy(portalDocumentReads.readAt);
}

/** Staff view of the file: documents sent through My Case, with their first reading. */
export async function documentsSentOnFile(db: Executor, applicationId: string) {
  return db
    .select({
      doc: portalDocuments,
      firstReadAt: sql<
        string | null
      >`(select min(r.read_at) from portal_document_reads r where r.document_id = ${portalDocuments.id})`,
    })
    .from(portalDocuments)
    .where(eq(portalDocuments.applicationId, applicationId))
    .orderBy(desc(portalDocuments.sentAt));
}
