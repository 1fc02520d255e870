import { randomUUID } from "node:crypto";
import { and, desc, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Config } from "../../src/config.ts";
import { resultRows } from "../../src/db/result-rows.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import {
  counsel,
  counselContacts,
  hearings,
  portalDocuments,
  portalForms,
  portalLocks,
  portalNotifications,
  portalSubmissions,
  smsMessages,
} from "../../src/db/schema/portal.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { fileDocument } from "../../src/portal/filing.ts";
import { submitCounselContact } from "../../src/portal/forms.ts";
import type { CounselId } from "../../src/portal/model.ts";
import type { PortalServices } from "../../src/portal/services.ts";
import { AccountLockedError, registerWithCode } from "../../src/portal/sign-in.ts";
import { portalServicesFor } from "../../src/portal/wiring.ts";
import { instantToWallTime, wallTimeToInstant } from "../../src/time-zones.ts";
import { startTestApp, type TestApp, type TestClient } from "../support/app.ts";
import { exeFile, pdfFile } from "../support/attachment-files.ts";
import { signInThroughProvider } from "../support/portal.ts";

// The staff side of My Case over real HTTP (SPEC P-1..P-8): the registry of counsel, access codes by
// SMS (the development outbox), locks and unlocking, the forms queue with its 48 hours, and My Case on
// the file page (documents counsel filed, documents sent to them, hearings).

let t: TestApp;
/** My Case's services as the app builds them, for what counsel do on their side (register, file, forms). */
let portal: PortalServices;
let agent: TestClient;

beforeAll(async () => {
  t = await startTestApp();
  portal = portalServicesFor(
    { dataDir: t.dataDir, dkimSelector: "liaison", devTools: true } as Config,
    t.database.db,
    t.clock,
  );
  agent = await t.clientAs("agent.mtl");
}, 60_000);
afterAll(async () => t.close());

