import { readFileSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { batchOutcomes, emptyCounts } from "../../src/batches/rules.ts";
import { generatePendingBatches } from "../../src/batches/service.ts";
import { csvField, csvRow } from "../../src/csv.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { batches } from "../../src/db/schema/batches.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import type { OpenedBatch } from "../../src/web/routes/agent/batch-pages.tsx";
import { progressEvents } from "../../src/web/routes/agent/batches.tsx";
import { startTestApp, type TestApp, type TestClient } from "../support/app.ts";
import { dispatchDemoLetters } from "../support/sent-letters.ts";

// The batch pages over real HTTP (SPEC C-19, C-20): the list and its form, the preview, the creation,
// a batch's page and its account as it is written and sent, the live event stream, the CSV, and who may
// see and do what.

let t: TestApp;
let mtl: TestClient;

beforeAll(async () => {
  t = await startTestApp();
  mtl = await t.clientAs("agent.mtl");
}, 60_000);
afterAll(async () => t.close());

const note = 'Our office moves on 1 March, to "Place Ville-Marie".';
/** A general letter to Montréal's immigration files, as the form posts it. */
const generalForm = (extra: Record<string, string> = {}) => ({
  office: "MTL",
  lineOfBusiness: "immigration",
  status: "",
  receivedFrom: "",
  receivedTo: "",
  represented: "",
  letterType: "general",
  agentNote: note,
  deadlineRule: "none",
  ...extra,
});

function escaped(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const preview = (client: TestClient, fields: Record<string, string>) =>
  client.postForm("/agent/batches/preview", fields, { formPage: "/agent/batches" });
const create = (client: TestClient, fields: Record<string, string>) =>
  client.postForm("/agent/batches", fields, { formPage: "/agent/batches" });

/** The count the batch page shows for one outcome (numbers as written in English: 1,234). */
function countOf(html: string, outcome: string): number {
  const m = new RegExp(`data-count="${outcome}">([\\d,]+)<`).exec(html);
  if (!m) throw new Error(`no count for ${outcome}`);
  return Number(m[1]!.replace(/,/g, ""));
}

/** Creates a batch through the form and answers its id. */
async function createdBatch(fields = generalForm()): Promise<string> {
  const res = await create(mtl, fields);
  expect(res.status).toBe(303);
  const id = /^\/agent\/batches\/([0-9a-f-]{36})\?created=1$/.exec(res.location ?? "")?.[1];
  expect(id, res.location ?? "no location").toBeDefined();
  return id!;
}

/** What `liaison worker` does: write the batches' letters, then send until nothing is left to claim. */
async function generateAndSend() {
  await generatePendingBatches({ db: t.database.db, clock: t.clock });
  for (;;) {
    const { claimed } = await dispatchDemoLetters(t);
    if (claimed === 0) return;
  }
}

/** A minimal RFC 4180 reader: the tests read the CSV back as a spreadsheet would. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\r" && text[i + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      i++;
    } else field += c;
  }
  if (field !== "" || row.length > 0) throw new Error("the last record has no CRLF");
  return rows;
}

/** An event stream read as a browser's EventSource would, one event block at a time. */
async function openEvents(client: TestClient, path: string) {
  const controller = new AbortController();
  const res = await fetch(new URL(path, t.base), {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    signal: controller.signal,
  });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    res,
    /** The next `progress` event's data, or undefined once the server ended the stream. */
    async next(): Promise<
      { counts: Record<string, number>; finished: boolean; members: number } | undefined
    > {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          if (!block.includes("event: progress")) continue;
          return JSON.parse(/^data: (.*)$/m.exec(block)![1]!);
        }
        const { done, value } = await reader.read();
        if (done) return undefined;
        buffer += decoder.decode(value, { stream: true });
      }
    },
    close: () => controller.abort(),
  };
}

