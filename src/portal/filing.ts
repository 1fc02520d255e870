import { randomUUID } from "node:crypto";
import { asc, desc, eq, inArray } from "drizzle-orm";
import { type PortalActor, recordAudit } from "../audit/record.ts";
import type { UploadedFile } from "../correspondence/attachments.ts";
import type { Executor } from "../db/client.ts";
import { portalSubmissions, submissionKinds } from "../db/schema/portal.ts";
import { senderAddress } from "../delegation/service.ts";
import { AppError } from "../errors.ts";
import { appendToLedger } from "../evidence/ledger-append.ts";
import { FormCheck, formText } from "../files/forms.ts";
import { accountOf, mayFileOn, type PortalViewer } from "./access.ts";
import { caseOf, type PortalCase } from "./cases.ts";
import { checkDocument } from "./documents.ts";
import { easternStamp, newConfirmationNumber } from "./rules.ts";
import type { PortalServices } from "./services.ts";
import { ScanUnavailableError } from "./virus-scan.ts";

// P-5: counsel file a document on one of their cases and get a confirmation number, on screen and by
// email. The record says what, when (the instant and Eastern Time's reading of it), by whom, and the
// document's hash; the ledger gets the same, so receipt can be proved as sending can.

export function portalActorOf(viewer: PortalViewer, ip: string | undefined): PortalActor {
  return viewer.kind === "delegate"
    ? { kind: "portal", counselId: viewer.counselId, delegateId: viewer.delegateId, ip }
    : { kind: "portal", counselId: viewer.counselId, ip };
}

export interface FiledDocument {
  confirmationNumber: string;
  receivedAt: Date;
  case: PortalCase;
}

export async function fileDocument(
  deps: PortalServices,
  viewer: PortalViewer,
  ip: string | undefined,
  caseNumber: string,
  form: Record<string, unknown>,
  files: readonly UploadedFile[],
): Promise<FiledDocument> {
  const now = deps.clock.now();
  const theCase = await caseOf(deps.db, viewer, caseNumber, now);
  if (!mayFileOn(viewer, { ...theCase, representedBy: [accountOf(viewer)] }, now))
    throw new AppError("NOT_FOUND");
  const check = new FormCheck();
  const kind = check.choice("kind", submissionKinds, formText(form, "kind"));
  const description = formText(form, "description");
  if (check.required("description", description) && description.length > 500)
    check.fail("description", "TOO_LONG");
  const checked = checkDocument(files);
  if (!checked.ok) check.fail("document", checked.code);
  check.throwIfAny();
  if (!kind || !checked.ok) throw new AppError("REQUIRED");
  const doc = checked.document;
  let scan = "not-scanned";
  if (deps.scanner) {
    let verdict: Awaited<ReturnType<NonNullable<PortalServices["scanner"]>["scan"]>>;
    try {
      verdict = await deps.scanner.scan(doc.content);
    } catch (e) {
      if (e instanceof ScanUnavailableError)
        throw new AppError("SCAN_UNAVAILABLE", [{ field: "document", code: "SCAN_UNAVAILABLE" }]);
      throw e;
    }
    if (verdict.verdict === "infected") {
      await recordAudit(deps.db, portalActorOf(viewer, ip), now, {
        action: "portal.document-refused-infected",
        subjectType: "application",
        subjectId: theCase.applicationId,
        officeCode: theCase.officeCode,
        details: { signature: verdict.signature },
      });
      throw new AppError("FILE_INFECTED", [{ field: "document", code: "FILE_INFECTED" }]);
    }
    scan = "clean";
  }
  const sha256 = await deps.blobs.put(doc.content);
  const to = await senderAddress(deps.db, viewer);
  const actor = portalActorOf(viewer, ip);
  const id = randomUUID();
  const confirmationNumber = newConfirmationNumber("D", now);
  const receivedEastern = easternStamp(now);
  await deps.db.transaction(async (tx) => {
    await tx.insert(portalSubmissions).values({
      id,
      confirmationNumber,
      applicationId: theCase.applicationId,
      counselId: viewer.counselId,
      delegateId: viewer.kind === "delegate" ? viewer.delegateId : null,
      kind,
      description,
      filename: doc.filename,
      contentType: doc.contentType,
      sha256,
      size: doc.content.length,
      scan,
      receivedAt: now,
      receivedEastern,
    });
    await appendToLedger(tx, [
      {
        kind: "portal-document-filed",
        subject: { type: "portal-submission", id },
        at: now,
        actor,
        details: {
          application: theCase.applicationId,
          confirmationNumber,
          receivedEastern,
          sha256,
          size: doc.content.length,
          contentType: doc.contentType,
          scan,
        },
      },
    ]);
    await recordAudit(tx, actor, now, {
      action: "portal.document-filed",
      subjectType: "portal-submission",
      subjectId: id,
      officeCode: theCase.officeCode,
      details: { application: theCase.applicationId, kind },
    });
    // D-3: only the sender gets the confirmation: counsel, or the delegate at their own address.
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
  return { confirmationNumber, receivedAt: now, case: theCase };
}

export type Submission = typeof portalSubmissions.$inferSelect;

/** P-5: the case's communication history: the entries, never the documents. */
export async function submissionsOfCase(db: Executor, applicationId: string): Promise<Submission[]> {
  return db
    .select()
    .from(portalSubmissions)
    .where(eq(portalSubmissions.applicationId, applicationId))
    .orderBy(desc(portalSubmissions.receivedAt));
}

export async function submissionsOfCases(
  db: Executor,
  applicationIds: readonly string[],
): Promise<Submission[]> {
  if (applicationIds.length === 0) return [];
  return db
    .select()
    .from(portalSubmissions)
    .where(inArray(portalSubmissions.applicationId, [...applicationIds]))
    .orderBy(asc(portalSubmissions.receivedAt));
}
