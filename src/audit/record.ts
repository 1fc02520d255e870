import type { Executor } from "../db/client.ts";
import { insertMany } from "../db/insert-many.ts";
import { auditEvents } from "../db/schema/audit.ts";

/** Who acts inside the agency: staff, or the system and its jobs. Letters' events name only these. */
export type Actor =
  | { kind: "staff"; staffId: string; ip: string | undefined }
  | { kind: "system"; name: string }
  | { kind: "job"; name: string };

/**
 * A person in My Case: counsel, or (issue 8) a delegate acting for counsel. The audit trail names the
 * person who acted; `counselId` is whose account it was done in.
 */
export type PortalActor = {
  kind: "portal";
  counselId: string;
  delegateId?: string | undefined;
  ip: string | undefined;
};

/** Anyone the audit trail and the ledger can name. */
export type AnyActor = Actor | PortalActor;

/** The audit trail's and the ledger's name for the actor: `staff:<id>`, `counsel:<id>`, `job:<name>`… */
export function actorIdOf(actor: AnyActor): string {
  switch (actor.kind) {
    case "staff":
      return actor.staffId;
    case "portal":
      return actor.delegateId ? `delegate:${actor.delegateId}` : `counsel:${actor.counselId}`;
    default:
      return actor.name;
  }
}

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId: string;
  officeCode?: string | undefined;
  /** Ids, codes and counts only: never a name, an address or a file number in clear. */
  details?: Record<string, unknown>;
}

/** Appends one audit event; call it inside the transaction that makes the change it records. */
export async function recordAudit(tx: Executor, actor: AnyActor, at: Date, entry: AuditEntry): Promise<void> {
  await recordAudits(tx, actor, [{ ...entry, at }]);
}

/** Appends several audit events of one actor in one statement (the dispatcher's batches). */
export async function recordAudits(
  tx: Executor,
  actor: AnyActor,
  entries: readonly (AuditEntry & { at: Date })[],
): Promise<void> {
  if (entries.length === 0) return;
  await insertMany(
    tx,
    auditEvents,
    entries.map((entry) => ({
      at: entry.at,
      actorKind: actor.kind,
      actorId: actorIdOf(actor),
      action: entry.action,
      subjectType: entry.subjectType,
      subjectId: entry.subjectId,
      officeCode: entry.officeCode ?? null,
      ip: actor.kind === "staff" || actor.kind === "portal" ? (actor.ip ?? null) : null,
      details: entry.details ?? {},
    })),
  );
}
