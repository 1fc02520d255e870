import { request as httpRequest } from "node:http";
import { and, eq, sql } from "drizzle-orm";
import { simpleParser } from "mailparser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { readConfig } from "../../src/config.ts";
import { MAX_ATTACHMENT_BYTES } from "../../src/correspondence/attachments.ts";
import { dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { lettersOfApplication } from "../../src/correspondence/store.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { correspondenceAttachments } from "../../src/db/schema/correspondence.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import { openFile } from "../../src/files/service.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { createLogger } from "../../src/logger.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { MAX_REQUEST_BYTES } from "../../src/web/uploads.ts";
import { startTestApp, type TestApp, type TestClient, type TestResponse } from "../support/app.ts";
import { exeFile, pdfFile, pdfOfSize, pngFile } from "../support/attachment-files.ts";

// Letters with attached files, through the staff workspace over real HTTP (SPEC issue "attachments (PDF,
// images; size-limited)", C-10, C-13, section 8): the multipart compose form with its CSRF token, the
// refusals by content and size in the person's language with nothing recorded, the files on the letter
// page and their download (office isolation, audit), and the files sealed into the message byte for byte.

let t: TestApp;
const emailFile = demoShowcase.find((s) => s.scenario === "applicant-form-email")!.number;
const composePage = (number: string) => `/agent/files/${number}/letters/new`;
const composeAction = (number: string) => `/agent/files/${number}/letters`;

function escaped(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}
/** The page's text for a key, as rendered (preact escapes quotes and apostrophes too). */
const rendered = (body: string, text: string) =>
  body.includes(escaped(text)) || body.includes(escaped(text).replace(/&#39;/g, "'"));

/** The correspondence id as the VERP envelope sender carries it. */
const verpTag = (id: string) => id.replaceAll("-", "");

const cookieHeader = (client: TestClient) => [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ");

interface FileToSend {
  name: string;
  content: Buffer;
  /** What the browser declares; Liaison ignores it. */
  type?: string;
}

/** The value a page offers in one of its inputs. */
function inputValue(html: string, name: string): string | undefined {
  const tag = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  return tag ? (/\svalue(?:="([^"]*)")?/.exec(tag)?.[1] ?? "") : undefined;
}

/** Posts the compose form as a browser does, multipart/form-data, fields first and files after. */
async function postMultipart(
  client: TestClient,
  fields: Record<string, string>,
  files: FileToSend[],
  opts: { csrf?: boolean } = {},
): Promise<TestResponse> {
  const form = new FormData();
  if (opts.csrf !== false) {
    const page = await client.get(composePage(emailFile));
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (!token) throw new Error(`no CSRF token on the compose page (status ${page.status})`);
    form.append("_csrf", token);
  }
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  // A browser sends the file input even when no file is chosen: no name, no bytes.
  if (files.length === 0) form.append("attachments", new Blob([]), "");
  for (const f of files)
    form.append(
      "attachments",
      new Blob([new Uint8Array(f.content)], { type: f.type ?? "application/octet-stream" }),
      f.name,
    );
  const res = await fetch(new URL(composeAction(emailFile), t.base), {
    method: "POST",
    headers: { cookie: cookieHeader(client) },
    body: form,
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), body: await res.text() };
}

/** A request for documents as the compose page offers it, to send with files. */
async function requestForDocuments(client: TestClient, extra: Record<string, string> = {}) {
  const page = await client.get(composePage(emailFile));
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

async function applicationId(): Promise<string> {
  const staff = await findStaffBySubject(t.database.db, "agent.mtl");
  const file = await openFile({ db: t.database.db, clock: t.clock }, { ...staff!, ip: undefined }, emailFile);
  return file.application.id;
}

/** How many letters the file has, and how many attachment rows there are: what "nothing recorded" checks. */
async function recorded() {
  const letters = (await lettersOfApplication(t.database.db, await applicationId())).length;
  const [rows] = await t.database.db
    .select({ n: sql<number>`count(*)::int` })
    .from(correspondenceAttachments);
  return { letters, attachments: rows!.n };
}

function letterIdOf(res: TestResponse): string {
  expect(res.status, res.body.slice(0, 3000)).toBe(303);
  const id = /^\/agent\/letters\/([0-9a-f-]{36})\?done=(send|draft)$/.exec(res.location ?? "")?.[1];
  expect(id, res.location ?? "").toBeDefined();
  return id!;
}

async function download(client: TestClient, path: string) {
  const res = await fetch(new URL(path, t.base), { headers: { cookie: cookieHeader(client) } });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

async function dispatch(outboundLimitBytes?: number) {
  const outbound = outboundServices({ ...readConfig({}), dataDir: t.dataDir }, t.devSink);
  try {
    return await dispatchDue({
      ...outbound,
      ...(outboundLimitBytes ? { outboundLimitBytes } : {}),
      db: t.database.db,
      clock: t.clock,
      logger: createLogger("silent"),
    });
  } finally {
    outbound.close();
  }
}

beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe("the compose form takes files", () => {
  it("is a multipart form with a file input, labelled with the accepted types and limits, in French too", async () => {
    const mtl = await t.clientAs("agent.mtl");
    mtl.cookies.set("lang", "fr");
    const page = await mtl.get(composePage(emailFile));
    expect(page.body).toMatch(/<form[^>]*enctype="multipart\/form-data"/);
    expect(page.body).toMatch(/<input type="file" id="letter-attachments" name="attachments" multiple/);
    expect(page.body).toContain('<label for="letter-attachments">');
    expect(page.body).toContain(escaped(fr["compose.attachments"]));
    // French puts a no-break space between a number and its unit.
    expect(page.body.replace(/[\u00a0\u202f]/g, " ")).toContain(
      "au plus 5 fichiers, 5 Mo chacun et 10 Mo en tout",
    );
  });

  it("a preview lists the files by name, type and size, says to attach them again, and records nothing", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await recorded();
    const res = await postMultipart(mtl, await requestForDocuments(mtl, { intent: "preview" }), [
      { name: "Police certificate.png", content: pdfFile(), type: "image/png" },
      { name: "photo", content: pngFile() },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toContain(escaped(en["compose.previewTitle"]));
    expect(res.body).toContain(`Police certificate.pdf (${en["attachmentType.pdf"]}, `);
    expect(res.body).toContain(`photo.png (${en["attachmentType.png"]}, ${pngFile().length} bytes)`);
    expect(rendered(res.body, en["compose.previewAttachmentsAgain"])).toBe(true);
    // The next post is expected to bring them back.
    expect(inputValue(res.body, "attachedBefore")).toBe("Police certificate.png / photo");
    expect(await recorded()).toEqual(before);
  });
});

describe("a letter with files", () => {
  let id: string;
  const pdf = pdfFile("Liste des documents");
  const png = pngFile(3, [0xaf, 0x3c, 0x43]);

  it("a send with a PDF and a PNG writes the letter and its files; the letter page lists them", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await recorded();
    id = letterIdOf(
      await postMultipart(mtl, await requestForDocuments(mtl), [
        { name: "Liste des documents.pdf", content: pdf, type: "application/pdf" },
        { name: "C:\\fakepath\\plan d'accès.PNG", content: png, type: "image/png" },
      ]),
    );
    expect(await recorded()).toEqual({ letters: before.letters + 1, attachments: before.attachments + 2 });
    const rows = await t.database.db
      .select()
      .from(correspondenceAttachments)
      .where(eq(correspondenceAttachments.correspondenceId, id))
      .orderBy(correspondenceAttachments.position);
    expect(rows.map((r) => [r.position, r.filename, r.contentType, r.size])).toEqual([
      [1, "Liste des documents.pdf", "application/pdf", pdf.length],
      [2, "plan d'accès.PNG", "image/png", png.length],
    ]);

    const page = await mtl.get(`/agent/letters/${id}`);
    expect(page.body).toContain('data-state="generated"');
    expect(page.body).toContain(escaped(en["letter.attachments"]));
    expect(page.body).toContain(`href="/agent/letters/${id}/attachments/1"`);
    expect(page.body).toContain(`href="/agent/letters/${id}/attachments/2"`);
    expect(page.body).toContain(">Liste des documents.pdf</a>");
    expect(rendered(page.body, "plan d'accès.PNG")).toBe(true);
    expect(page.body).toContain(escaped(en["attachmentType.png"]));
  });

  it("a letter's files are never changed or removed (append-only, as the letter)", async () => {
    const db = t.database.db;
    const mine = eq(correspondenceAttachments.correspondenceId, id);
    await expect(
      db.update(correspondenceAttachments).set({ filename: "other.pdf" }).where(mine),
    ).rejects.toThrow();
    await expect(db.delete(correspondenceAttachments).where(mine)).rejects.toThrow();
    const rows = await db
      .select()
      .from(correspondenceAttachments)
      .where(mine)
      .orderBy(correspondenceAttachments.position);
    expect(rows.map((r) => r.filename)).toEqual(["Liste des documents.pdf", "plan d'accès.PNG"]);
  });

  it("each file downloads as stored, as a download, and the download is audited", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const first = await download(mtl, `/agent/letters/${id}/attachments/1`);
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get("content-type")).toBe("application/pdf");
    expect(first.res.headers.get("content-disposition")).toBe(
      `attachment; filename="Liste des documents.pdf"; filename*=UTF-8''Liste%20des%20documents.pdf`,
    );
    expect(first.bytes.equals(pdf)).toBe(true);
    const second = await download(mtl, `/agent/letters/${id}/attachments/2`);
    expect(second.res.headers.get("content-type")).toBe("image/png");
    expect(second.res.headers.get("content-disposition")).toBe(
      `attachment; filename="plan d'acces.PNG"; filename*=UTF-8''plan%20d%27acc%C3%A8s.PNG`,
    );
    expect(second.bytes.equals(png)).toBe(true);
    const audits = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, "letter.attachment-downloaded")));
    expect(audits.map((a) => (a.details as { position: number }).position).sort()).toEqual([1, 2]);
    for (const bad of ["3", "0", "-1", "1.0", "x", "99999"])
      expect((await download(mtl, `/agent/letters/${id}/attachments/${bad}`)).res.status, bad).toBe(404);
  });

  it("another office's attachment is not found, and its download is not audited", async () => {
    const van = await t.clientAs("agent.van");
    const [before] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(eq(auditEvents.action, "letter.attachment-downloaded"));
    expect((await download(van, `/agent/letters/${id}/attachments/1`)).res.status).toBe(404);
    expect((await download(van, `/agent/letters/${id}/attachments/2`)).res.status).toBe(404);
    const anonymous = await fetch(new URL(`/agent/letters/${id}/attachments/1`, t.base), {
      redirect: "manual",
    });
    expect(anonymous.status).toBe(302);
    const [after] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditEvents)
      .where(eq(auditEvents.action, "letter.attachment-downloaded"));
    expect(after!.n).toBe(before!.n);
  });

  it("C-10: once dispatched, the sealed message carries both files byte for byte, and the note names them", async () => {
    const mtl = await t.clientAs("agent.mtl");
    expect((await dispatch()).done).toBeGreaterThanOrEqual(1);
    const page = await mtl.get(`/agent/letters/${id}`);
    expect(page.body).toContain('data-state="sent"');
    expect(page.body).toContain("Liste des documents.pdf (");
    const eml = await download(mtl, `/agent/letters/${id}/eml`);
    expect(eml.res.status).toBe(200);
    // What the development mail server received is what is kept.
    const received = (await t.devSink!.list()).find((m) => m.envelopeFrom.includes(verpTag(id)));
    expect(received).toBeDefined();
    expect((await t.devSink!.read(received!.id))!.equals(eml.bytes)).toBe(true);
    const parsed = await simpleParser(eml.bytes);
    expect(parsed.text).toContain("Police certificate");
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([
      ["Liste des documents.pdf", "application/pdf"],
      ["plan d'accès.PNG", "image/png"],
    ]);
    expect(parsed.attachments[0]!.content.equals(pdf)).toBe(true);
    expect(parsed.attachments[1]!.content.equals(png)).toBe(true);
  });
});

