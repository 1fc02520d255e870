import type { Executor } from "../../../db/client.ts";
import type { FileView } from "../../../files/service.ts";
import { listOffices } from "../../../files/store.ts";
import { transfersOf } from "../../../transfers/service.ts";

/** What the file page shows beyond the file itself: its moves between offices (C-21). */
export async function loadFileExtras(db: Executor, view: FileView) {
  const [transfers, offices] = await Promise.all([transfersOf(db, view.application.id), listOffices(db)]);
  return {
    transfers,
    offices,
    destinations: offices.filter((o) => o.code !== view.application.officeCode),
  };
}

export type FileExtras = Awaited<ReturnType<typeof loadFileExtras>>;
