import type { Executor } from "../../../db/client.ts";
import type { FileView } from "../../../files/service.ts";
import { listOffices } from "../../../files/store.ts";
import { requestsOf } from "../../../reconsideration/service.ts";
import { transfersOf } from "../../../transfers/service.ts";

/** What the file page shows beyond the file itself: its moves between offices (C-21), its requests (C-22). */
export async function loadFileExtras(db: Executor, view: FileView) {
  const [transfers, offices, requests] = await Promise.all([
    transfersOf(db, view.application.id),
    listOffices(db),
    requestsOf(db, view.application.id),
  ]);
  return {
    transfers,
    offices,
    requests,
    destinations: offices.filter((o) => o.code !== view.application.officeCode),
  };
}

export type FileExtras = Awaited<ReturnType<typeof loadFileExtras>>;