describe("bad files are refused in the person's language, and nothing is recorded", () => {
  it("a fake PDF (an executable named .pdf) is refused by its content; the agent is told to attach files again", async () => {
    const mtl = await t.clientAs("agent.mtl");
    mtl.cookies.set("lang", "fr");
    const before = await recorded();
    const res = await postMultipart(mtl, await requestForDocuments(mtl), [
      { name: "Lettre.pdf", content: pdfFile() },
      { name: "Passeport.pdf", content: exeFile(), type: "application/pdf" },
    ]);
    expect(res.status).toBe(415);
    expect(res.body).toContain(escaped(fr["error.ATTACHMENT_TYPE_NOT_ALLOWED"]));
    expect(res.body).toContain('href="#letter-attachments"');
    expect(res.body).toContain(
      escaped(fr["compose.attachmentRefused"].replace("{name}", "Passeport.pdf").split("{reason}")[0]!),
    );
    expect(res.body).toContain(
      escaped(fr["compose.attachmentsAgain"].replace("{names}", "Lettre.pdf / Passeport.pdf")),
    );
    // What was typed is kept; the files are not (a browser cannot keep them).
    expect(res.body).toContain("- Police certificate\n- Proof of funds</textarea>");
    expect(await recorded()).toEqual(before);
  });

  it("a file over 5 MB is refused with the size error, and nothing is recorded", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await recorded();
    const res = await postMultipart(mtl, await requestForDocuments(mtl), [
      { name: "scan.pdf", content: pdfOfSize(MAX_ATTACHMENT_BYTES + 1) },
    ]);
    expect(res.status).toBe(413);
    expect(res.body).toContain(escaped(en["error.ATTACHMENT_TOO_LARGE"]));
    expect(res.body).toContain(escaped(en["compose.title"]));
    expect(await recorded()).toEqual(before);
  });

  it("a file of exactly 5 MB is taken", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const res = await postMultipart(mtl, await requestForDocuments(mtl, { intent: "draft" }), [
      { name: "scan.pdf", content: pdfOfSize(MAX_ATTACHMENT_BYTES) },
    ]);
    letterIdOf(res);
  });

  it("six files are too many, far more are answered the same way, and nothing is recorded", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await recorded();
    const six = Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, content: pngFile(i + 1) }));
    const res = await postMultipart(mtl, await requestForDocuments(mtl), six);
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(en["error.TOO_MANY_ATTACHMENTS"]));
    const many = Array.from({ length: 30 }, (_, i) => ({ name: `p${i}.png`, content: pngFile(1) }));
    const cut = await postMultipart(mtl, await requestForDocuments(mtl), many);
    expect(cut.status).toBe(400);
    expect(cut.body).toContain(escaped(en["error.TOO_MANY_ATTACHMENTS"]));
    expect(await recorded()).toEqual(before);
  });

  it("a form error with files says to attach them again; nothing is recorded", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await recorded();
    const res = await postMultipart(mtl, await requestForDocuments(mtl, { deadline: "" }), [
      { name: "Lettre.pdf", content: pdfFile() },
    ]);
    expect(res.status).toBe(400);
    expect(res.body).toContain(escaped(en["error.DEADLINE_REQUIRED"]));
    expect(rendered(res.body, en["compose.attachmentsAgain"].replace("{names}", "Lettre.pdf"))).toBe(true);
    expect(await recorded()).toEqual(before);
  });

  it("a multipart post without its CSRF token is refused (403), and nothing is recorded", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await recorded();
    const res = await postMultipart(
      mtl,
      await requestForDocuments(mtl),
      [{ name: "a.pdf", content: pdfFile() }],
      {
        csrf: false,
      },
    );
    expect(res.status).toBe(403);
    expect(res.body).toContain(escaped(en["error.CSRF_INVALID"]));
    // With a wrong token too.
    const wrong = await postMultipart(
      mtl,
      { ...(await requestForDocuments(mtl)), _csrf: "not-the-token" },
      [{ name: "a.pdf", content: pdfFile() }],
      { csrf: false },
    );
    expect(wrong.status).toBe(403);
    expect(await recorded()).toEqual(before);
  });

  it("other routes still refuse multipart bodies", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const form = new FormData();
    form.append("postedOn", "2026-01-01");
    const res = await fetch(new URL("/agent/letters/00000000-0000-0000-0000-000000000000/cancel", t.base), {
      method: "POST",
      headers: { cookie: cookieHeader(mtl) },
      body: form,
      redirect: "manual",
    });
    expect(res.status).toBe(415);
  });
});

