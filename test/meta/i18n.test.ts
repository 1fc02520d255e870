import { describe, expect, it } from "vitest";
import { errorCatalogue } from "../../src/errors.ts";
import { en } from "../../src/i18n/en.ts";
import { fr } from "../../src/i18n/fr.ts";
import { errorKey, formatDate, formatInstant, translator } from "../../src/i18n/index.ts";

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("every text a person reads exists in French and English (SPEC section 8)", () => {
  it("both catalogues have the same keys, none empty", () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(fr)) expect(v.trim(), k).not.toBe("");
    for (const [k, v] of Object.entries(en)) expect(v.trim(), k).not.toBe("");
  });

  it("a text and its translation take the same placeholders", () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(placeholders(fr[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("every error code has its own text in both languages, and the French is not a copy of the English", () => {
    for (const code of Object.keys(errorCatalogue) as (keyof typeof errorCatalogue)[]) {
      const key = errorKey(code);
      expect(en[key], code).toBeTruthy();
      expect(fr[key], code).not.toBe(en[key]);
    }
  });

  it("fills placeholders and leaves unknown ones visible rather than silently empty", () => {
    const t = translator("fr");
    expect(t("search.results", { total: 3 })).toBe("3 dossiers trouvés");
    expect(t("search.results")).toBe("{total} dossiers trouvés");
  });
});

describe("dates as each language writes them", () => {
  it("French writes the first of the month as an ordinal (1er), other days as numbers; English is unchanged", () => {
    expect(formatDate("fr", "2026-06-01")).toBe("1er juin 2026");
    expect(formatDate("fr", "2026-06-11")).toBe("11 juin 2026");
    expect(formatDate("fr", "2026-06-21")).toBe("21 juin 2026");
    expect(formatDate("en", "2026-06-01")).toBe("June 1, 2026");
    expect(formatInstant("fr", new Date("2026-06-01T14:05:00Z"), "America/Toronto")).toBe(
      "1er juin 2026 à 10 h 05",
    );
    expect(formatInstant("fr", new Date("2026-06-10T14:05:00Z"), "America/Toronto")).toBe(
      "10 juin 2026 à 10 h 05",
    );
  });
});
