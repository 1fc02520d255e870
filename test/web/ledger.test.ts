import crypto from "node:crypto";
import { unzipSync } from "fflate";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { createLetter, readComposeInput } from "../../src/correspondence/service.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import { loadOrCreateLedgerKey } from "../../src/evidence/ledger-key.ts";
import { verifyConsistency } from "../../src/evidence/merkle.ts";
import { type SignedTreeHead, verifyTreeHeadSignature } from "../../src/evidence/tree-head.ts";
import { verifyPackage } from "../../src/evidence/verify-package.ts";
import { openFile, type StaffContext } from "../../src/files/service.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { startTestApp, type TestApp } from "../support/app.ts";
import { sendDemoLetter } from "../support/sent-letters.ts";

// The ledger and proof packages over HTTP (B-1, B-2, B-3): the published key, the ledger page and its
// "sign now", and a letter's proof package downloaded from its page, only by staff of its office.

let t: TestApp;
let agent: StaffContext;
let letterId: string;
const escaped = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

beforeAll(async () => {
  t = await startTestApp();
  agent = { ...(await findStaffBySubject(t.database.db, "agent.mtl"))!, ip: "127.0.0.1" };
  letterId = (
    await sendDemoLetter(t, "applicant-form-email", {
      letterType: "general",
      agentNote: "Your file is under review.",
    })
  ).id;
});
afterAll(async () => {
  await t?.close();
});

async function download(cookie: string | undefined, path: string) {
  const res = await fetch(`${t.base}${path}`, {
    headers: cookie ? { cookie: `liaison_session=${cookie}` } : {},
  });
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

describe("ledger pages (B-2)", () => {
  it("B-3: the public key is published at /.well-known/liaison-ledger-key, without signing in, and is the ledger's", async () => {
    const res = await download(undefined, "/.well-known/liaison-ledger-key");
    expect(res.status).toBe(200);
    const key = await loadOrCreateLedgerKey(t.dataDir);
    expect(res.bytes.toString()).toBe(key.publicKeyPem);
    expect(crypto.createPublicKey(res.bytes.toString()).asymmetricKeyType).toBe("ed25519");
  });

  it("B-2: /agent/ledger needs a session, lists the signed tree heads and signs one on demand", async () => {
    expect((await t.clientAs("agent.mtl")).cookies.size).toBeGreaterThan(0);
    const anonymous = await fetch(`${t.base}/agent/ledger`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/auth/);
    const mtl = await t.clientAs("agent.mtl");
    const before = await mtl.get("/agent/ledger");
    expect(before.status).toBe(200);
    expect(before.body).toContain(escaped(en["ledger.title"]));
    const signed = await mtl.postForm("/agent/ledger/sign", {}, { formPage: "/agent/ledger" });
    expect(signed.status).toBe(303);
    expect(signed.location).toBe("/agent/ledger?signed=new");
    const after = await mtl.get(signed.location!);
    expect(after.body).toMatch(/<td>\d+<\/td>/);
    expect(after.body).toContain('role="status"');
    const again = await mtl.postForm("/agent/ledger/sign", {}, { formPage: "/agent/ledger" });
    expect(again.location).toBe("/agent/ledger?signed=same");
  });

  it("B-2: the page is in French for a French session", async () => {
    const mtl = await t.clientAs("agent.mtl");
    await mtl.get("/lang/fr?next=/agent/ledger");
    const page = await mtl.get("/agent/ledger");
    expect(page.body).toContain(escaped(fr["ledger.title"]));
  });
});

describe("what an outside witness reads (B-8)", () => {
  it("B-8: the latest signed tree head, and consistency proofs between signed heads, are public and verify", async () => {
    const mtl = await t.clientAs("agent.mtl");
    await mtl.postForm("/agent/ledger/sign", {}, { formPage: "/agent/ledger" });
    const first = (await (
      await fetch(`${t.base}/.well-known/liaison-ledger/tree-head`)
    ).json()) as SignedTreeHead;
    const key = await loadOrCreateLedgerKey(t.dataDir);
    expect(verifyTreeHeadSignature(first, key.publicKeyPem)).toBe(true);
    // The ledger grows by a letter and is signed again.
    const services = { db: t.database.db, clock: t.clock };
    const number = demoShowcase.find((s) => s.scenario === "applicant-wrote-by-email")!.number;
    const file = await openFile(services, agent, number);
    await createLetter(
      services,
      agent,
      number,
      readComposeInput({
        letterType: "general",
        agentNote: "More.",
        recipient: file.routing.channel === "email" ? file.routing.address : "",
      }),
      "send",
    );
    await mtl.postForm("/agent/ledger/sign", {}, { formPage: "/agent/ledger" });
    const second = (await (
      await fetch(`${t.base}/.well-known/liaison-ledger/tree-head`)
    ).json()) as SignedTreeHead;
    expect(second.treeSize).toBeGreaterThan(first.treeSize);
    const res = await fetch(
      `${t.base}/.well-known/liaison-ledger/consistency?from=${first.treeSize}&to=${second.treeSize}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { proof: string[] };
    expect(
      verifyConsistency(
        first.treeSize,
        second.treeSize,
        Buffer.from(first.rootHash, "hex"),
        Buffer.from(second.rootHash, "hex"),
        body.proof.map((h) => Buffer.from(h, "hex")),
      ),
    ).toBe(true);
    expect((await fetch(`${t.base}/.well-known/liaison-ledger/consistency?from=abc&to=2`)).status).toBe(400);
    expect(
      (await fetch(`${t.base}/.well-known/liaison-ledger/consistency?from=1&to=${second.treeSize}`)).status,
    ).toBe(404);
  });
});

describe("proof packages from the letter page (B-1)", () => {
  it("B-1/B-3: the letter page offers the export; the .zip downloaded verifies offline", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const page = await mtl.get(`/agent/letters/${letterId}`);
    expect(page.body).toContain(`action="/agent/letters/${letterId}/proof"`);
    const res = await download(
      mtl.cookies.get("liaison_session"),
      `/agent/letters/${letterId}/proof?lang=fr`,
    );
    expect(res.status).toBe(200);
    expect(res.type).toBe("application/zip");
    const files = new Map(
      Object.entries(unzipSync(new Uint8Array(res.bytes))).map(([name, bytes]) => [
        name.slice(name.indexOf("/") + 1),
        Buffer.from(bytes),
      ]),
    );
    expect(files.has("summary-fr.pdf")).toBe(true);
    const verdict = await verifyPackage(files);
    expect(verdict.checks.filter((c) => !c.ok)).toEqual([]);
    expect(verdict.valid).toBe(true);
  });

  it("B-1: another office's staff get a 404, not the package (office isolation)", async () => {
    const van = await t.clientAs("agent.van");
    const res = await download(van.cookies.get("liaison_session"), `/agent/letters/${letterId}/proof`);
    expect(res.status).toBe(404);
    expect(res.type).toMatch(/text\/html/);
  });

  it("B-1: an unknown letter is a 404", async () => {
    const mtl = await t.clientAs("agent.mtl");
    const res = await download(
      mtl.cookies.get("liaison_session"),
      `/agent/letters/${crypto.randomUUID()}/proof`,
    );
    expect(res.status).toBe(404);
  });
});
