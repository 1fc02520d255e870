import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { readConfig } from "../../src/config.ts";
import { dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { lettersOfApplication } from "../../src/correspondence/store.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import { openFile } from "../../src/files/service.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { createLogger } from "../../src/logger.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { startTestApp, type TestApp, type TestClient } from "../support/app.ts";

// Writing letters through the staff workspace over real HTTP (SPEC C-4..C-12, section 8): the compose
// page and its preview, the refusals of C-5 and C-6 in the person's language with nothing recorded, the
// letter page, its actions, office isolation, and the exact sealed bytes (C-10).

let t: TestApp;
const showcase = (scenario: (typeof demoShowcase)[number]["scenario"]) =>
  demoShowcase.find((s) => s.scenario === scenario)!.number;
const emailFile = showcase("applicant-form-email");
const postFile = showcase("applicant-postal-only");
const composePage = (number: string) => `/agent/files/${number}/letters/new`;
const composeAction = (number: string) => `/agent/files/${number}/letters`;

function escaped(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** The file as the service sees it for agent.mtl: its routed address and application id. */
async function fileOf(number: string) {
  const staff = await findStaffBySubject(t.database.db, "agent.mtl");
  return openFile({ db: t.database.db, clock: t.clock }, { ...staff!, ip: undefined }, number);
}

async function letterCount(number: string): Promise<number> {
  return (await lettersOfApplication(t.database.db, (await fileOf(number)).application.id)).length;
}

async function routedAddress(number: string): Promise<string> {
  const { routing } = await fileOf(number);
  if (routing.channel === "none") throw new Error("no address");
  return routing.address;
}

/** The value a compose page offers in one of its inputs. */
function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  // An empty value is rendered as a bare attribute: `value`.
  return tag ? (/\svalue(?:="([^"]*)")?/.exec(tag)?.[1] ?? "") : undefined;
}

/** The form a browser would post for a request for documents, as the compose page offers it. */
async function requestForDocuments(client: TestClient, number: string, extra: Record<string, string> = {}) {
  const page = await client.get(composePage(number));
  return {
    letterType: "request-documents",
    shownType: "request-documents",
    recipient: inputValue(page.body, "recipient") ?? "",
    deadline: inputValue(page.body, "deadline") ?? "",
    documentsList: "- Police certificate\r\n- Proof of funds",
    intent: "send",
    ...extra,
  };
}

/** Sends a request for documents through the compose form; returns the new letter's id. */
async function sendLetter(client: TestClient, number: string, extra: Record<string, string> = {}) {
  const res = await client.postForm(composeAction(number), await requestForDocuments(client, number, extra), {
    formPage: composePage(number),
  });
  expect(res.status, res.body.slice(0, 2000)).toBe(303);
  const id = /^\/agent\/letters\/([0-9a-f-]{36})\?done=(send|draft)$/.exec(res.location ?? "")?.[1];
  expect(id, res.location ?? "").toBeDefined();
  return id!;
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("composing a letter", () => {
  it("C-5/C-9: the compose page offers every type in the person's language and fills in the routed address", async () => {
    const mtl = await t.clientAs("agent.mtl");
    mtl.cookies.set("lang", "fr");
    const page = await mtl.get(composePage(emailFile));
    expect(page.status).toBe(200);
    for (const type of [
      "request-documents",
      "interview-convocation",
      "approval",
      "refusal",
      "file-transfer",
      "reconsideration-decision",
      "general",
    ] as const)
      expect(page.body).toContain(`>${escaped(fr[`letterType.${type}`])}</option>`);
    expect(inputValue(page.body, "recipient")).toBe(escaped(await routedAddress(emailFile)));
    // C-6: a request for documents (the first type) is offered the default period of 30 days.
    const deadline = inputValue(page.body, "deadline")!;
    const days = (Date.parse(deadline) - Date.parse(new Date().toISOString().slice(0, 10))) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(29);
    expect(days).toBeLessThanOrEqual(31);
    expect(page.body).toContain('type="date"');
    for (const intent of ["preview", "draft", "send"])
      expect(page.body).toContain(`name="intent" value="${intent}"`);
  });

  it("the file page lists the file's letters and links to the compose page", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const page = await mtl.get(`/agent/files/${emailFile}`);
    expect(page.body).toContain(escaped(en["letters.title"]));
    expect(page.body).toContain(`href="${composePage(emailFile)}"`);
    const auditor = await t.clientAs("auditeur");
    const readOnly = await auditor.get(`/agent/files/${emailFile}`);
    expect(readOnly.body).toContain(escaped(en["letters.title"]));
    expect(readOnly.body).not.toContain(`href="${composePage(emailFile)}"`);
    expect((await auditor.get(composePage(emailFile))).status).toBe(403);
  });

  it("a preview shows the subject, the routing, the sender and the body, and records nothing", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await letterCount(emailFile);
    const res = await mtl.postForm(
      composeAction(emailFile),
      await requestForDocuments(mtl, emailFile, { intent: "preview" }),
      { formPage: composePage(emailFile) },
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain(escaped(en["compose.previewTitle"]));
    // C-9: in the recipient's preferred language (French for this applicant).
    expect(res.body).toContain(escaped(`Dossier ${emailFile} : demande de documents supplémentaires`));
    expect(res.body).toContain(escaped(en["file.why.applicant-email"].split("{source}")[0]!));
    expect(res.body).toContain("ircc.mtl-correspondance@ircc.example");
    // The textarea's CRLF came back as the lines the agent typed.
    expect(res.body).toMatch(/<pre class="pre-line"[^>]*>[^<]*- Police certificate\n- Proof of funds/);
    expect(await letterCount(emailFile)).toBe(before);
  });

  it("C-6: a request for documents without a deadline is refused in French for a French reader, and nothing is recorded", async () => {
    const mtl = await t.clientAs("agent.mtl");
    mtl.cookies.set("lang", "fr");
    const before = await letterCount(emailFile);
    const res = await mtl.postForm(
      composeAction(emailFile),
      await requestForDocuments(mtl, emailFile, { deadline: "" }),
      { formPage: composePage(emailFile) },
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(fr["error.DEADLINE_REQUIRED"]));
    expect(res.body).toContain('href="#letter-deadline"');
    // What was typed is kept.
    expect(res.body).toContain("- Police certificate\n- Proof of funds</textarea>");
    expect(await letterCount(emailFile)).toBe(before);
  });

  it("C-5: a retyped recipient that differs from the address on file is refused, and nothing is recorded", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await letterCount(emailFile);
    const address = await routedAddress(emailFile);
    const res = await mtl.postForm(
      composeAction(emailFile),
      await requestForDocuments(mtl, emailFile, { recipient: address.toUpperCase() }),
      { formPage: composePage(emailFile) },
    );
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(en["error.RECIPIENT_NOT_ON_FILE"]));
    expect(inputValue(res.body, "recipient")).toBe(escaped(address.toUpperCase()));
    expect(await letterCount(emailFile)).toBe(before);
  });

  it("a changed type without JavaScript is shown again before anything is written, without the old default deadline", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await letterCount(emailFile);
    const res = await mtl.postForm(
      composeAction(emailFile),
      await requestForDocuments(mtl, emailFile, { letterType: "general", agentNote: "Hello." }),
      { formPage: composePage(emailFile) },
    );
    expect(res.status).toBe(200);
    expect(res.body).toContain(escaped(en["compose.typeChanged"]));
    expect(res.body).toContain(escaped(en["compose.previewTitle"]));
    expect(inputValue(res.body, "deadline")).toBe("");
    expect(inputValue(res.body, "shownType")).toBe("general");
    expect(await letterCount(emailFile)).toBe(before);
  });

  it("an unknown button is refused", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const res = await mtl.postForm(
      composeAction(emailFile),
      await requestForDocuments(mtl, emailFile, { intent: "launch" }),
      { formPage: composePage(emailFile) },
    );
    expect(res.status).toBe(400);
  });
});

