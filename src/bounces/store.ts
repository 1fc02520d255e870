import { and, desc, eq, gte, isNull, lte, notExists, sql } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { inboundMessages, inboundReviews, mailboxCursors } from "../db/schema/bounces.ts";
import { correspondence, sealedMessages } from "../db/schema/correspondence.ts";

export type InboundRow = typeof inboundMessages.$inferSelect;

export async function inboundExists(db: Executor, officeCode: string, sourceKey: string): Promise<boolean> {
  const [row] = await db
    .select({ id: inboundMessages.id })
    .from(inboundMessages)
    .where(and(eq(inboundMessages.officeCode, officeCode), eq(inboundMessages.sourceKey, sourceKey)))
    .limit(1);
  return row !== undefined;
}

/** The letter whose sealed message has this Message-ID (with or without its angle brackets). */
export async function letterByMessageId(db: Executor, messageId: string): Promise<string | undefined> {
  const bare = messageId.trim().replace(/^<|>$/g, "");
  const [row] = await db
    .select({ id: sealedMessages.correspondenceId })
    .from(sealedMessages)
    .where(eq(sealedMessages.messageId, `<${bare}>`))
    .limit(1);
  return row?.id;
}

/**
 * The letters sealed for this recipient in the window: the last way to match a report that carries
 * neither our envelope address nor the original Message-ID. Only a single candidate is a match.
 */
export async function lettersToRecipientBetween(db: Executor, recipient: string, from: Date, to: Date) {
  return db
    .select({ id: sealedMessages.correspondenceId })
    .from(sealedMessages)
    .where(
      and(
        sql`lower(${sealedMessages.envelopeTo}) = ${recipient.toLowerCase()}`,
        gte(sealedMessages.sealedAt, from),
        lte(sealedMessages.sealedAt, to),
      ),
    )
    .limit(2);
}

export async function letterExists(db: Executor, id: string): Promise<boolean> {
  const [row] = await db
    .select({ id: correspondence.id })
    .from(correspondence)
    .where(eq(correspondence.id, id));
  return row !== undefined;
}

export async function readCursor(db: Executor, officeCode: string, mailbox: string) {
  const [row] = await db
    .select()
    .from(mailboxCursors)
    .where(and(eq(mailboxCursors.officeCode, officeCode), eq(mailboxCursors.mailbox, mailbox)));
  return row;
}

export async function writeCursor(
  db: Executor,
  cursor: { officeCode: string; mailbox: string; uidValidity: number; lastUid: number; updatedAt: Date },
) {
  await db
    .insert(mailboxCursors)
    .values(cursor)
    .onConflictDoUpdate({
      target: [mailboxCursors.officeCode, mailboxCursors.mailbox],
      set: { uidValidity: cursor.uidValidity, lastUid: cursor.lastUid, updatedAt: cursor.updatedAt },
    });
}

/** Reports no letter was found for and nobody has reviewed yet, newest first, of these offices. */
export async function reviewQueue(db: Executor, officeCodes: readonly string[], limit = 200) {
  if (officeCodes.length === 0) return [];
  const reviewed = db
    .select({ seq: inboundReviews.seq })
    .from(inboundReviews)
    .where(eq(inboundReviews.inboundMessageId, inboundMessages.id));
  return db
    .select()
    .from(inboundMessages)
    .where(
      and(
        isNull(inboundMessages.correspondenceId),
        sql`${inboundMessages.officeCode} in (${sql.join(
          officeCodes.map((c) => sql`${c}`),
          sql`, `,
        )})`,
        sql`${inboundMessages.kind} <> 'not-a-bounce'`,
        notExists(reviewed),
      ),
    )
    .orderBy(desc(inboundMessages.receivedAt))
    .limit(limit);
}

export async function findInbound(db: Executor, id: string): Promise<InboundRow | undefined> {
  const [row] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, id));
  return row;
}

/** Reports matched to letters, newest first, of these offices (the bounces page's second list). */
export async function matchedReports(db: Executor, officeCodes: readonly string[], limit = 200) {
  if (officeCodes.length === 0) return [];
  return db
    .select({ report: inboundMessages, letter: correspondence })
    .from(inboundMessages)
    .innerJoin(correspondence, eq(correspondence.id, inboundMessages.correspondenceId))
    .where(
      sql`${correspondence.officeCode} in (${sql.join(
        officeCodes.map((c) => sql`${c}`),
        sql`, `,
      )})`,
    )
    .orderBy(desc(inboundMessages.receivedAt))
    .limit(limit);
}
