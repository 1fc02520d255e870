import type { Executor } from "../../../db/client.ts";
import type { FileView } from "../../../files/service.ts";
import { listOffices } from "../../../files/store.ts";
import { counselRepresenting } from "../../../portal/cases.ts";
import { submissionsOfCase } from "../../../portal/filing.ts";
import { hearingsOf } from "../../../portal/hearings.ts";
import { documentsSentOnFile } from "../../../portal/inbox.ts";
import { mayUsePortal } from "../../../portal/rules.ts";
import { findCounsel } from "../../../portal/store.ts";
import { requestsOf } from "../../../reconsideration/service.ts";
import { transfersOf } from "../../../transfers/service.ts";

/**
 * What the file page shows beyond the file itself: its moves between offices (C-21), its requests (C-22),
 * and My Case (P-4..P-6): what counsel filed, what was sent to them, the hearings.
 */
export async function loadFileExtras(db: Executor, view: FileView) {
  const id = view.application.id;
  const [transfers, offices, requests, portal] = await Promise.all([
    transfersOf(db, id),
    listOffices(db),
    requestsOf(db, id),
    loadPortalExtras(db, view),
  ]);
  return {
    transfers,
    offices,
    requests,
    destinations: offices.filter((o) => o.code !== view.application.officeCode),
    portal,
  };
}

async function loadPortalExtras(db: Executor, view: FileView) {
  const id = view.application.id;
  const [submissions, sent, hearings, counselId] = await Promise.all([
    submissionsOfCase(db, id),
    documentsSentOnFile(db, id),
    hearingsOf(db, id),
    counselRepresenting(db, id, view.now),
  ]);
  const counsel = counselId ? await findCounsel(db, counselId) : undefined;
  return {
    submissions,
    sent: sent.map((s) => ({ ...s.doc, firstReadAt: s.firstReadAt ? new Date(s.firstReadAt) : null })),
    hearings: hearings.filter((h) => h.startsAt.getTime() > view.now.getTime()),
    /** The registry's counsel representing the file now, if any, and whether documents can reach them. */
    counsel: counsel ? { id: counsel.id, name: counsel.name } : undefined,
    onPortal: Boolean(counsel?.registeredAt && mayUsePortal(counsel.standing) && counsel.contacts),
  };
}

export type FileExtras = Awaited<ReturnType<typeof loadFileExtras>>;
export type FilePortal = FileExtras["portal"];
