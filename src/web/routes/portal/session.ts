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
  const subject = await findPortalSession(db, token, now);
  if (!subject) return undefined;
  return { subject, entry: await portalEntryOf(db, subject) };
}

/** The identity signed in with the external provider, registered or not (the registration page needs it). */
export function requirePortalIdentity(req: FastifyRequest): PortalRequest {
  if (!req.portal) throw new AppError("SIGN_IN_REQUIRED");
  return req.portal;
}

/**
 * The counsel (or, in issue 8, delegate) behind the request, allowed in now; every other state is refused
 * in words: not registered yet, locked (with the lock code), no longer in good standing.
 */
export function requirePortalViewer(req: FastifyRequest): {
  viewer: PortalViewer;
  counsel: CounselSummary;
  ip: string | undefined;
} {
  const { entry } = requirePortalIdentity(req);
  switch (entry.kind) {
    case "counsel":
      return { viewer: entry.viewer, counsel: entry.counsel, ip: req.ip };
    case "locked":
      throw new AccountLockedError(entry.lockCode);
    case "not-registered":
      throw new AppError("PORTAL_NOT_REGISTERED");
    case "not-in-good-standing":
      throw new AppError("COUNSEL_NOT_IN_GOOD_STANDING");
  }
}