describe("the batches page and the form (C-19)", () => {
  it("C-19: lists the office's batches and offers the form to an agent", async () => {
    const res = await mtl.get("/agent/batches");
    expect(res.status).toBe(200);
    expect(res.body).toContain(`<h1>${en["batches.title"]}</h1>`);
    expect(res.body).toContain('href="/agent/batches"');
    expect(res.body).toContain('action="/agent/batches/preview"');
    expect(res.body).toContain(escaped(en["letterType.request-documents"]));
    // Only the letters a batch may write are offered.
    expect(res.body).not.toContain('value="refusal"');
    expect(res.body).toContain(escaped(en["batches.none"]));
  });

  it("C-19: a preview without a type of letter is refused beside the field, in English and in French", async () => {
    const fields = generalForm({ letterType: "" });
    const refused = await preview(mtl, fields);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain('class="error-summary"');
    expect(refused.body).toContain(`<a href="#batch-letterType">${escaped(en["error.REQUIRED"])}</a>`);
    expect(refused.body).toMatch(/<select[^>]*id="batch-letterType"[^>]*aria-invalid="true"/);
    // What was typed stays.
    expect(refused.body).toContain(escaped(note));
    expect(refused.body).toMatch(/<option value="immigration" selected/);

    mtl.cookies.set("lang", "fr");
    try {
      const enFrancais = await preview(mtl, fields);
      expect(enFrancais.status).toBe(400);
      expect(enFrancais.body).toContain(`<html lang="fr"`);
      expect(enFrancais.body).toContain(escaped(fr["error.REQUIRED"]));
      expect(enFrancais.body).toContain(escaped(fr["batches.newTitle"]));
    } finally {
      mtl.cookies.delete("lang");
    }
  });

  it("C-6/C-19: a deadline too short is shown beside the number of days; a decision letter is refused", async () => {
    const short = await preview(mtl, {
      ...generalForm({ letterType: "request-documents", documentsList: "Police certificate" }),
      deadlineRule: "days",
      deadlineDays: "5",
    });
    expect(short.status).toBe(400);
    expect(short.body).toContain(
      `<a href="#batch-deadlineDays">${escaped(en["error.DEADLINE_TOO_SHORT"])}</a>`,
    );
    expect(short.body).toMatch(/<input[^>]*id="batch-deadlineDays"[^>]*aria-invalid="true"/);
    expect(short.body).toMatch(/<input[^>]*value="days"[^>]*checked/);

    const decision = await preview(mtl, generalForm({ letterType: "refusal" }));
    expect(decision.status).toBe(400);
    expect(decision.body).toContain(escaped(en["error.LETTER_TYPE_NOT_FOR_BATCH"]));
  });

  it("C-19/C-20: the preview counts the files, shows a sample, the office's rate and the letter to the first", async () => {
    const res = await preview(mtl, generalForm());
    expect(res.status).toBe(200);
    const [{ n } = { n: 0 }] = (
      (await t.database.db.execute(
        sql`select count(*)::int as n from applications where office_code = 'MTL' and line_of_business = 'immigration'`,
      )) as unknown as { rows: { n: number }[] }
    ).rows;
    expect(n).toBeGreaterThan(0);
    expect(res.body).toContain(`<dd id="batch-count">${n}</dd>`);
    expect(res.body).toMatch(/<a href="\/agent\/files\/[A-Z]\d{9}">/);
    expect(res.body).toContain(escaped(en["batches.rateValue"].replace("{rate}", "30,000")));
    expect(res.body).toContain(escaped(en["batches.estimateUnderMinute"]));
    expect(res.body).toContain(escaped(note));
    // "Create" posts the very fields previewed.
    const createForm =
      /<form method="post" action="\/agent\/batches" id="batch-create">([\s\S]*?)<\/form>/.exec(
        res.body,
      )?.[1];
    expect(createForm).toContain('name="letterType" value="general"');
    expect(createForm).toContain(`name="agentNote" value="${escaped(note)}"`);
    // Nothing is recorded by a preview.
    expect(await t.database.db.select().from(batches)).toHaveLength(0);
  });
});

