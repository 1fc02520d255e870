import { lte } from "drizzle-orm";
import { recordAudit } from "../audit/record.ts";
import { sessions } from "../db/schema/audit.ts";
import type { Job } from "../jobs/scheduler.ts";
import { purgePortalSessions } from "../portal/sign-in.ts";

/** Expired sessions are useless and still name who was signed in: remove them. */
export const purgeExpiredSessions: Job = {
  name: "purge-expired-sessions",
  everyMs: 10 * 60_000,
  async run({ db, clock }) {
    const now = clock.now();
    // My Case's sessions too: past 12 hours, or 30 minutes idle (portal/rules.ts).
    const portal = await purgePortalSessions(db, now, { kind: "job", name: "purge-expired-sessions" });
    const staffGone = await db.transaction(async (tx) => {
      const gone = await tx
        .delete(sessions)
        .where(lte(sessions.expiresAt, now))
        .returning({ staffId: sessions.staffId });
      if (gone.length > 0) {
        await recordAudit(tx, { kind: "job", name: "purge-expired-sessions" }, now, {
          action: "sessions.purged",
          subjectType: "session",
          subjectId: "expired",
          details: { count: gone.length },
        });
      }
      return gone.length;
    });
    return { done: staffGone + portal };
  },
};