function escaped(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

let members = 0;
/** A counsel as the "Add counsel" form posts one; a fresh member number each time (tests share the database). */
function newCounsel(extra: Record<string, string> = {}) {
  members += 1;
  return {
    name: `Maître Test ${members}`,
    professionalBody: "law-society",
    memberNumber: `T-${Date.now().toString(36).toUpperCase()}-${members}`,
    preferredLanguage: "fr",
    standing: "good",
    email: `counsel${members}@cabinet.example`,
    mobile: `514 555 01${String(members).padStart(2, "0")}`,
    phone: "",
    postalAddress: "",
    ...extra,
  };
}

async function addCounsel(client: TestClient, fields: Record<string, string>): Promise<CounselId> {
  const res = await client.postForm("/agent/counsel", fields, { formPage: "/agent/counsel" });
  expect(res.status).toBe(303);
  const m = /^\/agent\/counsel\/([0-9a-f-]{36})\?done=added$/.exec(res.location ?? "");
  expect(m).not.toBeNull();
  return m![1] as CounselId;
}

/** P-2: staff send the access code; the code is read from the development outbox, as a developer would. */
async function sendAccessCode(client: TestClient, id: string, mobile: string): Promise<string> {
  const page = `/agent/counsel/${id}`;
  const res = await client.postForm(`${page}/access-code`, {}, { formPage: page });
  expect(res.status).toBe(303);
  expect(res.location).toBe(`${page}?done=sent`);
  const [sms] = await t.database.db
    .select()
    .from(smsMessages)
    .where(eq(smsMessages.toNumber, mobile))
    .orderBy(desc(smsMessages.sentAt))
    .limit(1);
  const code = /code d'accès est (\d{6})/.exec(sms?.body ?? "")?.[1];
  expect(code).toMatch(/^\d{6}$/);
  return code!;
}

const usedFiles = new Set<string>();

/** An open Montréal file none of these tests used yet, with no hearing (the demo may schedule some). */
async function openFileNumber(): Promise<string> {
  const result = await t.database.db.execute(sql`
    select a.number from applications a
    where a.office_code = 'MTL' and a.status = 'open'
      and not exists (select 1 from hearings h where h.application_id = a.id)
    order by a.number limit 50`);
  const row = resultRows<{ number: string }>(result).find((r) => !usedFiles.has(r.number));
  if (!row) throw new Error("no open MTL file left");
  usedFiles.add(row.number);
  return row.number;
}

/**
 * A Montréal file whose representative, declared now on an IMM 5476 recorded by staff, is nobody's in
 * the registry yet: the counsel of a test is then linked to it.
 */
async function representedFile(): Promise<string> {
  const number = await openFileNumber();
  const filePage = `/agent/files/${number}`;
  const receivedAt = instantToWallTime(new Date(t.clock.now().getTime() - 60_000), "America/Toronto");
  const res = await agent.postForm(
    `${filePage}/representatives`,
    {
      name: "Cabinet Test",
      email: "",
      postal: "Cabinet Test\n1 rue Notre-Dame Ouest\nMontréal QC  H2Y 1S5",
      preferredLanguage: "fr",
      receivedAt,
    },
    { formPage: filePage },
  );
  expect(res.status).toBe(303);
  return number;
}

describe("the counsel registry (P-1)", () => {
  it("P-1: staff add counsel; a duplicate member and a bad mobile number are refused beside their fields, in English and in French", async () => {
    const page = await agent.get("/agent/counsel");
    expect(page.status).toBe(200);
    expect(page.body).toContain('method="post" action="/agent/counsel"');
    expect(page.body).toContain('href="/agent/counsel"');
    expect(page.body).toContain('href="/agent/portal-forms"');

    const fields = newCounsel({ name: "Maître Anne-Sophie Bélanger", mobile: "(514) 555-0199" });
    const id = await addCounsel(agent, fields);
    const shown = await agent.get(`/agent/counsel/${id}?done=added`);
    expect(shown.status).toBe(200);
    expect(shown.body).toContain("Maître Anne-Sophie Bélanger");
    expect(shown.body).toContain(escaped(en["counsel.done.added"]));
    expect(shown.body).toContain(en["counsel.notRegistered"]);
    expect(shown.body).toContain(en["counsel.standing.good"]);
    // Staff see the mobile number in full (E.164, as stored).
    expect(shown.body).toContain("+15145550199");

    // The registry lists and finds them, by name or exact member number.
    const byName = await agent.get(`/agent/counsel?q=${encodeURIComponent("sophie bél")}`);
    expect(byName.body).toContain(`href="/agent/counsel/${id}"`);
    const byMember = await agent.get(`/agent/counsel?q=${encodeURIComponent(fields.memberNumber)}`);
    expect(byMember.body).toContain(`href="/agent/counsel/${id}"`);
    const other = await agent.get("/agent/counsel?q=Nobody%20by%20that%20name");
    expect(other.body).not.toContain(`href="/agent/counsel/${id}"`);
    expect(other.body).toContain(en["counsel.none"]);

    // The same member of the same body again: refused beside the member number, the form as typed.
    const again = await agent.postForm(
      "/agent/counsel",
      { ...fields, name: "Someone Else" },
      { formPage: "/agent/counsel" },
    );
    expect(again.status).toBe(409);
    expect(again.body).toContain(escaped(en["error.COUNSEL_ALREADY_IN_REGISTRY"]));
    expect(again.body).toContain('href="#add-counsel-memberNumber"');
    expect(again.body).toMatch(/id="add-counsel-memberNumber"[^>]*aria-invalid="true"/);
    expect(again.body).toContain('value="Someone Else"');

    // In French: the same refusals, in French.
    const francais = await t.clientAs("agent.mtl");
    francais.cookies.set("lang", "fr");
    const duplicate = await francais.postForm("/agent/counsel", fields, { formPage: "/agent/counsel" });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body).toContain(escaped(fr["error.COUNSEL_ALREADY_IN_REGISTRY"]));
    const badPhone = await francais.postForm("/agent/counsel", newCounsel({ mobile: "555-01" }), {
      formPage: "/agent/counsel",
    });
    expect(badPhone.status).toBe(400);
    expect(badPhone.body).toContain(escaped(fr["error.INVALID_PHONE"]));
    expect(badPhone.body).toMatch(/id="add-counsel-mobile"[^>]*aria-invalid="true"/);
    const badPhoneEn = await agent.postForm("/agent/counsel", newCounsel({ mobile: "call me" }), {
      formPage: "/agent/counsel",
    });
    expect(badPhoneEn.status).toBe(400);
    expect(badPhoneEn.body).toContain(escaped(en["error.INVALID_PHONE"]));

    const rows = await t.database.db
      .select()
      .from(counsel)
      .where(eq(counsel.memberNumber, fields.memberNumber));
    expect(rows).toHaveLength(1);
  });

  it("P-1: a change of standing is history; the same standing again changes nothing; contacts are corrected, not overwritten", async () => {
    const id = await addCounsel(agent, newCounsel());
    const page = `/agent/counsel/${id}`;
    const suspended = await agent.postForm(`${page}/standing`, { standing: "suspended" }, { formPage: page });
    expect(suspended.status).toBe(303);
    expect(suspended.location).toBe(`${page}?done=saved`);
    const shown = await agent.get(page);
    expect(shown.body).toMatch(new RegExp(`id="counsel-standing">${en["counsel.standing.suspended"]}<`));
    expect(shown.body).toContain(en["counsel.standing.good"]);
    const same = await agent.postForm(`${page}/standing`, { standing: "suspended" }, { formPage: page });
    expect(same.status).toBe(400);
    expect(same.body).toContain(escaped(en["error.NO_CHANGE"]));

    const corrected = await agent.postForm(
      `${page}/contacts`,
      {
        email: "nouvelle@cabinet.example",
        mobile: "+1 438 555 0123",
        phone: "",
        postalAddress: "Cabinet Test\n1 rue Notre-Dame Ouest\nMontréal QC  H2Y 1S5",
      },
      { formPage: page },
    );
    expect(corrected.status).toBe(303);
    const history = await t.database.db
      .select()
      .from(counselContacts)
      .where(eq(counselContacts.counselId, id))
      .orderBy(counselContacts.seq);
    expect(history.map((h) => h.email)).toEqual([
      expect.stringMatching(/@cabinet\.example$/),
      "nouvelle@cabinet.example",
    ]);
    expect(history[1]).toMatchObject({ mobile: "+14385550123", source: "registry" });

    const badFile = await agent.postForm(`${page}/files`, { fileNumber: "12345" }, { formPage: page });
    expect(badFile.status).toBe(400);
    expect(badFile.body).toContain(escaped(en["error.MALFORMED_FILE_NUMBER"]));
  });

  it("P-1: an auditor sees the registry and a counsel's page, but every change is refused (403, in words); an unknown counsel is 404", async () => {
    const id = await addCounsel(agent, newCounsel());
    const auditor = await t.clientAs("auditeur");
    const list = await auditor.get("/agent/counsel");
    expect(list.status).toBe(200);
    expect(list.body).not.toContain('method="post" action="/agent/counsel"');
    expect(list.body).toContain(escaped(en["counsel.readOnly"]));
    const page = `/agent/counsel/${id}`;
    const shown = await auditor.get(page);
    expect(shown.status).toBe(200);
    expect(shown.body).not.toContain(`action="${page}/standing"`);
    expect(shown.body).not.toContain(`action="${page}/access-code"`);

    for (const [path, fields] of [
      ["/agent/counsel", newCounsel()],
      [`${page}/standing`, { standing: "revoked" }],
      [`${page}/contacts`, { email: "x@cabinet.example", mobile: "5145550100" }],
      [`${page}/files`, { fileNumber: "B000000001" }],
      [`${page}/access-code`, {}],
      [`${page}/unlock`, { lockCode: "ABCD-EFGH" }],
    ] as const) {
      const res = await auditor.postForm(path, fields, { formPage: page });
      expect(res.status, path).toBe(403);
      expect(res.body, path).toContain(escaped(en["error.ROLE_NOT_ALLOWED"]));
    }
    const codes = await t.database.db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.toNumber, "+15145550100"));
    expect(codes).toHaveLength(0);

    expect((await agent.get(`/agent/counsel/${randomUUID()}`)).status).toBe(404);
    expect((await agent.get("/agent/counsel/not-an-id")).status).toBe(404);
    // The forms queue is for those who process it.
    expect((await auditor.get("/agent/portal-forms")).status).toBe(403);
  });
});

