import { createHash, randomInt } from "node:crypto";
import type { standings } from "../db/schema/portal.ts";

// My Case's rules that need no database: access codes, locks, sessions, the 45 days, confirmation
// numbers and the Eastern time stamp. Services pass the instant; nothing here reads a clock.

export type Standing = (typeof standings)[number];

/** P-1: only counsel in good standing with their body may be invited to register or sign in. */
export function mayUsePortal(standing: Standing | undefined): boolean {
  return standing === "good";
}

/** P-2: an access code is valid 24 hours from its issue. */
export const ACCESS_CODE_TTL_MS = 24 * 3_600_000;
/** P-2, P-3: wrong entries of a code before the account locks. */
export const MAX_CODE_ATTEMPTS = 5;
/** P-3: failed sign-ins attributed to an account, within the window below, before it locks. */
export const MAX_SIGN_IN_FAILURES = 5;
export const SIGN_IN_FAILURE_WINDOW_MS = 24 * 3_600_000;

/** Six digits: what a person copies from a text message without mistakes, with 5 tries of 10^6. */
export function newAccessCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

/**
 * The stored form of a code: SHA-256 over the code id and the code, so two counsel given the same six
 * digits do not share a hash, and a read of the table yields no usable code. Six digits are few, so the
 * protection is the attempt limit and the 24 hours, not the hash.
 */
export function hashAccessCode(codeId: string, code: string): string {
  return createHash("sha256").update(`${codeId}:${code}`).digest("hex");
}

export interface AccessCodeState {
  issuedAt: Date;
  expiresAt: Date;
  usedAt: Date | null;
  replacedAt: Date | null;
  failedAttempts: number;
}

export type CodeCheck = "valid" | "wrong" | "expired" | "used" | "replaced" | "exhausted";

/** P-2: what entering `matches` (the code typed equals the code issued) at `now` amounts to. */
export function checkAccessCode(code: AccessCodeState, matches: boolean, now: Date): CodeCheck {
  if (code.usedAt) return "used";
  if (code.replacedAt) return "replaced";
  if (code.failedAttempts >= MAX_CODE_ATTEMPTS) return "exhausted";
  if (now.getTime() >= code.expiresAt.getTime()) return "expired";
  return matches ? "valid" : "wrong";
}

/**
 * Eight random characters a person reads out or types from an email: no 0/O or 1/I to confuse. Lock
 * codes, confirmation numbers and delegates' invitation codes are all made of them.
 */
export function readableCode(): string {
  const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  let s = "";
  for (let i = 0; i < 8; i++) s += alphabet[randomInt(0, alphabet.length)];
  return s;
}

/** A lock code the person reads out on the phone, grouped by four. */
export function newLockCode(): string {
  const s = readableCode();
  return `${s.slice(0, 4)}-${s.slice(4)}`;
}

/** What staff type, read from a caller: case and spaces do not matter, the dash is optional. */
export function sameLockCode(typed: string, lockCode: string): boolean {
  const norm = (s: string) => s.toUpperCase().replace(/[\s-]/g, "");
  return norm(typed) === norm(lockCode) && norm(typed).length === 8;
}

/** Protected B: a session ends after 30 minutes without a request, and 12 hours after sign-in at most. */
export const PORTAL_IDLE_MS = 30 * 60_000;
export const PORTAL_SESSION_MAX_MS = 12 * 3_600_000;

export function sessionAlive(s: { lastSeenAt: Date; expiresAt: Date }, now: Date): boolean {
  return now.getTime() < s.expiresAt.getTime() && now.getTime() - s.lastSeenAt.getTime() < PORTAL_IDLE_MS;
}

/** P-4: a decided case stays in My cases until 45 days after its final decision. */
export const DAYS_SHOWN_AFTER_DECISION = 45;
export const tribunalTimeZone = "America/Toronto";

/** The calendar day of `at` in Eastern Time, as YYYY-MM-DD. */
export function easternDay(at: Date): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: tribunalTimeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(at);
}

function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const decidedStatuses = new Set(["approved", "refused", "abandoned", "withdrawn"]);

/**
 * P-4: is the case active for My cases at `now`? Open and reopened cases are; a decided one is until the
 * 45th day after its final decision begins in Eastern Time (the decision on 1 March is shown through
 * 14 April and gone on 15 April). A decided case without a decision date is shown: hiding it would hide
 * a data-entry error the seed tells counsel to call about.
 */
export function caseShownOn(c: { status: string; finalDecisionOn: string | null }, now: Date): boolean {
  if (!decidedStatuses.has(c.status) || !c.finalDecisionOn) return true;
  return easternDay(now) < addDays(c.finalDecisionOn, DAYS_SHOWN_AFTER_DECISION);
}

/** The last day a decided case is shown (YYYY-MM-DD, Eastern), for the page to say so. */
export function lastDayShown(finalDecisionOn: string): string {
  return addDays(finalDecisionOn, DAYS_SHOWN_AFTER_DECISION - 1);
}

/**
 * P-5: the time stamp of receipt as Eastern Time reads it, with its offset, so the record says by itself
 * which of EST and EDT it was: "2026-11-27T13:05:22-05:00".
 */
export function easternStamp(at: Date): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", {
      timeZone: tribunalTimeZone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      hourCycle: "h23",
      timeZoneName: "longOffset",
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  const offset = String(parts.timeZoneName).replace("GMT", "") || "+00:00";
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

/**
 * P-5, P-9: a confirmation number people read to the help desk: a prefix for what it confirms, the year,
 * and eight characters without look-alikes. Unique by the table's constraint, random so that numbers do
 * not tell how many others filed.
 */
export function newConfirmationNumber(prefix: "D" | "F", at: Date): string {
  return `${prefix}${easternDay(at).slice(0, 4)}-${readableCode()}`;
}

/** P-8: staff process a contact change within 48 hours of its submission. */
export const FORM_PROCESSING_MS = 48 * 3_600_000;

export function formDueAt(submittedAt: Date): Date {
  return new Date(submittedAt.getTime() + FORM_PROCESSING_MS);
}
