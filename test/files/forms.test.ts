import { describe, expect, it } from "vitest";
import { AppError } from "../../src/errors.ts";
import {
  FormCheck,
  fileNumberPattern,
  fileNumberPrefixPattern,
  isValidEmail,
} from "../../src/files/forms.ts";

describe("isValidEmail", () => {
  it.each([
    "a@b.ca",
    "amina.diallo@example.ca",
    "first.last+dossier@sub.example.gc.ca",
    "o'brien@example.com",
    "UPPER.Case@Example.CA",
    "x_y-z@a-b.example",
    "123@456.example",
    "a!#$%&'*+/=?^_`{|}~-@example.org",
  ])("accepts %s", (email) => {
    expect(isValidEmail(email)).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["no at sign", "amina.example.ca"],
    ["two at signs", "a@b@example.ca"],
    ["empty local part", "@example.ca"],
    ["empty domain", "amina@"],
    ["space inside the local part", "amina diallo@example.ca"],
    ["space inside the domain", "amina@exa mple.ca"],
    ["leading space", " amina@example.ca"],
    ["trailing space", "amina@example.ca "],
    ["trailing newline", "amina@example.ca\n"],
    ["double dot in the local part", "amina..diallo@example.ca"],
    ["double dot in the domain", "amina@example..ca"],
    ["missing TLD dot", "amina@localhost"],
    ["domain ending with a dot", "amina@example.ca."],
    ["domain starting with a dot", "amina@.example.ca"],
    ["label starting with a hyphen", "amina@-example.ca"],
    ["label ending with a hyphen", "amina@example-.ca"],
    ["non-ASCII local part", "amélie@example.ca"],
    ["non-ASCII domain", "amina@exämple.ca"],
    ["quoted local part", '"amina"@example.ca'],
    ["display name", "Amina <amina@example.ca>"],
    ["comment", "amina(home)@example.ca"],
    ["IP literal", "amina@[192.0.2.1]"],
    ["label over 63 characters", `amina@${"a".repeat(64)}.ca`],
    ["local part over 64 characters", `${"a".repeat(65)}@example.ca`],
  ])("rejects %s", (_why, email) => {
    expect(isValidEmail(email)).toBe(false);
  });

  /** local (64) @ labels, built to an exact total length out of valid parts. */
  function ofLength(total: number): string {
    const local = "a".repeat(64);
    const domainLength = total - local.length - 1;
    const labels: string[] = [];
    let left = domainLength;
    while (left > 0) {
      const n = Math.min(63, left - (labels.length === 0 ? 0 : 1));
      labels.push("b".repeat(n));
      left -= n + (labels.length === 1 ? 0 : 1);
    }
    const email = `${local}@${labels.join(".")}`;
    expect(email.length).toBe(total);
    return email;
  }

  it("accepts an address of exactly 254 characters", () => {
    expect(isValidEmail(ofLength(254))).toBe(true);
  });

  it("rejects an address over 254 characters even when every part is valid", () => {
    expect(isValidEmail(ofLength(255))).toBe(false);
    expect(isValidEmail(ofLength(300))).toBe(false);
  });

  it("accepts a local part of exactly 64 characters", () => {
    expect(isValidEmail(`${"a".repeat(64)}@example.ca`)).toBe(true);
  });
});

describe("fileNumberPattern", () => {
  it.each(["A123456789", "Z000000000", "B987654321"])("accepts %s", (n) => {
    expect(fileNumberPattern.test(n)).toBe(true);
  });

  it.each([
    ["lower-case letter", "a123456789"],
    ["eight digits", "A12345678"],
    ["ten digits", "A1234567890"],
    ["two letters", "AB23456789"],
    ["no letter", "1234567890"],
    ["leading space", " A123456789"],
    ["trailing newline", "A123456789\n"],
    ["accented letter", "É123456789"],
    ["hyphen", "A-123456789"],
    ["empty", ""],
  ])("rejects %s", (_why, n) => {
    expect(fileNumberPattern.test(n)).toBe(false);
  });

  it("fileNumberPrefixPattern accepts a letter and up to nine digits, nothing else", () => {
    for (const ok of ["A", "A1", "A12345", "A123456789"]) expect(fileNumberPrefixPattern.test(ok)).toBe(true);
    for (const bad of ["", "1", "a1", "A1234567890", "A12x"])
      expect(fileNumberPrefixPattern.test(bad)).toBe(false);
  });
});