describe("registration by access code and locks (P-2, P-3)", () => {
  it("P-2: the access code goes by SMS (a row of the development outbox with the code); the page shows the masked number, never the code", async () => {
    const fields = newCounsel({ mobile: "514-555-0142" });
    const id = await addCounsel(agent, fields);
    const page = `/agent/counsel/${id}`;
    expect((await agent.get(page)).body).toContain(`action="${page}/access-code"`);
    const code = await sendAccessCode(agent, id, "+15145550142");
    const shown = await agent.get(`${page}?done=sent`);
    expect(shown.body).toContain("+1 ••• ••• 0142");
    expect(shown.body).toContain('id="access-codes"');
    expect(shown.body).not.toContain(code);
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, "counsel.access-code-issued")));
    expect(audit).toBeDefined();
    expect(JSON.stringify(audit!.details)).not.toContain(code);

    // Registered with the code: the page says so, and no code can be sent any more.
    await registerWithCode(
      portal,
      { subject: `gckey-${randomUUID()}`, ip: undefined },
      { professionalBody: fields.professionalBody, memberNumber: fields.memberNumber, accessCode: code },
    );
    const registered = await agent.get(page);
    expect(registered.body).not.toContain(en["counsel.notRegistered"]);
    expect(registered.body).not.toContain(`action="${page}/access-code"`);
    const twice = await agent.postForm(`${page}/access-code`, {}, { formPage: page });
    expect(twice.status).toBe(409);
    expect(twice.body).toContain(escaped(en["error.ALREADY_REGISTERED"]));
  });

  it("P-1: no access code for counsel who are not in good standing: refused in words, nothing sent", async () => {
    const id = await addCounsel(agent, newCounsel({ standing: "suspended", mobile: "514 555 0177" }));
    const page = `/agent/counsel/${id}`;
    const shown = await agent.get(page);
    expect(shown.body).not.toContain(`action="${page}/access-code"`);
    expect(shown.body).toContain(escaped(en["counsel.inviteNotInGoodStanding"]));
    const refused = await agent.postForm(`${page}/access-code`, {}, { formPage: page });
    expect(refused.status).toBe(409);
    expect(refused.body).toContain(escaped(en["error.COUNSEL_NOT_IN_GOOD_STANDING"]));
    const sent = await t.database.db
      .select()
      .from(smsMessages)
      .where(eq(smsMessages.toNumber, "+15145550177"));
    expect(sent).toHaveLength(0);
  });

  it("P-3: five wrong codes lock the account; the help desk unlocks it with the lock code the caller reads, a wrong one refused in words", async () => {
    const fields = newCounsel({ mobile: "514 555 0163" });
    const id = await addCounsel(agent, fields);
    const code = await sendAccessCode(agent, id, "+15145550163");
    const wrong = code === "000000" ? "111111" : "000000";
    const who = { subject: `gckey-${randomUUID()}`, ip: "192.0.2.7" };
    const attempt = { professionalBody: fields.professionalBody, memberNumber: fields.memberNumber };
    let lockCode: string | undefined;
    for (let i = 1; i <= 5; i++) {
      const e = await registerWithCode(portal, who, { ...attempt, accessCode: wrong }).catch(
        (x: unknown) => x,
      );
      if (i < 5) expect((e as { code: string }).code).toBe("ACCESS_CODE_INVALID");
      else {
        expect(e).toBeInstanceOf(AccountLockedError);
        lockCode = (e as AccountLockedError).lockCode;
      }
    }
    expect(lockCode).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);

    // The help desk (support) sees the lock, not its code.
    const helpDesk = await t.clientAs("soutien");
    const page = `/agent/counsel/${id}`;
    const locked = await helpDesk.get(page);
    expect(locked.body).toContain(`action="${page}/unlock"`);
    expect(locked.body).toContain(en["counsel.lockReason.access-code"]);
    expect(locked.body).not.toContain(lockCode!);

    const mismatch = await helpDesk.postForm(`${page}/unlock`, { lockCode: "ZZZZ-ZZZZ" }, { formPage: page });
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toContain(escaped(en["error.LOCK_CODE_MISMATCH"]));
    expect(mismatch.body).toMatch(/id="unlock-lockCode"[^>]*aria-invalid="true"/);
    // Read out on the phone: lower case, without the dash, is the same code.
    const unlocked = await helpDesk.postForm(
      `${page}/unlock`,
      { lockCode: lockCode!.replace("-", " ").toLowerCase() },
      { formPage: page },
    );
    expect(unlocked.status).toBe(303);
    expect(unlocked.location).toBe(`${page}?done=unlocked`);
    const [lock] = await t.database.db.select().from(portalLocks).where(eq(portalLocks.counselId, id));
    expect(lock?.unlockedAt).not.toBeNull();
    expect(lock?.unlockedBy).toBeTruthy();
    const after = await helpDesk.get(page);
    expect(after.body).toContain(en["counsel.notLocked"]);
    expect(after.body).toContain("Karim Haddad");
    // Unlocking twice: there is no lock any more.
    expect(
      (await helpDesk.postForm(`${page}/unlock`, { lockCode: lockCode! }, { formPage: page })).status,
    ).toBe(404);
  });

  it("P-3: the help desk resets an account to another identity: the old one is signed out and refused, counsel are told, and register the new one with a new code", async () => {
    const fields = newCounsel({ mobile: "514 555 0158" });
    const id = await addCounsel(agent, fields);
    const register = async (subject: string) =>
      registerWithCode(
        portal,
        { subject, ip: "192.0.2.8" },
        {
          professionalBody: fields.professionalBody,
          memberNumber: fields.memberNumber,
          accessCode: await sendAccessCode(agent, id, "+15145550158"),
        },
      );
    const oldIdentity = `gckey.old.${randomUUID().slice(0, 8)}`;
    await register(oldIdentity);
    const oldBrowser = t.anonymous();
    expect((await signInThroughProvider(oldBrowser, oldIdentity)).location).toBe("/portal");
    expect((await oldBrowser.get("/portal/cases")).status).toBe(200);

    const helpDesk = await t.clientAs("soutien");
    const page = `/agent/counsel/${id}`;
    const before = await helpDesk.get(page);
    expect(before.body).toContain(`action="${page}/reset"`);
    expect(before.body).toContain('id="identities"');
    expect(before.body).toContain(en["counsel.identityLive"]);

    // Without the confirmation that the caller's identity was checked: refused beside the box, in words.
    const unconfirmed = await helpDesk.postForm(`${page}/reset`, {}, { formPage: page });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain(escaped(en["error.IDENTITY_NOT_CONFIRMED"]));
    expect(unconfirmed.body).toContain('href="#reset-identityConfirmed"');
    const francais = await t.clientAs("soutien");
    francais.cookies.set("lang", "fr");
    const nonConfirme = await francais.postForm(`${page}/reset`, {}, { formPage: page });
    expect(nonConfirme.status).toBe(400);
    expect(nonConfirme.body).toContain(escaped(fr["error.IDENTITY_NOT_CONFIRMED"]));
    // An auditor may not reset.
    const auditor = await t.clientAs("auditeur");
    const refused = await auditor.postForm(`${page}/reset`, { identityConfirmed: "yes" }, { formPage: page });
    expect(refused.status).toBe(403);
    expect((await oldBrowser.get("/portal/cases")).status).toBe(200);

    const reset = await helpDesk.postForm(`${page}/reset`, { identityConfirmed: "yes" }, { formPage: page });
    expect(reset.status).toBe(303);
    expect(reset.location).toBe(`${page}?done=reset`);
    const after = await helpDesk.get(reset.location!);
    expect(after.body).toContain(escaped(en["counsel.done.reset"]));
    expect(after.body).toContain(en["counsel.notRegistered"]);
    expect(after.body).toContain(`action="${page}/access-code"`);
    expect(after.body).not.toContain(`action="${page}/reset"`);
    expect(after.body).toContain("Karim Haddad");

    // The old identity's session is gone, and signing in again leads to registration, not to the cases.
    const gone = await oldBrowser.get("/portal/cases");
    expect(gone.status).toBe(302);
    expect(gone.location).toMatch(/^\/portal\/sign-in/);
    expect((await signInThroughProvider(t.anonymous(), oldIdentity)).location).toBe("/portal/register");

    // Counsel are told at the address on record; the reset is audited with the staff member.
    const told = await t.database.db
      .select()
      .from(portalNotifications)
      .where(and(eq(portalNotifications.counselId, id), eq(portalNotifications.kind, "account-changed")));
    expect(told.map((n) => n.toAddress)).toEqual([fields.email, fields.email]);
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, "counsel.account-reset")));
    expect(audit?.actorKind).toBe("staff");

    // Twice: nothing left to reset.
    const twice = await helpDesk.postForm(`${page}/reset`, { identityConfirmed: "yes" }, { formPage: page });
    expect(twice.status).toBe(409);
    expect(twice.body).toContain(escaped(en["error.ACCOUNT_NOT_REGISTERED"]));

    // The new identity registers with a new access code and signs in to the same account.
    const newIdentity = `gckey.new.${randomUUID().slice(0, 8)}`;
    expect(await register(newIdentity)).toBe(id);
    expect((await signInThroughProvider(t.anonymous(), newIdentity)).location).toBe("/portal");
    const history = await helpDesk.get(page);
    expect(history.body).toContain(en["counsel.identityLive"]);
    const identities = /<table id="identities">([\s\S]*?)<\/table>/.exec(history.body)?.[1] ?? "";
    expect(identities.match(/<tr>/g)).toHaveLength(3);
    // Bindings and resets are history: the database refuses to rewrite or remove them.
    await expect(t.database.db.execute(sql`delete from portal_account_resets`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`update portal_accounts set subject = 'x'`)).rejects.toThrow();
  });
});