describe("a batch's page, its progress and its account (C-19, C-20)", () => {
  let id: string;
  let members: number;

  it("C-19: creating sends the agent to the batch's page, where every letter is still to be written", async () => {
    id = await createdBatch();
    const [row] = await t.database.db.select().from(batches).where(eq(batches.id, id));
    members = row!.members;
    const page = await mtl.get(`/agent/batches/${id}?created=1`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(escaped(en["batches.createdNotice"]));
    expect(page.body).toContain(escaped(en["batches.outcome.waiting"]));
    expect(countOf(page.body, "waiting")).toBe(members);
    expect(page.body).toContain(escaped(en["batches.inProgress"]));
    // Without JavaScript it reloads itself; with it, the script follows the event stream.
    expect(page.body).toContain('<noscript><meta http-equiv="refresh" content="5"/></noscript>');
    expect(page.body).toContain('<script src="/static/batch-progress.js" defer>');
    expect(page.body).toContain(`data-src="/agent/batches/${id}/progress"`);
    expect(page.body).toMatch(new RegExp(`<progress id="batch-progress-bar" max="${members}" value="0"`));
    expect(page.body).toContain(`href="/agent/batches/${id}/account.csv"`);
    // And it is on the list.
    expect((await mtl.get("/agent/batches")).body).toContain(`href="/agent/batches/${id}"`);
  });

  it("C-20: the event stream tells the account now, then as letters are sent, and ends when it is finished", async () => {
    await generatePendingBatches({ db: t.database.db, clock: t.clock });
    const events = await openEvents(mtl, `/agent/batches/${id}/progress`);
    try {
      expect(events.res.status).toBe(200);
      expect(events.res.headers.get("content-type")).toMatch(/^text\/event-stream/);
      expect(events.res.headers.get("cache-control")).toBe("no-cache");
      const first = await events.next();
      expect(first).toMatchObject({ finished: false, members });
      expect(first!.counts.waiting).toBe(0);
      expect(first!.counts.pending).toBeGreaterThan(0);

      await generateAndSend();
      let last = first;
      for (let e = await events.next(); e; e = await events.next()) last = e;
      expect(last).toMatchObject({ finished: true, members });
      expect(last!.counts.pending).toBe(0);
      expect(Object.keys(last!.counts).sort()).toEqual([...batchOutcomes].sort());
    } finally {
      events.close();
    }
  });

  it("C-20: the page then says the batch is finished, with each outcome counted, and stops reloading", async () => {
    const page = await mtl.get(`/agent/batches/${id}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain(escaped(en["batches.finished"]));
    expect(page.body).not.toContain('http-equiv="refresh"');
    const counts = batchOutcomes.map((o) => countOf(page.body, o));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(members);
    expect(countOf(page.body, "sent")).toBeGreaterThan(0);
    expect(countOf(page.body, "waiting") + countOf(page.body, "pending")).toBe(0);
    // A finished batch's stream says so once and ends.
    const events = await openEvents(mtl, `/agent/batches/${id}/progress`);
    expect(await events.next()).toMatchObject({ finished: true, members });
    expect(await events.next()).toBeUndefined();
  });

  it("C-20: the account downloads as CSV, one line per file, and the download is on the audit trail", async () => {
    const res = await fetch(new URL(`/agent/batches/${id}/account.csv`, t.base), {
      headers: { cookie: [...mtl.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe(`attachment; filename="batch-${id}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString("utf8");
    expect(
      text.startsWith("file,letter,recipient_role,channel,outcome,reason,accepted_at,smtp_reply\r\n"),
    ).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header).toHaveLength(8);
    expect(rows).toHaveLength(members);
    expect(rows.every((r) => r.length === 8)).toBe(true);
    expect(new Set(rows.map((r) => r[0])).size).toBe(members);
    for (const [, letter, , channel, outcome, reason, acceptedAt, smtpReply] of rows) {
      expect(batchOutcomes).toContain(outcome);
      if (outcome === "failed") expect(reason, "a failure says why").not.toBe("");
      if (outcome === "sent") {
        expect(letter).toMatch(/^[0-9a-f-]{36}$/);
        expect(channel).toBe("email");
        expect(acceptedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
        expect(smtpReply).toMatch(/^250/);
      }
    }
    const [audit] = await t.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectId, id), eq(auditEvents.action, "batch.account-exported")));
    expect(audit).toMatchObject({ officeCode: "MTL", details: { members } });
    expect(JSON.stringify(audit!.details)).not.toMatch(/[A-Z]\d{9}/);
  });

  it("C-20: a CSV field is quoted as RFC 4180 says, and never read as a formula", () => {
    expect(csvField("250 2.0.0 Ok")).toBe("250 2.0.0 Ok");
    expect(csvField("queued, as 12")).toBe('"queued, as 12"');
    expect(csvField('say "yes"')).toBe('"say ""yes"""');
    expect(csvField("two\r\nlines")).toBe('"two\r\nlines"');
    expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
    expect(csvField("+1")).toBe("'+1");
    expect(csvField("-1")).toBe("'-1");
    expect(csvField("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvField('=A1,"B"')).toBe('"\'=A1,""B"""');
    expect(csvField(null)).toBe("");
    expect(csvRow(["a", 'b"c', null])).toBe('a,"b""c",\r\n');
    expect(parseCsv(csvRow(["x,y", 'q"q', "l\nl"]))).toEqual([["x,y", 'q"q', "l\nl"]]);
  });

  it("C-19: another office's agent finds neither the batch, nor its stream, nor its account", async () => {
    const van = await t.clientAs("agent.van");
    for (const path of [
      `/agent/batches/${id}`,
      `/agent/batches/${id}/progress`,
      `/agent/batches/${id}/account.csv`,
    ]) {
      const res = await van.get(path);
      expect(res.status, path).toBe(404);
    }
    expect((await van.get("/agent/batches")).body).not.toContain(id);
    expect((await mtl.get("/agent/batches/not-a-batch")).status).toBe(404);
  });

  it("C-19: an auditor reads the batches of their offices but has no form, and may not preview or create", async () => {
    const auditor = await t.clientAs("auditeur");
    const list = await auditor.get("/agent/batches");
    expect(list.status).toBe(200);
    expect(list.body).toContain(`href="/agent/batches/${id}"`);
    expect(list.body).toContain(escaped(en["batches.readOnly"]));
    expect(list.body).not.toContain('action="/agent/batches/preview"');
    expect((await auditor.get(`/agent/batches/${id}`)).status).toBe(200);
    const before = (await t.database.db.select().from(batches)).length;
    expect((await preview(auditor, generalForm())).status).toBe(403);
    const refused = await create(auditor, generalForm());
    expect(refused.status).toBe(403);
    expect(refused.body).toContain(escaped(en["error.ROLE_NOT_ALLOWED"]));
    expect(await t.database.db.select().from(batches)).toHaveLength(before);
  });

  it("C-20: an agent stops a batch from a confirmation page of its own; the batch's page then says who stopped it and what it did", async () => {
    const stopping = await createdBatch(generalForm({ lineOfBusiness: "citizenship" }));
    await generatePendingBatches({ db: t.database.db, clock: t.clock });
    const path = `/agent/batches/${stopping}`;
    const page = await mtl.get(path);
    expect(page.body).toContain(`href="${path}/stop"`);
    // The batch's page reloads itself without JavaScript: the form is on a page that does not.
    expect(page.body).not.toContain(`action="${path}/stop"`);
    const confirm = await mtl.get(`${path}/stop`);
    expect(confirm.status).toBe(200);
    expect(confirm.body).toContain(`action="${path}/stop"`);
    expect(confirm.body).toContain(escaped(en["batches.stopIntro"]));
    expect(confirm.body).not.toContain('http-equiv="refresh"');

    // An auditor has no link, no page, and may not stop it.
    const auditor = await t.clientAs("auditeur");
    expect((await auditor.get(path)).body).not.toContain(`href="${path}/stop"`);
    expect((await auditor.get(`${path}/stop`)).status).toBe(403);
    expect((await auditor.postForm(`${path}/stop`, { confirm: "yes" }, { formPage: path })).status).toBe(403);

    // Unconfirmed: refused beside the box, in French for a French session, on the confirmation page.
    const francais = await t.clientAs("agent.mtl");
    francais.cookies.set("lang", "fr");
    const unconfirmed = await francais.postForm(`${path}/stop`, {}, { formPage: `${path}/stop` });
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.body).toContain(escaped(fr["error.BATCH_STOP_NOT_CONFIRMED"]));
    expect(unconfirmed.body).toContain('href="#stop-confirm"');
    expect(unconfirmed.body).toContain(`action="${path}/stop"`);

    const stopped = await mtl.postForm(`${path}/stop`, { confirm: "yes" }, { formPage: `${path}/stop` });
    expect(stopped.status).toBe(303);
    expect(stopped.location).toBe(path);
    const after = await mtl.get(path);
    expect(after.body).toContain('id="batch-stopped"');
    expect(after.body).toContain("Camille Tremblay");
    expect(after.body).not.toContain(`href="${path}/stop"`);
    expect(after.body).toContain(escaped(en["batches.finished"]));
    // The confirmation page has nothing left to confirm: back to the batch.
    const late = await mtl.get(`${path}/stop`);
    expect(late.status).toBe(303);
    expect(late.location).toBe(path);
    expect(countOf(after.body, "pending") + countOf(after.body, "waiting")).toBe(0);
    const again = await mtl.postForm(`${path}/stop`, { confirm: "yes" }, { formPage: path });
    expect(again.status).toBe(409);
    expect(again.body).toContain(escaped(en["error.BATCH_ALREADY_STOPPED"]));
  });

  it("C-20: the progress script is served from our origin, as JavaScript the CSP allows", async () => {
    const res = await fetch(new URL("/static/batch-progress.js", t.base));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await res.text()).toContain("EventSource");
    const page = await fetch(new URL(`/agent/batches/${id}`, t.base), {
      headers: { cookie: [...mtl.cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
    });
    expect(page.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});

describe("the progress script (C-20)", () => {
  /** The batch page's live region as the script sees it: elements found by the selectors it uses. */
  function fakePage(finished: boolean) {
    const element = (text: string) => ({ textContent: text });
    const elements: Record<string, { textContent: string; max?: number; value?: number }> = {
      '[data-count="waiting"]': element("3"),
      '[data-count="pending"]': element("0"),
      '[data-count="sent"]': element("0"),
      "[data-accounted]": element("0"),
      "[data-status]": element(en["batches.inProgress"]),
      progress: { textContent: "0/3", max: 3, value: 0 },
    };
    const attributes: Record<string, string> = {
      "data-finished": finished ? "true" : "false",
      "data-src": "/agent/batches/b/progress",
      "data-finished-text": fr["batches.finished"],
      "data-locale": "fr-CA",
    };
    const region = {
      getAttribute: (name: string) => attributes[name] ?? null,
      setAttribute: (name: string, value: string) => {
        attributes[name] = value;
      },
      querySelector: (selector: string) => elements[selector] ?? null,
    };
    const sources: { url: string; closed: boolean; emit(data: unknown): void }[] = [];
    class FakeEventSource {
      closed = false;
      listeners: ((e: { data: string }) => void)[] = [];
      constructor(readonly url: string) {
        sources.push(this as never);
      }
      addEventListener(kind: string, listener: (e: { data: string }) => void) {
        if (kind === "progress") this.listeners.push(listener);
      }
      emit(data: unknown) {
        for (const l of this.listeners) l({ data: JSON.stringify(data) });
      }
      close() {
        this.closed = true;
      }
    }
    const script = readFileSync(new URL("../../src/web/static/batch-progress.js", import.meta.url), "utf8");
    const window = { EventSource: FakeEventSource };
    const stopForm = { hidden: false };
    runInNewContext(script, {
      window,
      EventSource: FakeEventSource,
      Intl,
      document: {
        querySelector: (s: string) => (s === "[data-batch-progress]" ? region : null),
        querySelectorAll: (s: string) => (s === "[data-while-running]" ? [stopForm] : []),
      },
    });
    return { elements, attributes, sources, stopForm };
  }

  it("C-20: updates the counts, the bar and the status in place, in the page's words, and stops when finished", () => {
    const page = fakePage(false);
    expect(page.sources).toHaveLength(1);
    const [source] = page.sources;
    expect(source!.url).toBe("/agent/batches/b/progress");
    source!.emit({ counts: { waiting: 0, pending: 2, sent: 1 }, finished: false, members: 3 });
    expect(page.elements['[data-count="pending"]']!.textContent).toBe("2");
    expect(page.elements["[data-accounted]"]!.textContent).toBe("1");
    expect(page.elements.progress).toMatchObject({ max: 3, value: 1 });
    expect(page.elements["[data-status]"]!.textContent).toBe(en["batches.inProgress"]);
    expect(source!.closed).toBe(false);
    expect(page.stopForm.hidden).toBe(false);
    source!.emit({ counts: { waiting: 0, pending: 0, sent: 3 }, finished: true, members: 3 });
    expect(page.elements['[data-count="sent"]']!.textContent).toBe("3");
    expect(page.elements["[data-status]"]!.textContent).toBe(fr["batches.finished"]);
    expect(page.attributes["data-finished"]).toBe("true");
    expect(source!.closed).toBe(true);
    // Finished: nothing is left to stop, and the stop form goes.
    expect(page.stopForm.hidden).toBe(true);
  });

  it("C-20: a finished batch's page opens no stream", () => {
    expect(fakePage(true).sources).toHaveLength(0);
  });
});

describe("the event stream's timer (C-20)", () => {
  it("C-20: looks every second, says nothing new but a keep-alive, and stops once its client has gone", async () => {
    vi.useFakeTimers();
    try {
      let reloads = 0;
      const opened = {
        batch: { members: 2 },
        counts: { ...emptyCounts(), waiting: 2 },
        finished: false,
      } as unknown as OpenedBatch;
      const stream = progressEvents(
        opened,
        async () => {
          reloads++;
          return opened;
        },
        () => {},
      );
      let written = "";
      stream.on("data", (chunk: Buffer) => {
        written += chunk.toString("utf8");
      });
      await vi.advanceTimersByTimeAsync(15_500);
      expect(reloads).toBe(15);
      // One event (nothing changed since), then a keep-alive after fifteen quiet looks.
      expect(written.match(/event: progress/g)).toHaveLength(1);
      expect(written).toContain(": keep-alive\n\n");
      stream.destroy();
      await vi.advanceTimersByTimeAsync(5_000);
      expect(reloads).toBe(15);
    } finally {
      vi.useRealTimers();
    }
  });
});
