import { and, desc, eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit/record.ts";
import { openOfficeForAdmin } from "../correspondence/administration.ts";
import { auditEvents } from "../db/schema/audit.ts";
import { FormCheck, formText } from "../files/forms.ts";
import type { Deps, StaffContext } from "../files/service.ts";
import { limitFor, listRateLimits, type RateLimit, setRateLimit } from "./rate-limits.ts";

// C-20, administered: an office's administrator sets how many letters a minute the office may send (its
// batches and its agents' letters alike). The limits per destination domain are the agency's (they protect
// the receiving servers, whichever office sends) and are shown, not changed, here. Each change is audited
// with the rate before and after: the audit trail is the limit's history.

/** The highest rate an office may be given: well above what one relay accepts, low enough to be a typo guard. */
export const maxOfficePerMinute = 100_000;

export interface RateChange {
  at: Date;
  by: string;
  from: number | null;
  to: number;
}

export async function officeSendingRate(deps: Deps, staff: StaffContext, code: string) {
  const office = await openOfficeForAdmin(deps, staff, code);
  const limits = await listRateLimits(deps.db);
  const own = limits.find((l) => l.scope === "office" && l.key === office.code);
  const changes = await deps.db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.action, "office.sending-rate-set"), eq(auditEvents.subjectId, office.code)))
    .orderBy(desc(auditEvents.seq))
    .limit(20);
  return {
    office,
    perMinute: limitFor(limits, "office", office.code),
    ownRate: own !== undefined,
    defaultPerMinute: limitFor(limits, "office", "*"),
    domains: limits.filter((l): l is RateLimit & { scope: "domain" } => l.scope === "domain"),
    changes: changes.map(
      (e): RateChange => ({
        at: e.at,
        by: e.actorId,
        from: typeof e.details.from === "number" ? e.details.from : null,
        to: Number(e.details.to),
      }),
    ),
  };
}

export type SendingRateData = Awaited<ReturnType<typeof officeSendingRate>>;

/** C-20: a new rate for the office, a whole number of letters a minute, from 1 to `maxOfficePerMinute`. */
export async function setOfficeSendingRate(
  deps: Deps,
  staff: StaffContext,
  code: string,
  form: Record<string, unknown>,
): Promise<void> {
  const office = await openOfficeForAdmin(deps, staff, code);
  const typed = formText(form, "perMinute").replace(/[\s\u00a0\u202f,]/g, "");
  const check = new FormCheck();
  const perMinute = /^\d+$/.test(typed) ? Number(typed) : Number.NaN;
  if (check.required("perMinute", typed) && !(perMinute >= 1 && perMinute <= maxOfficePerMinute))
    check.fail("perMinute", "SENDING_RATE_OUT_OF_RANGE");
  check.throwIfAny();
  const now = deps.clock.now();
  const actor: Actor = { kind: "staff", staffId: staff.staffId, ip: staff.ip };
  await deps.db.transaction(async (tx) => {
    const before = limitFor(await listRateLimits(tx), "office", office.code);
    await setRateLimit(tx, { scope: "office", key: office.code, perMinute }, now);
    await recordAudit(tx, actor, now, {
      action: "office.sending-rate-set",
      subjectType: "office",
      subjectId: office.code,
      officeCode: office.code,
      details: { from: Number.isFinite(before) ? before : null, to: perMinute },
    });
  });
}
