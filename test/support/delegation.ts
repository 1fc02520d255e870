import { and, desc, eq } from "drizzle-orm";
import { delegations } from "../../src/db/schema/delegation.ts";
import { acceptInvitation, inviteDelegate } from "../../src/delegation/service.ts";
import type { PortalViewer } from "../../src/portal/access.ts";
import type { CounselId } from "../../src/portal/model.ts";
import type { TestApp } from "./app.ts";

// Delegates in tests: invited by a counsel with two questions, and registered by answering them, as
// counsel and the delegate do it in My Case.

let serial = 0;

export const answers = ["Rosemont", "Tuesday"] as const;

export interface TestDelegate {
  id: string;
  subject: string;
  email: string;
  invitationCode: string;
}

export function counselViewer(counselId: string): PortalViewer {
  return { kind: "counsel", counselId: counselId as CounselId };
}

/** Counsel invite a delegate; `register` (the default) has the delegate answer with their own identity. */
export async function delegateOf(
  t: TestApp,
  counselId: string,
  opts: { register?: boolean; subject?: string } = {},
): Promise<TestDelegate> {
  serial += 1;
  const email = `delegate${serial}@office.example`;
  const { id } = await inviteDelegate(t.portal, counselViewer(counselId), "127.0.0.1", {
    name: `Delegate ${serial}`,
    email,
    question0: "Which borough is our office in?",
    answer0: answers[0],
    question1: "Which day is the team meeting?",
    answer1: answers[1],
  });
  const [row] = await t.database.db
    .select()
    .from(delegations)
    .where(and(eq(delegations.id, id), eq(delegations.counselId, counselId)))
    .orderBy(desc(delegations.invitedAt))
    .limit(1);
  const subject = opts.subject ?? `gckey.delegate.${serial}`;
  const invitationCode = row?.invitationCode as string;
  if (opts.register !== false) {
    await acceptInvitation(
      t.portal,
      { subject, ip: "127.0.0.1" },
      { invitationCode, answer0: answers[0].toLowerCase(), answer1: ` ${answers[1]} ` },
    );
  }
  return { id, subject, email, invitationCode };
}
