import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { delegationEvents } from "../../src/db/schema/delegation.ts";
import { ledgerEntries } from "../../src/db/schema/evidence.ts";
import { portalNotifications } from "../../src/db/schema/portal.ts";
import { DAY_MS } from "../../src/delegation/rules.ts";
import {
  acceptInvitation,
  delegatesOf,
  endDelegation,
  inviteDelegate,
  renewDelegation,
  sweepDelegationReminders,
} from "../../src/delegation/service.ts";
import type { CounselId } from "../../src/portal/model.ts";
import { portalEntryOf } from "../../src/portal/sign-in.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { answers, counselViewer, delegateOf } from "../support/delegation.ts";
import { expectAppError, openMontrealFiles, registeredCounsel, type TestCounsel } from "../support/portal.ts";

let t: TestApp;
let counsel: TestCounsel;

beforeAll(async () => {
  t = await startTestApp();
  counsel = await registeredCounsel(t, await openMontrealFiles(t, 1));
}, 60_000);

afterAll(async () => {
  await t?.close();
});

const noticesTo = (to: string, kind: string) =>
  t.database.db
    .select()
    .from(portalNotifications)
    .where(and(eq(portalNotifications.toAddress, to), eq(portalNotifications.kind, kind as never)));

describe("D-1: invitation and registration", () => {
  it("D-1: the invitation notice carries the code; the delegate registers with counsel's answers and their own identity", async () => {
    const d = await delegateOf(t, counsel.id, { register: false });
    const [notice] = await noticesTo(d.email, "delegate-invited");
    const sealed = await t.portal.blobs.get(notice?.sha256 as string);
    expect(sealed?.toString("utf8")).toContain(d.invitationCode);
    expect(sealed?.toString("utf8")).not.toContain(answers[0]);
    const entryBefore = await portalEntryOf(t.database.db, d.subject, t.clock.now());
    expect(entryBefore.kind).toBe("not-registered");
    await acceptInvitation(
      t.portal,
      { subject: d.subject, ip: undefined },
      {
        invitationCode: d.invitationCode.toLowerCase(),
        answer0: "ROSEMONT",
        answer1: "tuesday",
      },
    );
    const entry = await portalEntryOf(t.database.db, d.subject, t.clock.now());
    expect(entry).toMatchObject({
      kind: "delegate",
      viewer: { kind: "delegate", delegateId: d.id, counselId: counsel.id },
    });
    // Used once: the same code again is no longer an open invitation.
    await expectAppError(
      acceptInvitation(
        t.portal,
        { subject: "gckey.other", ip: undefined },
        {
          invitationCode: d.invitationCode,
          answer0: answers[0],
          answer1: answers[1],
        },
      ),
      "INVITATION_INVALID",
    );
    await endDelegation(t.portal, counselViewer(counsel.id), undefined, d.id);
  });

  it("D-1: five wrong sets of answers lock the invitation; counsel must invite again", async () => {
    const d = await delegateOf(t, counsel.id, { register: false });
    const wrong = { invitationCode: d.invitationCode, answer0: "Outremont", answer1: "Monday" };
    for (let i = 0; i < 4; i++) {
      await expectAppError(
        acceptInvitation(t.portal, { subject: d.subject, ip: undefined }, wrong),
        "ANSWERS_WRONG",
      );
    }
    await expectAppError(
      acceptInvitation(t.portal, { subject: d.subject, ip: undefined }, wrong),
      "INVITATION_LOCKED",
    );
    await expectAppError(
      acceptInvitation(
        t.portal,
        { subject: d.subject, ip: undefined },
        { ...wrong, answer0: answers[0], answer1: answers[1] },
      ),
      "INVITATION_INVALID",
    );
    expect(
      (await delegatesOf(t.database.db, counsel.id as CounselId, t.clock.now())).map((x) => x.id),
    ).not.toContain(d.id);
  });

  it("D-1: at most 4 delegates at once; the same address twice is refused; a delegate cannot invite", async () => {
    const c = await registeredCounsel(t, []);
    const made = [];
    for (let i = 0; i < 4; i++) made.push(await delegateOf(t, c.id, { register: i % 2 === 0 }));
    await expectAppError(delegateOf(t, c.id), "DELEGATE_LIMIT_REACHED");
    await endDelegation(t.portal, counselViewer(c.id), undefined, made[0]?.id as string);
    await expectAppError(
      inviteDelegate(t.portal, counselViewer(c.id), undefined, {
        name: "Again",
        email: made[1]?.email as string,
        question0: "q",
        answer0: "a",
        question1: "q",
        answer1: "a",
      }),
      "DELEGATE_ALREADY_INVITED",
    );
    await expectAppError(
      inviteDelegate(
        t.portal,
        { kind: "delegate", delegateId: made[2]?.id as string, counselId: c.id as CounselId },
        undefined,
        {},
      ),
      "ROLE_NOT_ALLOWED",
    );
    const fifth = await delegateOf(t, c.id);
    expect(fifth.id).toBeDefined();
  });

  it("D-1: counsel's own identity cannot register as a delegate", async () => {
    const d = await delegateOf(t, counsel.id, { register: false });
    const other = await registeredCounsel(t, []);
    await expectAppError(
      acceptInvitation(
        t.portal,
        { subject: other.subject, ip: undefined },
        {
          invitationCode: d.invitationCode,
          answer0: answers[0],
          answer1: answers[1],
        },
      ),
      "IDENTITY_IS_COUNSEL",
    );
    await endDelegation(t.portal, counselViewer(counsel.id), undefined, d.id);
  });
});

