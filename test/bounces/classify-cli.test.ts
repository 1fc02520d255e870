import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyFilesCommand } from "../../src/bounces/classify-cli.ts";

const fixtures = path.join(import.meta.dirname, "fixtures");
const fixture = (name: string) => path.join(fixtures, `${name}.eml`);
const KEYS = ["file", "kind", "reason", "recipient", "status", "action", "diagnostic", "originalMessageId"];

async function run(paths: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await classifyFilesCommand(
    paths,
    (l) => out.push(l),
    (l) => err.push(l),
  );
  return { code, out: out.map((l) => JSON.parse(l) as Record<string, unknown>), raw: out, err };
}

describe("liaison bounces classify", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "liaison-bounces-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints one JSON line per failed recipient, in report order, with exactly the documented keys", async () => {
    const { code, out, raw, err } = await run([fixture("postfix-two-recipients")]);
    expect(code).toBe(0);
    expect(err).toEqual([]);
    expect(raw.every((l) => !l.includes("\n"))).toBe(true);
    expect(out.map((l) => Object.keys(l))).toEqual([KEYS, KEYS]);
    expect(out).toEqual([
      {
        file: fixture("postfix-two-recipients"),
        kind: "hard",
        reason: "user-unknown",
        recipient: "avocat@cabinet-tremblay.example",
        status: "5.1.1",
        action: "failed",
        diagnostic:
          "550 5.1.1 <avocat@cabinet-tremblay.example>: Recipient address rejected: User unknown in local recipient table",
        originalMessageId: "<1e502252-120c-4a67-9f0d-7a6089a57331@ircc.example>",
      },
      {
        file: fixture("postfix-two-recipients"),
        kind: "hard",
        reason: "mailbox-full",
        recipient: "greffe@tribunal.example",
        status: "5.2.2",
        action: "failed",
        diagnostic: "552 5.2.2 <greffe@tribunal.example>: Mailbox full",
        originalMessageId: "<1e502252-120c-4a67-9f0d-7a6089a57331@ircc.example>",
      },
    ]);
  });

  it("prints only the failures of a mixed report", async () => {
    const { out } = await run([fixture("rfc3464-appendix-multi-recipient")]);
    expect(out.map((l) => [l.recipient, l.kind])).toEqual([
      ["arathib@vnet.ibm.com", "hard"],
      ["johnh@hpnjld.njd.hp.com", "soft"],
      ["wsnell@sdcc13.ucsd.edu", "hard"],
    ]);
  });

  it("prints one not-a-bounce line for a non-bounce, keeping a relayed action", async () => {
    const { out } = await run([fixture("autoreply-out-of-office"), fixture("postfix-relayed")]);
    expect(out).toEqual([
      {
        file: fixture("autoreply-out-of-office"),
        kind: "not-a-bounce",
        reason: "other",
        recipient: null,
        status: null,
        action: null,
        diagnostic: null,
        originalMessageId: "<0555a234-5e76-4f4e-aa48-b10333a0473b@ircc.example>",
      },
      expect.objectContaining({
        kind: "not-a-bounce",
        action: "relayed",
        recipient: "registry@tribunal.example",
      }),
    ]);
  });

  it("reports an unreadable file on err, goes on with the others and exits 1", async () => {
    const missing = path.join(dir, "missing.eml");
    const { code, out, err } = await run([missing, dir, fixture("qmail-no-mailbox")]);
    expect(code).toBe(1);
    expect(err).toHaveLength(2);
    expect(err[0]).toContain(missing);
    expect(err[1]).toContain(dir);
    expect(out).toEqual([
      expect.objectContaining({ recipient: "d.pelletier@petit-fai.example", reason: "user-unknown" }),
    ]);
  });

  it("does not crash on garbage and still prints a line", async () => {
    const junk = path.join(dir, "junk.eml");
    await writeFile(junk, Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10, 0x3d, 0x3f]));
    const { code, out } = await run([junk]);
    expect(code).toBe(0);
    expect(out).toEqual([expect.objectContaining({ file: junk, kind: "not-a-bounce" })]);
  });

  it("prints usage and exits 2 with no file", async () => {
    const { code, err } = await run([]);
    expect(code).toBe(2);
    expect(err[0]).toMatch(/^usage: liaison bounces classify/);
  });
});
