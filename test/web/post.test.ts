import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { createLetter, openLetter, readComposeInput } from "../../src/correspondence/service.ts";
import { ensureCorrespondenceDefaults, notesOfApplication } from "../../src/correspondence/store.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import { openFile, type StaffContext } from "../../src/files/service.ts";
import { en } from "../../src/i18n/en.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { startTestApp, type TestApp } from "../support/app.ts";

// The postal queue over HTTP (C-4, C-11, C-12): a letter without consent to email is printed from a PDF,
// mailed, and recorded like an email.

let t: TestApp;
let agent: StaffContext;
const number = demoShowcase.find((s) => s.scenario === "applicant-postal-only")!.number;
const services = () => ({ db: t.database.db, clock: t.clock });
const escaped = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

beforeAll(async () => {
  t = await startTestApp();
  await ensureCorrespondenceDefaults(t.database.db, t.clock.now());
  agent = { ...(await findStaffBySubject(t.database.db, "agent.mtl"))!, ip: "127.0.0.1" };
});
afterAll(async () => {
  await t?.close();
});

describe("postal queue", () => {
  it("C-4/C-11/C-12: a letter for the post is listed, printed as a PDF, recorded as mailed with its note, then leaves the queue", async () => {
    const file = await openFile(services(), agent, number);
    const recipient = file.routing.channel === "none" ? "" : file.routing.address;
    const id = await createLetter(
      services(),
      agent,
      number,
      readComposeInput({ letterType: "general", agentNote: "Votre dossier est à l’étude.", recipient }),
      "send",
    );
    const mtl = await t.clientAs("agent.mtl");
    const queue = await mtl.get("/agent/post");
    expect(queue.status).toBe(200);
    expect(queue.body).toContain(`/agent/letters/${id}/pdf`);
    expect(queue.body).toContain(escaped(en["post.why.no-consented-email"]));

    const pdf = await fetch(`${t.base}/agent/letters/${id}/pdf`, {
      headers: { cookie: `liaison_session=${mtl.cookies.get("liaison_session")}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(
      Buffer.from(await pdf.arrayBuffer())
        .subarray(0, 5)
        .toString(),
    ).toBe("%PDF-");

    const today = instantToWallTime(t.clock.now(), "America/Toronto").slice(0, 10);
    const future = await mtl.postForm(
      `/agent/letters/${id}/posted`,
      { postedOn: "2999-01-01" },
      { formPage: "/agent/post" },
    );
    expect(future.status).toBe(400);
    expect(future.body).toContain(escaped(en["error.DATE_IN_FUTURE"]));
    expect((await openLetter(services(), agent, id)).state).toBe("generated");

    const ok = await mtl.postForm(
      `/agent/letters/${id}/posted`,
      { postedOn: today },
      { formPage: "/agent/post" },
    );
    expect(ok.status).toBe(303);
    const { state, letter } = await openLetter(services(), agent, id);
    expect(state).toBe("delivered-by-post");
    const note = (await notesOfApplication(t.database.db, letter.applicationId)).find(
      (n) => n.correspondenceId === id,
    )!;
    expect(note.textEn).toContain(letter.address.split("\n")[0]);
    expect(note.textFr).toMatch(/poste/);
    expect((await mtl.get("/agent/post")).body).not.toContain(`/agent/letters/${id}/pdf`);

    const again = await mtl.postForm(
      `/agent/letters/${id}/posted`,
      { postedOn: today },
      { formPage: "/agent/post" },
    );
    expect(again.status).toBe(409);
  });

  it("another office's letter cannot be printed or marked", async () => {
    const file = await openFile(services(), agent, number);
    const recipient = file.routing.channel === "none" ? "" : file.routing.address;
    const id = await createLetter(
      services(),
      agent,
      number,
      readComposeInput({ letterType: "general", agentNote: "x", recipient }),
      "send",
    );
    const van = await t.clientAs("agent.van");
    expect((await van.get(`/agent/letters/${id}/pdf`)).status).toBe(404);
    expect((await van.get("/agent/post")).body).not.toContain(id);
  });
});
