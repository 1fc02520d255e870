import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type ParsedReport, parseReport, readReport } from "../../src/bounces/parse.ts";

// parseReport must return a well-formed result, quickly, for any bytes at all. The properties run the
// unguarded readReport, so that an exception inside the parser fails the test instead of being hidden
// by parseReport's safety net.

const fixtures = path.join(import.meta.dirname, "fixtures");
const names = readdirSync(fixtures).filter((f) => f.endsWith(".eml"));
const raw = new Map(names.map((n) => [n, readFileSync(path.join(fixtures, n))]));

const KINDS = new Set(["hard", "soft", "not-a-bounce"]);
const REASONS = new Set([
  "user-unknown",
  "mailbox-full",
  "host-unknown",
  "rejected-as-spam",
  "policy",
  "message-too-large",
  "expired/delayed",
  "other",
]);
const nullableString = (v: unknown) => v === null || typeof v === "string";

function assertWellFormed(r: ParsedReport): void {
  expect(KINDS.has(r.kind)).toBe(true);
  expect(typeof r.format).toBe("string");
  expect(r.format.length).toBeGreaterThan(0);
  expect(["delivery-status", "text", "none"]).toContain(r.source);
  expect(r.recipients.length).toBeGreaterThan(0);
  for (const x of r.recipients) {
    expect(KINDS.has(x.kind)).toBe(true);
    expect(REASONS.has(x.reason)).toBe(true);
    for (const v of [x.recipient, x.action, x.status, x.diagnostic, x.remoteMta])
      expect(nullableString(v)).toBe(true);
    if (x.diagnostic !== null) expect(x.diagnostic.length).toBeLessThanOrEqual(1000);
  }
  const kinds = new Set(r.recipients.map((x) => x.kind));
  expect(r.kind).toBe(kinds.has("hard") ? "hard" : kinds.has("soft") ? "soft" : "not-a-bounce");
  for (const v of [r.originalEnvelopeId, r.envelopeTo, r.subject, r.from, r.date])
    expect(nullableString(v)).toBe(true);
  if (r.originalMessageId !== null) expect(r.originalMessageId).toMatch(/^<[^<>\s]+>$/);
  expect(typeof r.reportsDeliveryMayNotBeReported).toBe("boolean");
}

function timed(bytes: Buffer): { report: ParsedReport; ms: number } {
  const start = performance.now();
  const report = readReport(bytes);
  return { report, ms: performance.now() - start };
}

// Pieces of real reports, so random messages reach the MIME and DSN readers rather than stopping at line one.
const tokens = [
  'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n',
  "Content-Type: multipart/mixed; boundary=b2\r\n",
  "Content-Type: message/delivery-status\r\n",
  "Content-Type: message/rfc822\r\n",
  "Content-Type: text/plain; charset=iso-8859-1\r\n",
  "Content-Type: text/html; charset=x-garbage\r\n",
  "Content-Transfer-Encoding: base64\r\n",
  "Content-Transfer-Encoding: quoted-printable\r\n",
  "--b1\r\n",
  "--b1--\r\n",
  "--b2\r\n",
  "\r\n",
  "\n",
  " folded\r\n",
  "Final-Recipient: rfc822; a@b.example\r\n",
  "Original-Recipient: rfc822;<c@d.example>\r\n",
  "Action: failed\r\n",
  "Action: delayed\r\n",
  "Status: 5.1.1\r\n",
  "Status: 4.0.0 (x)\r\n",
  "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n",
  "Message-ID: <id@x.example>\r\n",
  "Subject: =?utf-8?B?w6k=?= =?iso-8859-1?Q?=E9?=\r\n",
  "From: MAILER-DAEMON@x.example\r\n",
  "Auto-Submitted: auto-replied\r\n",
  "<a@b.example>:\r\n",
  "  a@b.example\r\n",
  "This is the qmail-send program at x.\r\n",
  "The following address(es) failed:\r\n",
  "Delivery has failed to these recipients or groups:\r\n",
  "Diagnostic information for administrators:\r\n",
  "----- The following addresses had permanent fatal errors -----\r\n",
  "------- Failure Reasons  --------\r\n",
  '{"notificationType":"Bounce","bounce":{"bouncedRecipients":[{}]}}\r\n',
  "=?\r\n",
  "=\r\n",
  "=C3=\r\n",
  "@@@@",
  "<<<>>>",
  "\u00e9\u00ff",
];

