import type { CorrespondenceState } from "../correspondence/rules.ts";
import type { Routing } from "../files/rules.ts";

// What a report means for the letter it concerns (SPEC C-17, C-18, B-5). Pure: the caller passes the
// letter's state and address, the report's kind and action, and where correspondence goes now.

export type BounceOutcome =
  /** C-17: permanent failure, and the party has given another address since: same letter, new record. */
  | { kind: "resend"; routing: Extract<Routing, { channel: "email" | "post" }> }
  /** C-17: permanent failure on the latest address (or no email address any more): the letter goes by post. */
  | { kind: "post" }
  /** C-18, B-5: temporary failure, delay or relay: the sending side retries; a warning to follow up. */
  | { kind: "warning" }
  /** Not a failure (an auto-reply), or a failure of a letter already dealt with: recorded, nothing more. */
  | { kind: "record" };

export function bounceOutcome(input: {
  state: CorrespondenceState;
  letterAddress: string;
  reportKind: "hard" | "soft" | "not-a-bounce";
  action: string | null;
  routingNow: Routing;
}): BounceOutcome {
  const { reportKind, action } = input;
  if (reportKind === "soft" || action === "delayed" || action === "relayed" || action === "expanded")
    return { kind: "warning" };
  if (reportKind !== "hard") return { kind: "record" };
  // Only a letter accepted by the mail server can bounce; a second report of one already bounced is kept.
  if (input.state !== "sent") return { kind: "record" };
  const routing = input.routingNow;
  if (routing.channel === "none") return { kind: "post" };
  if (routing.channel === "email" && routing.address !== input.letterAddress)
    return { kind: "resend", routing };
  return { kind: "post" };
}