describe("FormCheck.pastInstant", () => {
  // 2026-03-10T15:00Z is 11:00 in Toronto (EDT, since 2026-03-08).
  const now = new Date("2026-03-10T15:00:00.000Z");
  const zone = "America/Toronto";

  it("a past wall time in the office's zone gives that instant and no problem", () => {
    const check = new FormCheck();
    expect(check.pastInstant("providedAt", "2026-03-10T10:15", zone, now)).toEqual(
      new Date("2026-03-10T14:15:00.000Z"),
    );
    expect(check.problems).toEqual([]);
  });

  it("empty gives REQUIRED", () => {
    const check = new FormCheck();
    expect(check.pastInstant("providedAt", "", zone, now)).toBeUndefined();
    expect(check.problems).toEqual([{ field: "providedAt", code: "REQUIRED" }]);
  });

  it.each(["2026-02-30T10:00", "garbage", "2026-03-10", "10/03/2026 10:00"])("%j gives INVALID_DATE", (v) => {
    const check = new FormCheck();
    expect(check.pastInstant("providedAt", v, zone, now)).toBeUndefined();
    expect(check.problems).toEqual([{ field: "providedAt", code: "INVALID_DATE" }]);
  });

  it.each(["2026-03-10T11:02", "2026-03-10T11:01:01", "2026-03-11T09:00", "2027-01-01T00:00"])(
    "%s, future by more than a minute, gives PROVIDED_IN_FUTURE",
    (v) => {
      const check = new FormCheck();
      expect(check.pastInstant("receivedAt", v, zone, now)).toBeUndefined();
      expect(check.problems).toEqual([{ field: "receivedAt", code: "PROVIDED_IN_FUTURE" }]);
    },
  );

  it("within the minute of grace the instant is clamped to now", () => {
    for (const v of ["2026-03-10T11:00:30", "2026-03-10T11:01"]) {
      const check = new FormCheck();
      expect(check.pastInstant("providedAt", v, zone, now)).toEqual(now);
      expect(check.problems).toEqual([]);
    }
  });

  it("exactly now is accepted as now", () => {
    const check = new FormCheck();
    expect(check.pastInstant("providedAt", "2026-03-10T11:00", zone, now)).toEqual(now);
    expect(check.problems).toEqual([]);
  });

  it("reads the wall time in the given zone, not in UTC", () => {
    // 12:00 in Paris (CET, UTC+1) on 2026-03-10 is 11:00Z: past for `now`.
    const check = new FormCheck();
    expect(check.pastInstant("providedAt", "2026-03-10T12:00", "Europe/Paris", now)).toEqual(
      new Date("2026-03-10T11:00:00.000Z"),
    );
    // 12:00 in Toronto is 16:00Z: an hour in the future.
    expect(check.pastInstant("providedAt", "2026-03-10T12:00", zone, now)).toBeUndefined();
    expect(check.problems).toEqual([{ field: "providedAt", code: "PROVIDED_IN_FUTURE" }]);
  });
});

describe("FormCheck.postal", () => {
  it("one line gives POSTAL_ADDRESS_TOO_SHORT", () => {
    const check = new FormCheck();
    expect(check.postal("postal", "12 rue des Érables, Montréal")).toBeUndefined();
    expect(check.problems).toEqual([{ field: "postal", code: "POSTAL_ADDRESS_TOO_SHORT" }]);
  });

  it("one line surrounded by blank lines is still one line", () => {
    const check = new FormCheck();
    expect(check.postal("postal", "\n  \r\n12 rue des Érables\n   \n")).toBeUndefined();
    expect(check.problems).toEqual([{ field: "postal", code: "POSTAL_ADDRESS_TOO_SHORT" }]);
  });

  it("empty gives REQUIRED", () => {
    const check = new FormCheck();
    expect(check.postal("postal", "")).toBeUndefined();
    expect(check.problems).toEqual([{ field: "postal", code: "REQUIRED" }]);
  });

  it("two or more lines are accepted, trimmed, blank lines dropped, joined with LF", () => {
    const check = new FormCheck();
    expect(
      check.postal("postal", "  Amina Diallo \r\n\r\n12 rue des Érables\r\nMontréal QC  H2X 1Y4  "),
    ).toBe("Amina Diallo\n12 rue des Érables\nMontréal QC  H2X 1Y4");
    expect(check.problems).toEqual([]);
  });
});

describe("FormCheck: other checks", () => {
  it("email: empty gives REQUIRED, invalid gives INVALID_EMAIL, valid is returned unchanged", () => {
    const check = new FormCheck();
    expect(check.email("a", "")).toBeUndefined();
    expect(check.email("b", "amina@localhost")).toBeUndefined();
    expect(check.email("c", "Amina@Example.CA")).toBe("Amina@Example.CA");
    expect(check.problems).toEqual([
      { field: "a", code: "REQUIRED" },
      { field: "b", code: "INVALID_EMAIL" },
    ]);
  });

  it("choice: a value outside the list gives INVALID_CHOICE", () => {
    const check = new FormCheck();
    expect(check.choice("kind", ["email", "postal"] as const, "fax")).toBeUndefined();
    expect(check.choice("kind", ["email", "postal"] as const, "postal")).toBe("postal");
    expect(check.problems).toEqual([{ field: "kind", code: "INVALID_CHOICE" }]);
  });

  it("collects every problem and throws them together, first code first", () => {
    const check = new FormCheck();
    check.required("name", "");
    check.postal("postal", "one line");
    let thrown: unknown;
    try {
      check.throwIfAny();
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).code).toBe("REQUIRED");
    expect((thrown as AppError).problems).toEqual([
      { field: "name", code: "REQUIRED" },
      { field: "postal", code: "POSTAL_ADDRESS_TOO_SHORT" },
    ]);
  });

  it("throwIfAny does nothing when there is no problem", () => {
    const check = new FormCheck();
    check.required("name", "Amina");
    expect(() => check.throwIfAny()).not.toThrow();
  });
});

describe("regressions", () => {
  it("C-5 groundwork: a dot at either end of the local part, or a one-letter or numeric top-level domain, is not an address", () => {
    for (const bad of [".amina@example.ca", "amina.@example.ca", "amina@1.2", "amina@example.c"]) {
      expect(isValidEmail(bad), bad).toBe(false);
    }
  });
});
