import type { ErrorCode } from "../errors.ts";
import type { LineOfBusiness } from "../files/model.ts";
import type { Routing } from "../files/rules.ts";
import type { LetterType } from "./letter-types.ts";

// Pure rules of a letter's life (SPEC C-5..C-13): whether it may leave, by which channel, with which
// deadline, and which state it is in. No I/O, no clock: callers pass the instant and the data.

/** What the letter says the application may become if the person does not answer (C-14 wording). */
export const nonComplianceOutcome: Record<LineOfBusiness, { en: string; fr: string }> = {
  immigration: { en: "refused", fr: "refusée" },
  citizenship: { en: "declared abandoned", fr: "déclarée abandonnée" },
  refugee: { en: "declared abandoned", fr: "déclarée abandonnée" },
};

// ---------------------------------------------------------------------------------------------------
// States (C-12)

export const correspondenceStates = [
  "draft",
  "generated",
  "sent",
  "bounced",
  "delivered-by-post",
  "cancelled",
] as const;
export type CorrespondenceState = (typeof correspondenceStates)[number];

/**
 * C-12: draft → generated → sent → (bounced | delivered-by-post), and cancelled before sending. A letter
 * for the post goes generated → delivered-by-post when staff mark it mailed; a bounced email goes to the
 * post too (C-17), as the same letter's outcome.
 */
const transitions: Record<CorrespondenceState, readonly CorrespondenceState[]> = {
  draft: ["generated", "cancelled"],
  generated: ["sent", "delivered-by-post", "cancelled"],
  sent: ["bounced"],
  bounced: ["delivered-by-post"],
  "delivered-by-post": [],
  cancelled: [],
};

export function canTransition(from: CorrespondenceState, to: CorrespondenceState): boolean {
  return transitions[from].includes(to);
}

/** The state a letter is in, derived from its transitions in order (principle 3: state is history). */
export function stateAfter(history: readonly CorrespondenceState[]): CorrespondenceState {
  let state: CorrespondenceState = "draft";
  for (const next of history) {
    if (!canTransition(state, next)) throw new RangeError(`C-12: ${state} cannot become ${next}`);
    state = next;
  }
  return state;
}

// ---------------------------------------------------------------------------------------------------
// Deadlines (C-6)

/** A row of the per-country policy table: the default period to answer, from a date on (history). */
export interface ResponsePeriod {
  seq: number;
  /** ISO 3166-1 alpha-2 of the country the office is in, or "*" for the agency-wide default. */
  country: string;
  letterType: LetterType;
  days: number;
  effectiveFrom: Date;
}

/**
 * The default period for this country and letter type in force at `at`: the country's own row if it
 * has one, else the agency-wide one ("*"); the latest effective at that instant wins.
 */
export function responsePeriodAt(
  periods: readonly ResponsePeriod[],
  country: string,
  type: LetterType,
  at: Date,
): ResponsePeriod | undefined {
  const inForce = (c: string) =>
    periods
      .filter((p) => p.country === c && p.letterType === type && p.effectiveFrom.getTime() <= at.getTime())
      .sort((a, b) => a.effectiveFrom.getTime() - b.effectiveFrom.getTime() || a.seq - b.seq)
      .at(-1);
  return inForce(country) ?? inForce("*");
}

/** "YYYY-MM-DD" plus a number of calendar days. */
export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/**
 * C-6: a letter that needs a deadline must have one; the agent may lengthen the default period, never
 * shorten it; and it falls after today (the day of sending, in the office's zone). A letter that needs
 * none may still carry one, but not one already past.
 */
export function checkDeadline(input: {
  needsDeadline: boolean;
  deadline: string | undefined;
  /** Today in the office's time zone, "YYYY-MM-DD". */
  today: string;
  period: ResponsePeriod | undefined;
}): ErrorCode | undefined {
  if (!input.deadline) return input.needsDeadline ? "DEADLINE_REQUIRED" : undefined;
  if (!isIsoDate(input.deadline)) return "INVALID_DATE";
  if (input.deadline <= input.today) return "DEADLINE_IN_PAST";
  if (input.needsDeadline && input.period && input.deadline < addDays(input.today, input.period.days))
    return "DEADLINE_TOO_SHORT";
  return undefined;
}

/** The deadline a form offers by default: today plus the period in force (C-6). */
export function defaultDeadline(today: string, period: ResponsePeriod | undefined): string | undefined {
  return period ? addDays(today, period.days) : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Recipient, sender and channel (C-1, C-4, C-5, C-7, C-13)

/**
 * C-5: the recipient is the routed address, byte for byte, at the moment of sending. A hand-typed
 * address that differs in any byte (case included: we do not guess what a mail server will do) is
 * refused; so is a letter whose recorded address was superseded between composing and sending.
 */
export function checkRecipient(input: {
  routingNow: Routing;
  /** The address recorded on the letter when it was composed. */
  recorded: string | undefined;
  /** An address a person typed, if any: it must equal the routed one. */
  typed?: string | undefined;
}): ErrorCode | undefined {
  const { routingNow } = input;
  if (routingNow.channel === "none") return "NO_ADDRESS";
  if (input.typed !== undefined && input.typed !== "" && input.typed !== routingNow.address)
    return "RECIPIENT_NOT_ON_FILE";
  if (input.recorded !== undefined && input.recorded !== routingNow.address) return "ADDRESS_SUPERSEDED";
  return undefined;
}

/** C-7: mail leaves from the office's generic mailbox and from nothing else. */
export function checkSender(from: string, genericMailbox: string): ErrorCode | undefined {
  return from === genericMailbox ? undefined : "SENDER_NOT_GENERIC_MAILBOX";
}

export type ChannelChoice =
  | { channel: "email"; reason: "consented-email" }
  | { channel: "post"; reason: "no-consented-email" | "over-size-limit" };

/**
 * C-1/C-4/C-13: email only to a consented address and only under the outbound size limit; otherwise
 * the letter is produced for the post and recorded the same way.
 */
export function chooseChannel(
  routing: Routing,
  sealedSize: number | undefined,
  outboundLimitBytes: number,
): ChannelChoice {
  if (routing.channel !== "email") return { channel: "post", reason: "no-consented-email" };
  if (sealedSize !== undefined && sealedSize > outboundLimitBytes)
    return { channel: "post", reason: "over-size-limit" };
  return { channel: "email", reason: "consented-email" };
}
