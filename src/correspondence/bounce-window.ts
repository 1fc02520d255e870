import { and, eq, lte, sql } from "drizzle-orm";
import type { Actor } from "../audit/record.ts";
import { correspondenceEvents } from "../db/schema/correspondence.ts";
import type { Job } from "../jobs/scheduler.ts";
import { appendLetterEvents } from "./store.ts";

// B-6: "no bounce received" is itself a record. When the waiting period after a letter was accepted by
// the mail server passes with no report matched to it, a closure event goes on the ledger; since every
// inbound report also goes on the ledger, a report deleted later would show as missing.

const sweeper: Actor = { kind: "job", name: "bounce-window" };

export async function closeBounceWindows(
  ctx: Parameters<Job["run"]>[0],
  windowMs: number,
  limit = 1_000,
): Promise<number> {
  const cutoff = new Date(ctx.clock.now().getTime() - windowMs);
  const due = await ctx.db
    .select({ id: correspondenceEvents.correspondenceId, sentAt: correspondenceEvents.at })
    .from(correspondenceEvents)
    .where(
      and(
        eq(correspondenceEvents.kind, "sent"),
        lte(correspondenceEvents.at, cutoff),
        sql`not exists (select 1 from correspondence_events x where x.correspondence_id = ${correspondenceEvents.correspondenceId} and x.kind in ('bounced', 'no-bounce-window-closed'))`,
      ),
    )
    .limit(limit);
  if (due.length === 0) return 0;
  const now = ctx.clock.now();
  await ctx.db.transaction((tx) =>
    appendLetterEvents(
      tx,
      due.map((d) => ({
        letterId: d.id,
        kind: "no-bounce-window-closed" as const,
        at: now,
        actor: sweeper,
        details: { sentAt: d.sentAt.toISOString(), windowHours: Math.round(windowMs / 3_600_000) },
      })),
    ),
  );
  return due.length;
}

export function bounceWindowSweep(windowMs: number): Job {
  return {
    name: "close-bounce-windows",
    everyMs: 60_000,
    async run(ctx) {
      let total = 0;
      for (;;) {
        const n = await closeBounceWindows(ctx, windowMs);
        total += n;
        if (n < 1_000) return { done: total };
      }
    },
  };
}
