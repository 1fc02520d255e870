import type { CounselId } from "./model.ts";
import { caseShownOn } from "./rules.ts";

// Who may see and do what in My Case, as pure rules (STYLE, "Rules are pure"). Every counsel-facing query
// asks these rules first, through portal/cases.ts; a denial is a 404, the same answer as absence.
//
// The viewer is worked out again on every request (portal/sessions.ts), so a lock, a lost standing or an
// ended delegation (issue 8) takes effect on the next request, not at the next sign-in.

/**
 * The person behind a portal request. A delegate (issue 8) acts in the account of the counsel they chose,
 * and only while that delegation is active at the instant asked: the session resolver builds this value
 * only then, so a delegate viewer here is always an active one.
 */
export type PortalViewer =
  | { kind: "counsel"; counselId: CounselId }
  | { kind: "delegate"; delegateId: string; counselId: CounselId };

/** The account whose cases, inbox and profile the viewer works in. */
export function accountOf(viewer: PortalViewer): CounselId {
  return viewer.counselId;
}

export interface CaseFacts {
  /** Counsel currently declared as representative on the file (IMM 5476), linked in the registry. */
  representedBy: readonly CounselId[];
  status: string;
  finalDecisionOn: string | null;
}

/** P-4: a case is the viewer's when their account represents it and it is still shown at `now`. */
export function maySeeCase(viewer: PortalViewer, c: CaseFacts, now: Date): boolean {
  return c.representedBy.includes(accountOf(viewer)) && caseShownOn(c, now);
}

/** P-6, D-4: only counsel remove items from their general inbox; a delegate cannot, whatever the page shows. */
export function mayRemoveFromInbox(viewer: PortalViewer): boolean {
  return viewer.kind === "counsel";
}

/** P-8: counsel's own contact details are changed by counsel, not by a delegate on their behalf. */
export function mayChangeProfile(viewer: PortalViewer): boolean {
  return viewer.kind === "counsel";
}

/** P-5, D-3: counsel and their active delegates file documents on counsel's cases. */
export function mayFileOn(viewer: PortalViewer, c: CaseFacts, now: Date): boolean {
  return maySeeCase(viewer, c, now);
}