const mailLike = fc
  .array(fc.oneof(fc.constantFrom(...tokens), fc.string({ maxLength: 40 })), { maxLength: 120 })
  .map((parts) => Buffer.from(parts.join(""), "utf8"));

type Mangle =
  | { op: "truncate"; at: number }
  | { op: "flip"; flips: { at: number; xor: number }[] }
  | { op: "drop-boundary"; replacement: string }
  | { op: "duplicate-headers"; times: number }
  | { op: "garbage-charset"; label: string }
  | { op: "strip-content-type" };

const mangle: fc.Arbitrary<Mangle> = fc.oneof(
  fc.record({ op: fc.constant("truncate" as const), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
  fc.record({
    op: fc.constant("flip" as const),
    flips: fc.array(
      fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), xor: fc.integer({ min: 1, max: 255 }) }),
      { minLength: 1, maxLength: 40 },
    ),
  }),
  fc.record({
    op: fc.constant("drop-boundary" as const),
    replacement: fc.constantFrom("", "x", "--", "\r\n"),
  }),
  fc.record({ op: fc.constant("duplicate-headers" as const), times: fc.integer({ min: 2, max: 5 }) }),
  fc.record({ op: fc.constant("garbage-charset" as const), label: fc.string({ maxLength: 30 }) }),
  fc.record({ op: fc.constant("strip-content-type" as const) }),
);

