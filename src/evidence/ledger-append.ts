import crypto from "node:crypto";
import { type AnyActor, actorIdOf } from "../audit/record.ts";
import type { Executor } from "../db/client.ts";
import { insertMany } from "../db/insert-many.ts";
import { ledgerEntries } from "../db/schema/evidence.ts";
import { type CanonicalValue, canonicalJson } from "./canonical.ts";
import { type LedgerEventKind, ledgerEventTypes } from "./event-types.ts";

// B-2: an event goes on the ledger in the transaction that records it, so neither exists without the
// other. Its position in the tree is given afterwards by the one sequencer (evidence/sequencer.ts).

export type LedgerSubjectType =
  | "correspondence"
  | "party"
  | "application"
  | "inbound-report"
  | "portal-submission"
  | "portal-document"
  | "portal-notice"
  | "portal-form"
  | "delegation";

export interface LedgerEvent {
  kind: LedgerEventKind;
  subject: { type: LedgerSubjectType; id: string };
  at: Date;
  actor: AnyActor;
  /** Ids, hashes, codes, addresses as stored: what a proof needs to show, nothing more. */
  details: { readonly [key: string]: CanonicalValue | undefined };
}

export const ledgerFormatVersion = 1;

export function actorName(actor: AnyActor): string {
  if (actor.kind === "portal") return actorIdOf(actor);
  return actor.kind === "staff" ? `staff:${actor.staffId}` : `${actor.kind}:${actor.name}`;
}

/** The leaf's bytes: the canonical JSON of the event, as specified in the README. */
export function leafData(event: LedgerEvent): string {
  return canonicalJson({
    v: ledgerFormatVersion,
    type: ledgerEventTypes[event.kind],
    event: event.kind,
    subject: { type: event.subject.type, id: event.subject.id },
    at: event.at.toISOString(),
    actor: actorName(event.actor),
    details: event.details,
  });
}

export function leafHashOf(data: string): Buffer {
  return crypto
    .createHash("sha256")
    .update(Buffer.from([0]))
    .update(data, "utf8")
    .digest();
}

/** Writes the events; each waits in `ledger_queue` until the sequencer gives it a place in the tree. */
export async function appendToLedger(tx: Executor, events: readonly LedgerEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rows = events.map((e) => {
    const data = leafData(e);
    return {
      eventType: ledgerEventTypes[e.kind],
      subjectType: e.subject.type,
      subjectId: e.subject.id,
      at: e.at,
      data,
      leafHash: leafHashOf(data),
    };
  });
  // A trigger queues each entry for the sequencer (migration 0008).
  await insertMany(tx, ledgerEntries, rows);
}