/**
 * Starts a multipart post by hand with these headers, sends its first bytes, and returns the answer as
 * soon as it comes (the server may answer before the body is sent, and close the connection).
 */
function startPost(client: TestClient, headers: Record<string, string>): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(composeAction(emailFile), t.base), {
      method: "POST",
      headers: {
        cookie: cookieHeader(client),
        "content-type": "multipart/form-data; boundary=xyz",
        ...headers,
      },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        resolve({
          status: res.statusCode ?? 0,
          location: null,
          body: Buffer.concat(chunks).toString("utf8"),
        });
        req.destroy();
      });
    });
    req.on("error", reject);
    req.write('--xyz\r\ncontent-disposition: form-data; name="letterType"\r\n\r\ngeneral\r\n');
  });
}

describe("requests nobody would send from the form", () => {
  it("a post declaring more than the hard limit is not read: the error page says the files are too large, in French", async () => {
    const mtl = await t.clientAs("agent.mtl");
    mtl.cookies.set("lang", "fr");
    const before = await recorded();
    const res = await startPost(mtl, { "content-length": String(MAX_REQUEST_BYTES + 1) });
    expect(res.status).toBe(413);
    expect(res.body).toContain(escaped(fr["error.ATTACHMENT_TOO_LARGE"]));
    expect(await recorded()).toEqual(before);
  });

  it("a multipart post that does not declare its length is refused", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const res = await startPost(mtl, { "transfer-encoding": "chunked" });
    expect(res.status).toBe(411);
  });
});

