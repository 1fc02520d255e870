import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { createLetter, openLetter, readComposeInput } from "../../src/correspondence/service.ts";
import { attachmentsOf } from "../../src/correspondence/store.ts";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { openFile } from "../../src/files/service.ts";
import { pdfFile } from "../support/attachment-files.ts";
import { type LetterDesk, openLetterDesk } from "../support/letters.ts";

// The dispatcher works a batch at a time (principle 4): one letter that cannot be sealed must not hold
// back the others claimed with it.

let desk: LetterDesk;
beforeAll(async () => {
  desk = await openLetterDesk();
});
afterAll(async () => {
  await desk?.dispose();
});

describe("a batch of the dispatcher (C-10, C-12)", () => {
  it("regression: a letter whose attachment is gone from the blob store stays due; the rest of its batch is sent", async () => {
    const number = desk.showcase("applicant-form-email");
    const file = await openFile(desk.services(), desk.agent, number);
    const blobs = fileBlobStore(path.join(desk.dataDir, "blobs"));
    const content = pdfFile("Gone before sealing");
    const broken = await createLetter(
      desk.services(),
      desk.agent,
      number,
      readComposeInput({
        letterType: "general",
        agentNote: "See the attached file.",
        recipient: file.routing.channel === "email" ? file.routing.address : "",
      }),
      "send",
      { files: [{ filename: "gone.pdf", content, size: content.length }], blobs },
    );
    const fine = [
      await desk.send(desk.showcase("applicant-wrote-by-email")),
      await desk.send(desk.showcase("representative-with-email")),
    ];
    // The attachment's bytes disappear from the store (a disk restored from an old backup, say).
    const [attachment] = await attachmentsOf(desk.database.db, broken);
    const sha = attachment!.sha256;
    rmSync(path.join(desk.dataDir, "blobs", sha.slice(0, 2), sha.slice(2, 4), sha), { force: true });
    expect(await blobs.get(sha)).toBeUndefined();

    const result = await dispatchDue(desk.dispatch);
    expect(result.claimed).toBe(3);
    expect(result.done).toBe(2);
    for (const id of fine) expect((await openLetter(desk.services(), desk.agent, id)).state).toBe("sent");
    const stuck = await openLetter(desk.services(), desk.agent, broken);
    expect(stuck.state).toBe("generated");
    expect(stuck.events.map((e) => e.kind)).not.toContain("sealed");
  });
});
