import { desc, eq, sql } from "drizzle-orm";
import { resultRows } from "../../src/db/result-rows.ts";
import { accessCodes, counsel, smsMessages } from "../../src/db/schema/portal.ts";
import { AppError } from "../../src/errors.ts";
import { recordRepresentative, type StaffContext } from "../../src/files/service.ts";
import { addCounsel, inviteToRegister, linkFile } from "../../src/portal/registry.ts";
import { registerWithCode } from "../../src/portal/sign-in.ts";
import type { TestApp, TestClient, TestResponse } from "./app.ts";

// My Case in tests: a counsel added to the registry, invited, and registered with the code read from the
// development SMS outbox, as staff and the counsel would do it.

export async function staffContext(t: TestApp, subject: string): Promise<StaffContext> {
  const { findStaffBySubject } = await import("../../src/auth/store.ts");
  const s = await findStaffBySubject(t.database.db, subject);
  if (!s) throw new Error(`no demo staff ${subject}`);
  return { staffId: s.staffId, postings: s.postings, ip: "127.0.0.1" };
}

/** The access code in the latest text message the development outbox sent to this number. */
export async function lastSmsCode(t: TestApp, mobile: string): Promise<string> {
  const [row] = await t.database.db
    .select()
    .from(smsMessages)
    .where(eq(smsMessages.toNumber, mobile))
    .orderBy(desc(smsMessages.sentAt))
    .limit(1);
  const code = /\b(\d{6})\b/.exec(row?.body ?? "")?.[1];
  if (!code) throw new Error(`no access code was texted to ${mobile}`);
  return code;
}

/** The first `count` open files of the Montréal office (where the demo agent `agent.mtl` works). */
export async function openMontrealFiles(t: TestApp, count: number): Promise<string[]> {
  const result = await t.database.db.execute(
    sql`select number from applications where office_code = 'MTL' and status = 'open' order by number limit ${count}`,
  );
  return resultRows<{ number: string }>(result).map((r) => r.number);
}

/** A representative declared on a Montréal file by the file page's IMM 5476 form, received an hour ago. */
export async function declareRepresentative(
  t: TestApp,
  agent: StaffContext,
  fileNumber: string,
  who: { name: string; email: string; language: "en" | "fr" },
): Promise<void> {
  const receivedAt = new Intl.DateTimeFormat("sv-SE", {
    timeZone: "America/Toronto",
    dateStyle: "short",
    timeStyle: "short",
  })
    .format(new Date(t.clock.now().getTime() - 3_600_000))
    .replace(" ", "T");
  await recordRepresentative({ db: t.database.db, clock: t.clock }, agent, fileNumber, {
    name: who.name,
    email: who.email,
    postal: "100, rue Saint-Jacques\nMontréal QC  H2Y 1L6",
    preferredLanguage: who.language,
    receivedAt,
  });
}

let serial = 0;

export interface TestCounsel {
  id: string;
  memberNumber: string;
  mobile: string;
  email: string;
  subject: string;
}

/**
 * A counsel in the registry, in good standing, declared representative on these files (Montréal's: the
 * agent who records it is posted there) and linked to them, invited and (by default) registered.
 */
export async function registeredCounsel(
  t: TestApp,
  files: readonly string[],
  opts: { register?: boolean; language?: "en" | "fr" } = {},
): Promise<TestCounsel> {
  serial += 1;
  const agent = await staffContext(t, "agent.mtl");
  const memberNumber = `T${process.pid % 10_000}${serial}`;
  const mobile = `+1514555${String(1000 + serial).slice(-4)}`;
  const email = `counsel${serial}@counsel.example`;
  const id = await addCounsel(t.portal, agent, {
    name: `Test Counsel ${serial}`,
    professionalBody: "law-society",
    memberNumber,
    preferredLanguage: opts.language ?? "en",
    standing: "good",
    email,
    mobile,
  });
  // The counsel is declared representative on each file, then linked.
  for (const fileNumber of files) {
    await declareRepresentative(t, agent, fileNumber, {
      name: `Test Counsel ${serial}`,
      email,
      language: opts.language ?? "en",
    });
    await linkFile(t.portal, agent, id, { fileNumber });
  }
  await inviteToRegister(t.portal, agent, id);
  const subject = `gckey.test.${serial}`;
  if (opts.register !== false) {
    const accessCode = await lastSmsCode(t, mobile);
    await registerWithCode(
      t.portal,
      { subject, ip: "127.0.0.1" },
      { professionalBody: "law-society", memberNumber, accessCode },
    );
  }
  return { id, memberNumber, mobile, email, subject };
}

/**
 * Signs in to My Case through the development sign-in partner over real OIDC (authorization code, PKCE),
 * as `subject`, and returns the last response: the portal's answer after the callback.
 */
export async function signInThroughProvider(
  client: TestClient,
  subject: string,
  next = "/portal",
): Promise<TestResponse> {
  let res = await client.get(`/portal/sign-in?next=${encodeURIComponent(next)}`);
  for (let hops = 0; hops < 10; hops++) {
    const location = res.location;
    if (!location) return res;
    const url = new URL(location, client.base);
    if (url.pathname.startsWith("/dev/portal-oidc/interaction/")) {
      res = await client.postForm(`${url.pathname}/login`, { subject }, { formPage: url.pathname });
      continue;
    }
    if (url.pathname === "/portal/callback") return client.get(`${url.pathname}${url.search}`);
    res = await client.get(`${url.pathname}${url.search}`);
  }
  throw new Error("the sign-in did not come back to the portal");
}

export async function expectAppError(p: Promise<unknown>, code: string): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError && e.code === code) return e;
    throw e;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

export { accessCodes, counsel };