function apply(bytes: Buffer, m: Mangle): Buffer {
  switch (m.op) {
    case "truncate":
      return bytes.subarray(0, Math.floor(bytes.length * m.at));
    case "flip": {
      const out = Buffer.from(bytes);
      for (const f of m.flips) {
        const i = Math.min(out.length - 1, Math.floor(out.length * f.at));
        if (i >= 0) out[i] = (out[i] ?? 0) ^ f.xor;
      }
      return out;
    }
    case "drop-boundary": {
      const s = bytes.toString("latin1");
      const boundaries = [...s.matchAll(/boundary="?([^";\r\n]+)"?/gi)].map((b) => b[1] ?? "");
      let out = s.replace(/;?\s*boundary="?[^";\r\n]+"?/gi, "");
      for (const b of boundaries) if (b) out = out.split(b).join(m.replacement);
      return Buffer.from(out, "latin1");
    }
    case "duplicate-headers": {
      const s = bytes.toString("latin1");
      const end = s.search(/\r?\n\r?\n/);
      if (end < 0) return bytes;
      const head = s.slice(0, end);
      return Buffer.from(`${Array(m.times).fill(head).join("\n")}${s.slice(end)}`, "latin1");
    }
    case "garbage-charset":
      return Buffer.from(
        bytes.toString("latin1").replace(/charset="?[^";\s]+"?/gi, `charset="${m.label.replace(/"/g, "")}"`),
        "latin1",
      );
    case "strip-content-type":
      return Buffer.from(
        bytes.toString("latin1").replace(/^Content-Type:[^\n]*\n(?:[ \t][^\n]*\n)*/gim, ""),
        "latin1",
      );
  }
}

describe("parseReport never throws and stays well-formed", () => {
  it("on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8192 }), (bytes) => {
        const { report, ms } = timed(Buffer.from(bytes));
        assertWellFormed(report);
        expect(ms).toBeLessThan(2000);
      }),
      { numRuns: 400 },
    );
  });

  it("on random messages built from pieces of real reports", () => {
    fc.assert(
      fc.property(mailLike, (bytes) => {
        const { report, ms } = timed(bytes);
        assertWellFormed(report);
        expect(ms).toBeLessThan(2000);
      }),
      { numRuns: 500 },
    );
  });

  it("on every fixture mangled: truncated, bytes flipped, boundaries removed, headers duplicated, charsets garbled", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...names),
        fc.array(mangle, { minLength: 1, maxLength: 3 }),
        (name, ops) => {
          const bytes = ops.reduce((b, m) => apply(b, m), raw.get(name) as Buffer);
          const { report, ms } = timed(bytes);
          assertWellFormed(report);
          expect(ms).toBeLessThan(2000);
        },
      ),
      { numRuns: 1500 },
    );
  });

  it("on non-Buffer and empty input through the guarded entry point", () => {
    assertWellFormed(parseReport(Buffer.alloc(0)));
    assertWellFormed(parseReport(new Uint8Array([0, 255, 10, 13]) as Buffer));
    assertWellFormed(parseReport(undefined as unknown as Buffer));
  });
});

describe("parseReport is bounded on huge and hostile input", () => {
  const MB = 1024 * 1024;
  // A bound that holds on a loaded 2-core CI machine; the real times are far lower (see the report).
  const BOUND_MS = 10_000;

  function postfixBounceWithAttachment(size: number): Buffer {
    const fixture = (raw.get("postfix-user-unknown.eml") as Buffer).toString("latin1");
    const cut = fixture.indexOf("Dear applicant,");
    const closing = fixture.slice(fixture.lastIndexOf("\n--4VtK2L0QZbz9sWq"));
    const line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\r\n";
    return Buffer.concat([
      Buffer.from(fixture.slice(0, cut), "latin1"),
      Buffer.alloc(size, line),
      Buffer.from(closing, "latin1"),
    ]);
  }

  it("reads a bounce carrying a 30 MB returned message in bounded time", () => {
    const bytes = postfixBounceWithAttachment(30 * MB);
    expect(bytes.length).toBeGreaterThan(30 * MB);
    const { report, ms } = timed(bytes);
    expect(ms).toBeLessThan(BOUND_MS);
    expect(report).toMatchObject({ kind: "hard", format: "postfix", source: "delivery-status" });
    expect(report.recipients[0]?.reason).toBe("user-unknown");
    expect(report.originalMessageId).toBe("<07ec72cf-ff71-4d5e-aed6-2cf92940b6c1@ircc.example>");
  });

  it.each([
    ["one 30 MB line", () => Buffer.alloc(30 * MB, "a")],
    ["30 MB of header fields", () => Buffer.alloc(30 * MB, "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaa\r\n")],
    ["30 MB of '@'", () => Buffer.alloc(30 * MB, "@")],
    [
      "30 MB of local-part characters before one '@'",
      () => Buffer.concat([Buffer.alloc(30 * MB, "a"), Buffer.from("@b.example")]),
    ],
    [
      "a 30 MB text body of '<a@b.example>:' blocks",
      () =>
        Buffer.concat([
          Buffer.from("From: MAILER-DAEMON@x.example\r\nSubject: failure notice\r\n\r\n"),
          Buffer.alloc(30 * MB, "<a@b.example>:\r\n x\r\n"),
        ]),
    ],
    [
      "a 30 MB quoted-printable body of soft line breaks",
      () =>
        Buffer.concat([
          Buffer.from("Content-Transfer-Encoding: quoted-printable\r\n\r\n"),
          Buffer.alloc(30 * MB, "=\r\n"),
        ]),
    ],
    ["30 MB of blank lines", () => Buffer.alloc(30 * MB, "\r\n")],
    [
      "30 MB of spaces and tabs",
      () => Buffer.concat([Buffer.from("Subject: x\r\n\r\n"), Buffer.alloc(30 * MB, " \t")]),
    ],
    [
      "a multipart of 100 000 empty parts",
      () =>
        Buffer.concat([
          Buffer.from('Content-Type: multipart/mixed; boundary="b"\r\n\r\n'),
          Buffer.alloc(100_000 * 5, "--b\r\n"),
        ]),
    ],
    [
      "multiparts nested 10 000 deep",
      () =>
        Buffer.from(
          Array.from(
            { length: 10_000 },
            (_, i) => `Content-Type: multipart/mixed; boundary="b${i}"\r\n\r\n--b${i}\r\n`,
          ).join(""),
        ),
    ],
    [
      "a delivery-status part of 200 000 recipients",
      () =>
        Buffer.concat([
          Buffer.from(
            'Content-Type: multipart/report; boundary="b"\r\n\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\n',
          ),
          Buffer.alloc(200_000 * 48, "Final-Recipient: rfc822; a@b.example\r\nAction: failed\r\n\r\n"),
        ]),
    ],
  ])("survives %s", (_name, make) => {
    const { report, ms } = timed(make());
    assertWellFormed(report);
    expect(ms).toBeLessThan(BOUND_MS);
  });
});
