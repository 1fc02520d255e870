import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../../src/config.ts";
import { auditEvents } from "../../src/db/schema/audit.ts";
import { portalSubmissions } from "../../src/db/schema/portal.ts";
import { fileDocument } from "../../src/portal/filing.ts";
import type { CounselId } from "../../src/portal/model.ts";
import type { PortalServices } from "../../src/portal/services.ts";
import { portalServicesFor } from "../../src/portal/wiring.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { type Clamd, EICAR, pdfLike, startClamd } from "../support/clamd.ts";
import { expectAppError, openMontrealFiles, registeredCounsel, type TestCounsel } from "../support/portal.ts";

// P-5: with CLAMD_SOCKET set, every document filed in My Case goes through a real clamd first: a clean
// one is recorded as scanned, an infected one is refused in words and nothing of it is kept, and a
// scanner that does not answer refuses the upload rather than let it in unscanned.

let t: TestApp;
let clamd: Clamd;
let counsel: TestCounsel;
let file: string;
let scanned: PortalServices;

beforeAll(async () => {
  [t, clamd] = await Promise.all([startTestApp(), startClamd()]);
  [file] = (await openMontrealFiles(t, 1)) as [string];
  counsel = await registeredCounsel(t, [file]);
  const config = { ...readConfig({ CLAMD_SOCKET: clamd.socket }), dataDir: t.dataDir };
  scanned = { ...portalServicesFor(config, t.database.db, t.clock), sms: t.portal.sms };
}, 60_000);

afterAll(async () => {
  await clamd?.stop();
  await t?.close();
});

const viewer = () => ({ kind: "counsel" as const, counselId: counsel.id as CounselId });
const upload = (content: Buffer) => [{ filename: "doc.pdf", content, size: content.length }];

describe("P-5: documents filed with a virus scanner configured", () => {
  it("P-5: CLAMD_SOCKET gives My Case a scanner; a clean document is recorded as scanned clean", async () => {
    expect(scanned.scanner).toBeDefined();
    const filed = await fileDocument(
      scanned,
      viewer(),
      undefined,
      file,
      { kind: "evidence", description: "clean" },
      upload(pdfLike("clean")),
    );
    const [row] = await t.database.db
      .select()
      .from(portalSubmissions)
      .where(eq(portalSubmissions.confirmationNumber, filed.confirmationNumber));
    expect(row?.scan).toBe("clean");
  });

  it("P-5: an infected document is refused in words, nothing is recorded, the refusal is audited", async () => {
    const before = (await t.database.db.select().from(portalSubmissions)).length;
    const infected = pdfLike(EICAR.toString("latin1"));
    const e = await expectAppError(
      fileDocument(
        scanned,
        viewer(),
        undefined,
        file,
        { kind: "evidence", description: "bad" },
        upload(infected),
      ),
      "FILE_INFECTED",
    );
    expect(e.problems).toEqual([{ field: "document", code: "FILE_INFECTED" }]);
    expect((await t.database.db.select().from(portalSubmissions)).length).toBe(before);
    const audit = await t.database.db
      .select()
      .from(auditEvents)
      .where(eq(auditEvents.action, "portal.document-refused-infected"));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0]?.details)).toContain("Liaison.Test.EICAR");
  });

  it("P-5: a scanner that does not answer refuses the upload; it is never let in unscanned", async () => {
    const down = {
      ...scanned,
      scanner: portalServicesFor(
        { ...readConfig({ CLAMD_SOCKET: `${clamd.socket}.gone` }), dataDir: t.dataDir },
        t.database.db,
        t.clock,
      ).scanner,
    };
    const before = (await t.database.db.select().from(portalSubmissions)).length;
    await expectAppError(
      fileDocument(
        down,
        viewer(),
        undefined,
        file,
        { kind: "evidence", description: "x" },
        upload(pdfLike("fine")),
      ),
      "SCAN_UNAVAILABLE",
    );
    expect((await t.database.db.select().from(portalSubmissions)).length).toBe(before);
  });
});