describe("D-2: the clocks with a moving clock, and the sweep", () => {
  it("D-2: reminder on day 50 (once, however often the sweep runs), blocked on day 60, renewable, gone on day 70", async () => {
    const c = await registeredCounsel(t, []);
    const d = await delegateOf(t, c.id);
    const [granted] = await t.database.db
      .select()
      .from(delegationEvents)
      .where(and(eq(delegationEvents.delegationId, d.id), eq(delegationEvents.kind, "granted")));
    const grantedAt = (granted as { at: Date }).at.getTime();
    const moveTo = (days: number, seconds = 0) =>
      t.clock.advance(grantedAt + days * DAY_MS + seconds * 1000 - t.clock.now().getTime());

    moveTo(50, -1);
    await sweepDelegationReminders(t.portal);
    expect(await noticesTo(c.email, "delegation-renewal-due")).toHaveLength(0);
    moveTo(50);
    await sweepDelegationReminders(t.portal);
    await sweepDelegationReminders(t.portal);
    expect(await noticesTo(c.email, "delegation-renewal-due")).toHaveLength(1);
    expect((await portalEntryOf(t.database.db, d.subject, t.clock.now())).kind).toBe("delegate");

    moveTo(60, -1);
    expect((await portalEntryOf(t.database.db, d.subject, t.clock.now())).kind).toBe("delegate");
    moveTo(60);
    expect((await portalEntryOf(t.database.db, d.subject, t.clock.now())).kind).toBe("delegation-blocked");
    const [listed] = await delegatesOf(t.database.db, c.id as CounselId, t.clock.now());
    expect(listed?.state.kind).toBe("blocked");

    // Renewed while blocked: 60 more days, the delegate is told.
    moveTo(65);
    await renewDelegation(t.portal, counselViewer(c.id), undefined, d.id);
    expect((await portalEntryOf(t.database.db, d.subject, t.clock.now())).kind).toBe("delegate");
    expect(await noticesTo(d.email, "delegate-renewed")).toHaveLength(1);

    // A new cycle: a new reminder on its day 50; not renewed: blocked on its day 60, gone 10 days later.
    // (The renewal happened a few real milliseconds after day 65: one second covers them.)
    moveTo(65 + 50, 1);
    await sweepDelegationReminders(t.portal);
    expect(await noticesTo(c.email, "delegation-renewal-due")).toHaveLength(2);
    moveTo(65 + 70, -1);
    expect((await delegatesOf(t.database.db, c.id as CounselId, t.clock.now())).map((x) => x.id)).toEqual([
      d.id,
    ]);
    moveTo(65 + 70, 1);
    expect(await delegatesOf(t.database.db, c.id as CounselId, t.clock.now())).toEqual([]);
    expect((await portalEntryOf(t.database.db, d.subject, t.clock.now())).kind).toBe("delegation-ended");
    await expectAppError(renewDelegation(t.portal, counselViewer(c.id), undefined, d.id), "NOT_FOUND");
  });

  it("D-6: counsel end a delegation; the next resolution refuses the delegate; the ledger has every step", async () => {
    const c = await registeredCounsel(t, []);
    const d = await delegateOf(t, c.id);
    await renewDelegation(t.portal, counselViewer(c.id), undefined, d.id);
    await endDelegation(t.portal, counselViewer(c.id), undefined, d.id);
    expect((await portalEntryOf(t.database.db, d.subject, t.clock.now())).kind).toBe("delegation-ended");
    const ledger = await t.database.db.select().from(ledgerEntries).where(eq(ledgerEntries.subjectId, d.id));
    expect(ledger.map((l) => l.eventType)).toEqual([
      "liaison.DelegateInvited",
      "liaison.DelegationGranted",
      "liaison.DelegationRenewed",
      "liaison.DelegationRevoked",
    ]);
    // Another counsel cannot end or renew someone else's delegate: the same 404 as absence.
    await expectAppError(endDelegation(t.portal, counselViewer(counsel.id), undefined, d.id), "NOT_FOUND");
  });

  it("D-2: the history is append-only", async () => {
    await expect(t.database.db.execute(sql`update delegation_events set kind = 'renewed'`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from delegation_events`)).rejects.toThrow();
  });
});