describe("the forms queue (P-8)", () => {
  it("P-8: a contact change from counsel waits in the queue with its 48 hours; applying it records the new contacts; a second decision is refused", async () => {
    const id = await addCounsel(agent, newCounsel({ name: "Maître Queue Applied" }));
    const viewer = { kind: "counsel" as const, counselId: id };
    const { confirmationNumber } = await submitCounselContact(portal, viewer, undefined, {
      email: "demenage@cabinet.example",
      mobile: "+1 514 555 0188",
      phone: "",
      postalAddress: "",
    });
    const [form] = await t.database.db
      .select()
      .from(portalForms)
      .where(eq(portalForms.confirmationNumber, confirmationNumber));
    const queue = await agent.get("/agent/portal-forms");
    expect(queue.status).toBe(200);
    expect(queue.body).toContain(`href="/agent/portal-forms/${form!.id}"`);
    expect(queue.body).toContain("Maître Queue Applied");
    expect(queue.body).toContain(escaped(en["portalForms.kind.counsel-contact"]));
    expect(queue.body).toContain(en["portalForms.dueIn"].replace("{hours}", "48"));

    const page = `/agent/portal-forms/${form!.id}`;
    const shown = await agent.get(page);
    expect(shown.status).toBe(200);
    // Old and new side by side.
    expect(shown.body).toMatch(/counsel\d+@cabinet\.example/);
    expect(shown.body).toContain("demenage@cabinet.example");

    const noReason = await agent.postForm(page, { outcome: "rejected", reason: "" }, { formPage: page });
    expect(noReason.status).toBe(400);
    expect(noReason.body).toContain(escaped(en["error.REQUIRED"]));
    const auditor = await t.clientAs("auditeur");
    expect((await auditor.postForm(page, { outcome: "applied" }, { formPage: "/agent" })).status).toBe(403);

    const applied = await agent.postForm(page, { outcome: "applied", reason: "" }, { formPage: page });
    expect(applied.status).toBe(303);
    expect(applied.location).toBe("/agent/portal-forms?processed=1");
    const [latest] = await t.database.db
      .select()
      .from(counselContacts)
      .where(eq(counselContacts.counselId, id))
      .orderBy(desc(counselContacts.seq))
      .limit(1);
    expect(latest).toMatchObject({
      email: "demenage@cabinet.example",
      mobile: "+15145550188",
      source: "profile-change",
    });
    expect((await agent.get("/agent/portal-forms")).body).not.toContain(`href="${page}"`);
    const decided = await agent.get(page);
    expect(decided.body).toContain('id="form-decision"');
    expect(decided.body).toContain("Camille Tremblay");

    const twice = await agent.postForm(page, { outcome: "rejected", reason: "Late." }, { formPage: page });
    expect(twice.status).toBe(409);
    expect(twice.body).toContain(escaped(en["error.FORM_ALREADY_PROCESSED"]));
    expect((await agent.get(`/agent/portal-forms/${randomUUID()}`)).status).toBe(404);
  });

  it("P-8: a form older than 48 hours is shown overdue", async () => {
    const id = await addCounsel(agent, newCounsel({ name: "Maître Queue Overdue" }));
    const twoDaysAgo = { now: () => new Date(t.clock.now().getTime() - 49 * 3_600_000) };
    const { confirmationNumber } = await submitCounselContact(
      { ...portal, clock: twoDaysAgo },
      { kind: "counsel", counselId: id },
      undefined,
      { email: "retard@cabinet.example", mobile: "+1 514 555 0189", phone: "", postalAddress: "" },
    );
    const [form] = await t.database.db
      .select()
      .from(portalForms)
      .where(eq(portalForms.confirmationNumber, confirmationNumber));
    const queue = await agent.get("/agent/portal-forms");
    const row = new RegExp(
      `<tr data-overdue="true">(?:(?!</tr>).)*href="/agent/portal-forms/${form!.id}"`,
      "s",
    );
    expect(queue.body).toMatch(row);
    expect(queue.body).toContain(en["portalForms.overdue"]);
  });
});

