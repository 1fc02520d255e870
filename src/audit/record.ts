import type { Executor } from "../db/client.ts";
import { insertMany } from "../db/insert-many.ts";
import { auditEvents } from "../db/schema/audit.ts";

export type Actor =
  | { kind: "staff"; staffId: string; ip: string | undefined }
  | { kind: "system"; name: string }
  | { kind: "job"; name: string };

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  officeCode?: string | undefined;
  /** Ids, codes and counts only: never a name, an address or a file number in clear. */
  details?: Record<string, unknown>;
}

/** Appends one audit event; call it inside the transaction that makes the change it records. */
export async function recordAudit(tx: Executor, actor: Actor, at: Date, entry: AuditEntry): Promise<void> {
  await recordAudits(tx, actor, [{ ...entry, at }]);
}

/** Appends several audit events of one actor in one statement (the dispatcher's batches). */
export async function recordAudits(
  tx: Executor,
  actor: Actor,
  entries: readonly (AuditEntry & { at: Date })[],
): Promise<void> {
  if (entries.length === 0) return;
  await insertMany(
    tx,
    auditEvents,
    entries.map((entry) => ({
      at: entry.at,
      actorKind: actor.kind,
      actorId: actor.kind === "staff" ? actor.staffId : actor.name,
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      officeCode: entry.officeCode ?? null,
      ip: actor.kind === "staff" ? (actor.ip ?? null) : null,
      details: entry.details ?? {},
    })),
  );
}