describe("a letter's page and actions", () => {
  it("C-12: a good send redirects to the letter page, generated, and the file page lists it", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const id = await sendLetter(mtl, emailFile);
    const page = await mtl.get(`/agent/letters/${id}?done=send`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('data-state="generated"');
    expect(page.body).toContain(escaped(en["letterState.generated"]));
    expect(page.body).toContain(escaped(en["letter.done.send"]));
    expect(page.body).toContain(escaped(await routedAddress(emailFile)));
    expect(page.body).toContain("ircc.mtl-correspondance@ircc.example");
    expect(page.body).toContain(escaped(en["letterEvent.generated"]));
    expect(page.body).toContain(escaped(en["letter.notSealed"]));
    const file = await mtl.get(`/agent/files/${emailFile}`);
    expect(file.body).toContain(`href="/agent/letters/${id}"`);
    const audits = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, "letter.viewed")));
    expect(audits).toHaveLength(1);
  });

  it("a letter of another office is not found: its page, its .eml, its buttons; and nothing changes", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const id = await sendLetter(mtl, emailFile);
    const van = await t.clientAs("agent.van");
    expect((await van.get(`/agent/letters/${id}`)).status).toBe(404);
    expect((await van.get(`/agent/letters/${id}/eml`)).status).toBe(404);
    expect((await van.get(composePage(emailFile))).status).toBe(404);
    const cancel = await van.postForm(`/agent/letters/${id}/cancel`, {}, { formPage: "/agent" });
    expect(cancel.status).toBe(404);
    expect((await mtl.get(`/agent/letters/${id}`)).body).toContain('data-state="generated"');
    expect((await van.get("/agent/letters/not-a-letter")).status).toBe(404);
  });

  it("C-12: a generated letter can be cancelled; cancelling it again says it is not in a state for that", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const id = await sendLetter(mtl, emailFile);
    const page = `/agent/letters/${id}`;
    const res = await mtl.postForm(`${page}/cancel`, {}, { formPage: page });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${page}?done=cancel`);
    const after = await mtl.get(res.location!);
    expect(after.body).toContain('data-state="cancelled"');
    expect(after.body).toContain(escaped(en["letter.done.cancel"]));
    // The buttons are gone; a form posted anyway (an old tab) is refused on the page, in French.
    expect(after.body).not.toContain(`action="${page}/cancel"`);
    mtl.cookies.set("lang", "fr");
    const again = await mtl.postForm(`${page}/cancel`, {}, { formPage: page });
    expect(again.status).toBe(409);
    expect(again.body).toContain(escaped(fr["error.LETTER_NOT_IN_STATE"]));
    expect(again.body).toContain('data-state="cancelled"');
  });

  it("C-12: a draft is saved without being sent, then sent from its page", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const id = await sendLetter(mtl, emailFile, { intent: "draft" });
    const page = `/agent/letters/${id}`;
    const draft = await mtl.get(page);
    expect(draft.body).toContain('data-state="draft"');
    expect(draft.body).toContain(`action="${page}/send"`);
    const res = await mtl.postForm(`${page}/send`, {}, { formPage: page });
    expect(res.status).toBe(303);
    expect(res.location).toBe(`${page}?done=send`);
    expect((await mtl.get(page)).body).toContain('data-state="generated"');
  });

  it("C-4: a letter for a file without consent to email shows the postal address, nothing to type, and goes by post", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const compose = await mtl.get(composePage(postFile));
    expect(compose.body).toContain(escaped(en["compose.recipientPost"]));
    expect(inputValue(compose.body, "recipient")).toBeUndefined();
    const res = await mtl.postForm(
      composeAction(postFile),
      { letterType: "general", shownType: "general", agentNote: "Hello.", intent: "send" },
      { formPage: composePage(postFile) },
    );
    expect(res.status).toBe(303);
    const letter = await mtl.get(res.location!);
    expect(letter.body).toContain(`<dd>${escaped(en["letterChannel.post"])}</dd>`);
    expect(letter.body).toContain(escaped(en["letter.detail.generated.post"]));
  });

  it("C-10/C-11: once dispatched, the letter page shows the SMTP reply, the note and the seal, and the .eml is the exact bytes received", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const id = await sendLetter(mtl, emailFile);
    expect((await mtl.get(`/agent/letters/${id}/eml`)).status).toBe(404);
    const outbound = outboundServices({ ...readConfig({}), dataDir: t.dataDir }, t.devSink);
    try {
      const result = await dispatchDue({
        ...outbound,
        db: t.database.db,
        clock: t.clock,
        logger: createLogger("silent"),
      });
      expect(result.done).toBeGreaterThanOrEqual(1);
    } finally {
      outbound.close();
    }
    const page = await mtl.get(`/agent/letters/${id}`);
    expect(page.body).toContain('data-state="sent"');
    expect(page.body).toContain(escaped(en["letterEvent.sent"]));
    expect(page.body).toMatch(/250 /);
    expect(page.body).not.toMatch(/\bdelivered\b/i);
    expect(page.body).toContain(escaped(en["letter.noteKind.letter-sent"]));
    expect(page.body).toContain('lang="fr"');
    expect(page.body).toContain(`href="/agent/letters/${id}/eml"`);
    expect(page.body).not.toContain(`action="/agent/letters/${id}/cancel"`);

    const res = await fetch(`${t.base}/agent/letters/${id}/eml`, {
      headers: { cookie: [...mtl.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("message/rfc822");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="${id}.eml"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    const sha = /<code>([0-9a-f]{64})<\/code>/.exec(page.body)?.[1];
    const received = (await t.devSink!.list()).find((m) => m.sha256 === sha);
    expect(received).toBeDefined();
    expect(bytes.equals((await t.devSink!.read(received!.id))!)).toBe(true);
    const [downloads] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, "letter.downloaded")));
    expect(downloads!.n).toBe(1);
  });
});