describe("files sent before and not sent again", () => {
  it("a send after a preview with files, without them, is shown again once before anything is written", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const before = await recorded();
    const preview = await postMultipart(mtl, await requestForDocuments(mtl, { intent: "preview" }), [
      { name: "Lettre.pdf", content: pdfFile() },
    ]);
    const carried = inputValue(preview.body, "attachedBefore");
    expect(carried).toBe("Lettre.pdf");
    const again = await postMultipart(mtl, await requestForDocuments(mtl, { attachedBefore: carried! }), []);
    expect(again.status, t.logs.filter((l) => l.includes("request failed")).join("\n")).toBe(200);
    expect(rendered(again.body, en["compose.attachmentsMissing"].replace("{names}", "Lettre.pdf"))).toBe(
      true,
    );
    expect(again.body).toContain(escaped(en["compose.previewTitle"]));
    expect(inputValue(again.body, "attachedBefore")).toBe("");
    expect(await recorded()).toEqual(before);
    // Pressed again, the letter goes without them.
    const id = letterIdOf(
      await postMultipart(
        mtl,
        await requestForDocuments(mtl, { attachedBefore: inputValue(again.body, "attachedBefore")! }),
        [],
      ),
    );
    expect((await mtl.get(`/agent/letters/${id}`)).body).toContain(escaped(en["letter.attachmentsNone"]));
  });
});

describe("C-13: files count toward the outbound limit", () => {
  it("a letter whose sealed message with its files is over the limit is not emailed; it goes by post, files and all", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const id = letterIdOf(
      await postMultipart(mtl, await requestForDocuments(mtl), [
        { name: "big.pdf", content: pdfOfSize(300_000) },
      ]),
    );
    await dispatch(200_000);
    const page = await mtl.get(`/agent/letters/${id}`);
    expect(page.body).toContain('data-kind="routed-to-post"');
    expect(page.body).not.toContain('data-state="sent"');
    expect(page.body).toContain(escaped(en["letter.attachmentsPost"]));
    expect((await t.devSink!.list()).some((m) => m.envelopeFrom.includes(verpTag(id)))).toBe(false);
  });
});
