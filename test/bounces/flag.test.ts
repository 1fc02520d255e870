import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postalQueue } from "../../src/correspondence/post.ts";
import { lettersOfApplication } from "../../src/correspondence/store.ts";
import { clearNotReceivingFlag, notReceivingFlag, setNotReceivingFlag } from "../../src/files/flags.ts";
import { openFile } from "../../src/files/service.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";

// B-7: a party who says they get nothing from us. Flagged, every later email has a paper twin in the
// postal queue, until the flag is cleared; without a postal address the letter is refused, not half-sent.

let desk: LetterDesk;
beforeAll(async () => {
  desk = await openLetterDesk();
});
afterAll(async () => {
  await desk?.dispose();
});

describe("a file flagged 'not receiving email' (B-7)", () => {
  it("B-7: a reason is required; flagged, a letter goes by email and its copy by post; cleared, by email only", async () => {
    const number = desk.showcase("applicant-form-email");
    await expect(
      setNotReceivingFlag(desk.services(), desk.agent, number, { reason: " " }),
    ).rejects.toMatchObject({
      code: "REQUIRED",
    });
    await setNotReceivingFlag(desk.services(), desk.agent, number, {
      reason: "Called on 2026-11-20: no email from us since May.",
    });
    const file = await openFile(desk.services(), desk.agent, number);
    expect(file.notReceivingEmail?.reason).toMatch(/no email from us/);

    const id = await desk.send(number);
    const letters = await lettersOfApplication(desk.database.db, file.application.id);
    const copy = letters.find((l) => l.events.some((e) => e.kind === "generated" && e.details.copyOf === id));
    expect(copy?.letter.channel).toBe("post");
    expect(copy?.events.find((e) => e.kind === "generated")?.details).toMatchObject({ copyOf: id });
    const queue = await postalQueue(desk.services(), desk.agent);
    expect(queue.map((q) => q.letter.id)).toContain(copy!.letter.id);
    await desk.dispatchAll();

    await clearNotReceivingFlag(desk.services(), desk.agent, number, { reason: "Receives them again." });
    expect(await notReceivingFlag(desk.database.db, file.application.id)).toBeUndefined();
    desk.clock.advance(1_000);
    const before = (await lettersOfApplication(desk.database.db, file.application.id)).length;
    await desk.send(number);
    expect((await lettersOfApplication(desk.database.db, file.application.id)).length).toBe(before + 1);
  });

  it("B-7: the paper copy goes to the recipient's latest postal address, a representative's too", async () => {
    const number = desk.showcase("representative-with-email");
    const file = await openFile(desk.services(), desk.agent, number);
    await setNotReceivingFlag(desk.services(), desk.agent, number, { reason: "Says nothing arrives." });
    const id = await desk.send(number);
    const letters = await lettersOfApplication(desk.database.db, file.application.id);
    const copy = letters.find((l) =>
      l.events.some((e) => e.kind === "generated" && e.details.copyOf === id),
    )!;
    const email = letters.find((l) => l.letter.id === id)!;
    expect(copy.letter.recipientPartyId).toBe(email.letter.recipientPartyId);
    expect(copy.letter.recipientRole).toBe("representative");
    const postal = file.parties.contactPoints.filter(
      (c) => c.kind === "postal" && c.partyId === copy.letter.recipientPartyId,
    );
    expect(copy.letter.address).toBe(postal.at(-1)?.value);
  });
});
