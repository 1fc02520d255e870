import type { FastifyRequest } from "fastify";
import type { Executor } from "../../../db/client.ts";
import { AppError } from "../../../errors.ts";
import type { PortalViewer } from "../../../portal/access.ts";
import {
  AccountLockedError,
  findPortalSession,
  type PortalEntry,
  portalEntryOf,
} from "../../../portal/sign-in.ts";
import type { CounselSummary } from "../../../portal/store.ts";

/** A My Case request: the session's external identity and who that identity is in My Case right now. */
export interface PortalRequest {
  subject: string;
  entry: PortalEntry;
}

export async function portalRequestOf(
  db: Executor,
  token: string,
  now: Date,
): Promise<PortalRequest | undefined> {
  const session = await findPortalSession(db, token, now);
  if (!session) return undefined;
  return {
    subject: session.subject,
    entry: await portalEntryOf(db, session.subject, now, session.actingFor),
  };
}

/** The identity signed in with the external provider, registered or not (the registration page needs it). */
export function requirePortalIdentity(req: FastifyRequest): PortalRequest {
  if (!req.portal) throw new AppError("SIGN_IN_REQUIRED");
  return req.portal;
}

/**
 * The counsel, or the delegate at work in counsel's account, behind the request, allowed in now; every
 * other state is refused in words: not registered yet, locked (with the lock code), no longer in good
 * standing, delegation blocked (D-2) or ended (D-6).
 */
export function requirePortalViewer(req: FastifyRequest): {
  viewer: PortalViewer;
  counsel: CounselSummary;
  ip: string | undefined;
} {
  const { entry } = requirePortalIdentity(req);
  switch (entry.kind) {
    case "counsel":
    case "delegate":
      return { viewer: entry.viewer, counsel: entry.counsel, ip: req.ip };
    case "delegation-blocked":
      throw new AppError("DELEGATION_BLOCKED");
    case "delegation-ended":
      throw new AppError("DELEGATION_ENDED");
    case "locked":
      throw new AccountLockedError(entry.lockCode);
    case "not-registered":
      throw new AppError("PORTAL_NOT_REGISTERED");
    case "not-in-good-standing":
      throw new AppError("COUNSEL_NOT_IN_GOOD_STANDING");
  }
}
