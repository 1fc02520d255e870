import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FixedClock } from "../../src/clock.ts";
import { type DevSink, startDevSink } from "../../src/mail/dev-sink.ts";

// The development sink over a real SMTP connection: what it keeps is byte for byte what was sent.

const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-sink-"));
let sink: DevSink;

beforeAll(async () => {
  sink = await startDevSink({ dataDir, clock: new FixedClock("2026-06-15T16:00:00Z") });
});
afterAll(async () => {
  await sink?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("development mail sink", () => {
  it("C-10: keeps exactly the bytes handed over by SMTP, with the envelope, and answers 250 with a queue id", async () => {
    const raw = Buffer.from(
      [
        "From: Bureau de Montréal <ircc.mtl@ircc.example>",
        "To: nadia.roy@example.com",
        "Subject: =?UTF-8?Q?Demande_de_documents?=",
        "Message-ID: <abc@liaison.example>",
        "Date: Mon, 15 Jun 2026 16:00:00 +0000",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
        "",
        "Bonjour,",
        ".a line that starts with a dot, which SMTP must escape and unescape",
        "Merci.",
        "",
      ].join("\r\n"),
    );
    const transport = nodemailer.createTransport({
      host: sink.host,
      port: sink.port,
      secure: false,
      ignoreTLS: true,
    });
    const info = await transport.sendMail({
      raw,
      envelope: { from: "ircc.mtl+b-1@ircc.example", to: ["nadia.roy@example.com"] },
    });
    transport.close();
    expect(info.response).toMatch(/^250 .*Message queued as [0-9a-f-]{36}/);
    const [received] = await sink.list();
    expect(received).toMatchObject({
      envelopeFrom: "ircc.mtl+b-1@ircc.example",
      envelopeTo: ["nadia.roy@example.com"],
      size: raw.length,
      sha256: createHash("sha256").update(raw).digest("hex"),
      receivedAt: new Date("2026-06-15T16:00:00Z"),
    });
    expect((await sink.read(received!.id))?.equals(raw)).toBe(true);
  });

  it("an unknown or malformed message id reads as nothing (no path tricks)", async () => {
    expect(await sink.read("00000000-0000-0000-0000-000000000000")).toBeUndefined();
    expect(await sink.read("../../etc/passwd")).toBeUndefined();
  });
});
