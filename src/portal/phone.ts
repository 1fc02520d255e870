// P-2: the mobile number an access code goes to, as people type it → E.164 (+15145550199), and the
// masked form pages show. Pure: no I/O.

/** E.164 allows at most 15 digits, country code included; fewer than 8 is no mobile number anywhere. */
const minDigits = 8;
const maxDigits = 15;

/**
 * What a person may type: digits, an optional leading "+", and the usual separators (spaces, including
 * the no-break space of pasted text, hyphens, dots, parentheses). Letters ("ext. 12") are refused.
 */
const typedForm = /^\+?[\d\s().-]+$/;

/**
 * NANP (country code 1): a 3-digit area code and a 3-digit exchange, neither starting with 0 or 1, then
 * 4 digits. Without this, "1-514-555-0199" with the "1" dropped, or a 10-digit number starting with the
 * trunk "1", would quietly become a wrong number.
 */
const nanp = /^[2-9]\d{2}[2-9]\d{6}$/;

/**
 * The number in E.164, or undefined when it cannot be a mobile number. Without a "+", only North American
 * numbers are understood (10 digits, or 11 starting with the trunk prefix 1): "0033 6…" or "07700 900123"
 * are ambiguous without their country code, and guessing would send a code to a stranger.
 */
export function normaliseMobile(input: string): string | undefined {
  let typed = input.trim();
  if (!typedForm.test(typed) || !balancedParentheses(typed)) return undefined;
  const international = typed.startsWith("+");
  // "+44 (0)7700 900123": the "(0)" is the national trunk prefix, written for those dialling at home.
  if (international) typed = typed.replace(/\(\s*0\s*\)/, "");
  const digits = typed.replace(/\D/g, "");
  if (!international) {
    if (digits.length === 10 && nanp.test(digits)) return `+1${digits}`;
    if (digits.length === 11 && digits.startsWith("1") && nanp.test(digits.slice(1))) return `+${digits}`;
    return undefined;
  }
  if (digits.length < minDigits || digits.length > maxDigits || digits.startsWith("0")) return undefined;
  if (digits.startsWith("1") && !(digits.length === 11 && nanp.test(digits.slice(1)))) return undefined;
  return `+${digits}`;
}

/**
 * For pages: the country code and the last 4 digits only, "+1 ••• ••• 0199". The masked part is always
 * the same length, so it does not tell how long the number is. Anything that is not E.164 is fully masked.
 */
export function maskMobile(e164: string): string {
  if (!/^\+[1-9]\d{7,14}$/.test(e164)) return "•••";
  const digits = e164.slice(1);
  const cc = countryCodeOf(digits);
  return `+${cc} ••• ••• ${digits.slice(-4)}`;
}

/**
 * ITU-T E.164 country codes are prefix-free: 1 and 7 take one digit, these two-digit codes are assigned,
 * and every other code has three digits.
 */
// biome-ignore format: a table
const twoDigitCountryCodes = new Set([
  "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
  "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66", "81", "82", "84",
  "86", "90", "91", "92", "93", "94", "95", "98",
]);

/** The country code of E.164 digits (without the "+"). */
export function countryCodeOf(digits: string): string {
  if (digits.startsWith("1") || digits.startsWith("7")) return digits.slice(0, 1);
  if (twoDigitCountryCodes.has(digits.slice(0, 2))) return digits.slice(0, 2);
  return digits.slice(0, 3);
}

/** At most one pair of parentheses, opened before it is closed ("(514) 555-0199"). */
function balancedParentheses(s: string): boolean {
  const open = s.split("(").length - 1;
  const close = s.split(")").length - 1;
  if (open !== close || open > 1) return false;
  return open === 0 || s.indexOf("(") < s.indexOf(")");
}