describe("My Case on the file page (P-4, P-5, P-6)", () => {
  it("P-6: staff send a document to the registered counsel from the file; a renamed .exe is refused 415 in words; another office's file is 404", async () => {
    const number = await representedFile();
    const fields = newCounsel({ name: "Maître Inbox", mobile: "514 555 0151" });
    const id = await addCounsel(agent, fields);
    const counselPage = `/agent/counsel/${id}`;
    const linked = await agent.postForm(
      `${counselPage}/files`,
      { fileNumber: number },
      { formPage: counselPage },
    );
    expect(linked.status).toBe(303);
    expect((await agent.get(counselPage)).body).toContain(`href="/agent/files/${number}"`);

    const filePage = `/agent/files/${number}`;
    const action = `${filePage}/portal-documents`;
    const pdf = pdfFile("Notice of hearing");
    // Linked but not registered yet: refused in words, nothing recorded.
    const notYet = await agent.postFiles(
      action,
      { title: "Notice of hearing" },
      "document",
      [{ name: "notice.pdf", content: pdf }],
      { formPage: filePage },
    );
    expect(notYet.status).toBe(409);
    expect(notYet.body).toContain(escaped(en["error.COUNSEL_NOT_ON_PORTAL"]));

    const code = await sendAccessCode(agent, id, "+15145550151");
    await registerWithCode(
      portal,
      { subject: `gckey-${randomUUID()}`, ip: undefined },
      { professionalBody: fields.professionalBody, memberNumber: fields.memberNumber, accessCode: code },
    );
    const page = await agent.get(filePage);
    expect(page.body).toContain(escaped(en["filePortal.onPortal"]));
    expect(page.body).toMatch(/<form[^>]*action="[^"]*portal-documents"[^>]*enctype="multipart\/form-data"/);

    const exe = await agent.postFiles(
      action,
      { title: "Notice of hearing" },
      "document",
      [{ name: "notice.pdf", content: exeFile() }],
      { formPage: filePage },
    );
    expect(exe.status).toBe(415);
    expect(exe.body).toContain(escaped(en["error.ATTACHMENT_TYPE_NOT_ALLOWED"]));
    expect(exe.body).toContain('value="Notice of hearing"');
    expect(
      await t.database.db.select().from(portalDocuments).where(eq(portalDocuments.counselId, id)),
    ).toHaveLength(0);

    const sent = await agent.postFiles(
      action,
      { title: "Notice of hearing" },
      "document",
      [{ name: "notice.pdf", content: pdf }],
      { formPage: filePage },
    );
    expect(sent.status).toBe(303);
    expect(sent.location).toBe(`${filePage}?saved=1`);
    const docs = await t.database.db.select().from(portalDocuments).where(eq(portalDocuments.counselId, id));
    expect(docs).toMatchObject([{ title: "Notice of hearing", filename: "notice.pdf", size: pdf.length }]);
    const notices = await t.database.db
      .select()
      .from(portalNotifications)
      .where(and(eq(portalNotifications.counselId, id), eq(portalNotifications.kind, "document-sent")));
    expect(notices).toHaveLength(1);
    const listed = await agent.get(filePage);
    expect(listed.body).toContain('id="portal-documents"');
    expect(listed.body).toContain(en["filePortal.notRead"]);

    // Another office: the file, and posting to it, are absent.
    const vancouver = await t.clientAs("agent.van");
    expect((await vancouver.get(filePage)).status).toBe(404);
    const elsewhere = await vancouver.postFiles(
      action,
      { title: "x" },
      "document",
      [{ name: "notice.pdf", content: pdf }],
      { formPage: "/agent" },
    );
    expect(elsewhere.status).toBe(404);
    // An auditor reads the file but sends nothing.
    const auditor = await t.clientAs("auditeur");
    const byAuditor = await auditor.postFiles(
      action,
      { title: "x" },
      "document",
      [{ name: "notice.pdf", content: pdf }],
      { formPage: "/agent" },
    );
    expect(byAuditor.status).toBe(403);
    expect(byAuditor.body).toContain(escaped(en["error.ROLE_NOT_ALLOWED"]));
    expect(
      await t.database.db.select().from(portalDocuments).where(eq(portalDocuments.counselId, id)),
    ).toHaveLength(1);
  });

  it("P-5: what counsel filed is listed with its confirmation number and Eastern stamp, and downloaded as received (audited); another office's staff get 404", async () => {
    const number = await representedFile();
    const fields = newCounsel({ name: "Maître Filing", mobile: "514 555 0152" });
    const id = await addCounsel(agent, fields);
    const counselPage = `/agent/counsel/${id}`;
    await agent.postForm(`${counselPage}/files`, { fileNumber: number }, { formPage: counselPage });
    const code = await sendAccessCode(agent, id, "+15145550152");
    await registerWithCode(
      portal,
      { subject: `gckey-${randomUUID()}`, ip: undefined },
      { professionalBody: fields.professionalBody, memberNumber: fields.memberNumber, accessCode: code },
    );
    const pdf = pdfFile("Passport copy");
    const filed = await fileDocument(
      portal,
      { kind: "counsel", counselId: id },
      "192.0.2.8",
      number,
      { kind: "evidence", description: "Copy of the passport" },
      [{ filename: "passport.pdf", content: pdf, size: pdf.length }],
    );
    const [submission] = await t.database.db
      .select()
      .from(portalSubmissions)
      .where(eq(portalSubmissions.confirmationNumber, filed.confirmationNumber));

    const filePage = `/agent/files/${number}`;
    const page = await agent.get(filePage);
    expect(page.body).toContain('id="portal-submissions"');
    expect(page.body).toContain(filed.confirmationNumber);
    expect(page.body).toContain(submission!.receivedEastern);
    expect(page.body).toContain("Copy of the passport");
    const href = `${filePage}/portal-submissions/${submission!.id}`;
    expect(page.body).toContain(`href="${href}"`);

    const res = await fetch(new URL(href, t.base), {
      headers: { cookie: [...agent.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
    const audits = await t.database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.subjectId, submission!.id),
          eq(auditEvents.action, "portal.submission-downloaded"),
        ),
      );
    expect(audits).toHaveLength(1);

    const vancouver = await t.clientAs("agent.van");
    expect((await vancouver.get(href)).status).toBe(404);
    expect((await agent.get(`${filePage}/portal-submissions/${randomUUID()}`)).status).toBe(404);
  });

  it("P-4: a hearing is scheduled in the office's time, in the future only, and listed on the file", async () => {
    const number = await openFileNumber();
    const filePage = `/agent/files/${number}`;
    const zone = "America/Toronto";
    const past = instantToWallTime(new Date(t.clock.now().getTime() - 86_400_000), zone);
    const refused = await agent.postForm(`${filePage}/hearings`, { startsAt: past }, { formPage: filePage });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(escaped(en["error.HEARING_IN_PAST"]));
    expect(refused.body).toMatch(/id="hearing-startsAt"[^>]*aria-invalid="true"/);

    const future = `${instantToWallTime(new Date(t.clock.now().getTime() + 10 * 86_400_000), zone).slice(0, 10)}T09:30`;
    const saved = await agent.postForm(`${filePage}/hearings`, { startsAt: future }, { formPage: filePage });
    expect(saved.status).toBe(303);
    const rows = await t.database.db
      .select()
      .from(hearings)
      .where(sql`${hearings.applicationId} = (select id from applications where number = ${number})`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.startsAt.toISOString()).toBe(wallTimeToInstant(future, zone)!.toISOString());
    expect((await agent.get(filePage)).body).toMatch(/<ul id="hearings"[^>]*><li>[^<]*9:30/);

    const auditor = await t.clientAs("auditeur");
    const byAuditor = await auditor.postForm(
      `${filePage}/hearings`,
      { startsAt: future },
      { formPage: filePage },
    );
    expect(byAuditor.status).toBe(403);
  });
});
