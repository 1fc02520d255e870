import { describe, expect, it } from "vitest";
import { countryCodeOf, maskMobile, normaliseMobile } from "../../src/portal/phone.ts";

// P-2: access codes go by SMS to the mobile number on counsel's record, which people type in every form.

describe("P-2: a mobile number as typed becomes E.164", () => {
  it.each([
    ["514 555 0199", "+15145550199"],
    ["5145550199", "+15145550199"],
    ["(514) 555-0199", "+15145550199"],
    ["(514)555-0199", "+15145550199"],
    ["514.555.0199", "+15145550199"],
    ["514-555-0199", "+15145550199"],
    ["+1 514-555-0199", "+15145550199"],
    ["+1 (514) 555-0199", "+15145550199"],
    ["+15145550199", "+15145550199"],
    ["1-514-555-0199", "+15145550199"],
    ["1 514 555 0199", "+15145550199"],
    ["  613 555 0142  ", "+16135550142"],
    ["613\u00a0555\u00a00142", "+16135550142"],
    ["+33 6 12 34 56 78", "+33612345678"],
    ["+33612345678", "+33612345678"],
    ["+44 7700 900123", "+447700900123"],
    ["+44 (0)7700 900123", "+447700900123"],
    ["+39 347 123 4567", "+393471234567"],
    ["+509 3712 3456", "+50937123456"],
    ["+225 07 12 34 56 78", "+2250712345678"],
    ["+86 138 0013 8000", "+8613800138000"],
    ["+7 912 345-67-89", "+79123456789"],
  ])("P-2: %j → %s", (typed, e164) => {
    expect(normaliseMobile(typed)).toBe(e164);
  });

  it.each([
    ["", "empty"],
    ["   ", "blank"],
    ["514 555 019", "9 digits"],
    ["514 555 01999", "11 digits not starting with the trunk 1"],
    ["014 555 0199", "an area code starting with 0"],
    ["114 555 0199", "an area code starting with 1"],
    ["514 055 0199", "an exchange starting with 0"],
    ["514 155 0199", "an exchange starting with 1"],
    ["+1 014 555 0199", "+1 with an area code starting with 0"],
    ["+1 514 555 019", "+1 with 9 digits"],
    ["+1 514 555 01990", "+1 with 11 digits"],
    ["2-514-555-0199", "11 digits with a trunk other than 1"],
    ["06 12 34 56 78", "a French number without its country code"],
    ["07700 900123", "a British number without its country code"],
    ["0033 6 12 34 56 78", "the 00 international prefix instead of +"],
    ["+0 612 345 678", "a country code starting with 0"],
    ["+33 612", "fewer than 8 digits"],
    ["+1234567", "7 digits"],
    ["+33 6 12 34 56 78 90 12 34", "more than 15 digits"],
    ["514 555 0199 ext. 12", "an extension"],
    ["514-555-CALL", "letters"],
    ["+1 514 555 0199 +1", "a second +"],
    ["1+514 555 0199", "a + that is not first"],
    ["((514)) 555-0199", "nested parentheses"],
    [")514( 555-0199", "parentheses the wrong way"],
    ["(514 555-0199", "an unclosed parenthesis"],
    ["+１ 514 555 0199", "full-width digits"],
    ["514/555/0199", "slashes"],
  ])("P-2: %j is refused (%s)", (typed) => {
    expect(normaliseMobile(typed)).toBeUndefined();
  });

  it("P-2: normalising twice changes nothing", () => {
    for (const typed of ["514 555 0199", "+33 6 12 34 56 78", "+44 (0)7700 900123"]) {
      const once = normaliseMobile(typed)!;
      expect(normaliseMobile(once)).toBe(once);
    }
  });
});

describe("P-2: a mobile number on a page shows only its country code and last 4 digits", () => {
  it.each([
    ["+15145550199", "+1 ••• ••• 0199"],
    ["+33612345678", "+33 ••• ••• 5678"],
    ["+447700900123", "+44 ••• ••• 0123"],
    ["+50937123456", "+509 ••• ••• 3456"],
    ["+79123456789", "+7 ••• ••• 6789"],
  ])("P-2: %s → %s", (e164, masked) => {
    expect(maskMobile(e164)).toBe(masked);
  });

  it("P-2: the mask does not tell how long the number is, and no other digit shows", () => {
    const masked = maskMobile("+2250712345678");
    expect(masked).toBe("+225 ••• ••• 5678");
    expect(masked.replace(/\D/g, "")).toBe("2255678");
  });

  it("P-2: what is not E.164 is masked entirely rather than shown", () => {
    expect(maskMobile("514 555 0199")).toBe("•••");
    expect(maskMobile("")).toBe("•••");
    expect(maskMobile("+1234")).toBe("•••");
  });

  it("P-2: country codes are read as ITU-T assigns them (1, 2 or 3 digits, prefix-free)", () => {
    expect(countryCodeOf("15145550199")).toBe("1");
    expect(countryCodeOf("79123456789")).toBe("7");
    expect(countryCodeOf("33612345678")).toBe("33");
    expect(countryCodeOf("861380013800")).toBe("86");
    expect(countryCodeOf("212612345678")).toBe("212");
    expect(countryCodeOf("353871234567")).toBe("353");
  });
});
