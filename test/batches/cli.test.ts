import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { runCli } from "../support/run-cli.ts";

// `liaison batch` as an operator runs it (C-19, C-20): a real process on a fresh embedded database, the
// development sink as the relay.

const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-batch-cli-"));
const run = (args: string[]) =>
  runCli(args, { DATABASE_URL: "", DATA_DIR: dataDir, DEMO_APPLICATIONS: "200" });

beforeAll(async () => {
  const demo = await run(["demo"]);
  expect(demo.status, demo.stderr).toBe(0);
}, 180_000);
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
});

describe("liaison batch (C-19, C-20)", () => {
  let id: string;

  it("C-19/C-20: create writes and sends the batch with progress on stderr, and prints its id", async () => {
    const r = await run([
      "batch",
      "create",
      "--as",
      "agent.mtl",
      "--office",
      "MTL",
      "--line-of-business",
      "citizenship",
      "--letter-type",
      "general",
      "--agent-note",
      "Our office moves on 1 March; our mailbox stays the same.",
    ]);
    expect(r.status, r.stderr).toBe(0);
    id = r.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    // Not a terminal: a line per tenth, the last at 100 %, then the account by outcome.
    expect(r.stderr).toMatch(/\[#{30}\] 100% /);
    expect(r.stderr).toContain(`${en["batches.outcome.waiting"]}: 0`);
    expect(r.stderr).toContain(`${en["batches.outcome.pending"]}: 0`);
  }, 180_000);

  it("C-20: status says every letter is accounted for; account lists each file once as CSV", async () => {
    const status = await run(["batch", "status", id, "--json"]);
    expect(status.status, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout) as {
      members: number;
      finished: boolean;
      counts: Record<string, number>;
    };
    expect(s.finished).toBe(true);
    expect(s.counts.sent).toBeGreaterThan(0);
    expect(Object.values(s.counts).reduce((a, b) => a + b, 0)).toBe(s.members);

    const out = path.join(dataDir, "account.csv");
    const account = await run(["batch", "account", id, "--out", out]);
    expect(account.status, account.stderr).toBe(0);
    const lines = readFileSync(out, "utf8").split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("\uFEFFfile,letter,recipient_role,channel,outcome,reason,accepted_at,smtp_reply");
    expect(lines).toHaveLength(s.members + 1);
    expect(lines.filter((l) => l.split(",")[4] === "sent")).toHaveLength(s.counts.sent!);
  }, 120_000);

  it("refuses, in the person's language, an unknown staff member, a decision letter and another office", async () => {
    const nobody = await run(["batch", "create", "--as", "nobody", "--letter-type", "general"]);
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toContain(en["batchCli.unknownStaff"]);
    const refusal = await run([
      "batch",
      "create",
      "--as",
      "agent.mtl",
      "--letter-type",
      "refusal",
      "--lang",
      "fr",
    ]);
    expect(refusal.status).toBe(2);
    expect(refusal.stderr).toContain(`--letter-type: ${fr["error.LETTER_TYPE_NOT_FOR_BATCH"]}`);
    const foreign = await run([
      "batch",
      "create",
      "--as",
      "agent.mtl",
      "--office",
      "VAN",
      "--letter-type",
      "general",
      "--agent-note",
      "x",
    ]);
    expect(foreign.status).toBe(2);
    expect(foreign.stderr).toContain(`--office: ${en["error.INVALID_CHOICE"]}`);
    const missing = await run(["batch", "status", "00000000-0000-4000-8000-000000000000"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(en["error.NOT_FOUND"]);
  }, 180_000);

  it("C-20: stop, as a staff member: a batch not yet written gets no letter, and every file is accounted for; twice is refused", async () => {
    const created = await run([
      "batch",
      "create",
      "--as",
      "agent.mtl",
      "--office",
      "MTL",
      "--letter-type",
      "general",
      "--agent-note",
      "Sent by mistake.",
      "--no-send",
    ]);
    expect(created.status, created.stderr).toBe(0);
    const batch = created.stdout.trim();
    const nobody = await run(["batch", "stop", batch, "--as", "nobody"]);
    expect(nobody.status).toBe(2);
    expect(nobody.stderr).toContain(en["batchCli.unknownStaff"]);
    const stopped = await run(["batch", "stop", batch, "--as", "agent.mtl", "--lang", "fr"]);
    expect(stopped.status, stopped.stderr).toBe(0);
    expect(stopped.stdout).toMatch(
      /^Lot arrêté : 0 lettres annulées avant leur départ, \d+ dossiers sans lettre\.$/m,
    );
    const status = await run(["batch", "status", batch, "--json"]);
    const s = JSON.parse(status.stdout) as {
      members: number;
      finished: boolean;
      counts: Record<string, number>;
    };
    expect(s.finished).toBe(true);
    expect(s.counts.failed).toBe(s.members);
    const again = await run(["batch", "stop", batch, "--as", "agent.mtl"]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain(en["error.BATCH_ALREADY_STOPPED"]);
  }, 120_000);
});
