import { z } from "zod";
import { contactKinds, contactSources, languages } from "../db/schema/files.ts";
import { type FieldProblem, invalid } from "../errors.ts";
import { wallTimeToInstant } from "../time-zones.ts";

// Input shapes of the file forms, and the checks every one of them shares. The text a person reads for
// each problem lives in the i18n catalogue under the error code.

/** A letter followed by nine digits, as printed on the acknowledgement of receipt. */
export const fileNumberPattern = /^[A-Z]\d{9}$/;
export const fileNumberPrefixPattern = /^[A-Z]\d{0,9}$/;

// Deliberately stricter than RFC 5322: an address we will later put in an SMTP envelope must be plain
// ASCII local@domain with a dotted domain, no spaces, no quoted parts, no comments.
const emailPattern =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isValidEmail(s: string): boolean {
  if (s.length > 254 || !emailPattern.test(s) || s.includes("..")) return false;
  const [local = "", domain = ""] = s.split("@");
  const tld = domain.slice(domain.lastIndexOf(".") + 1);
  // RFC 5321: no dot at either end of the local part. Top-level domains are letters, two or more.
  return local.length <= 64 && !local.startsWith(".") && !local.endsWith(".") && /^[A-Za-z]{2,63}$/.test(tld);
}

const text = z.string().trim();

export const ContactPointFormSchema = z.object({
  partyId: text,
  kind: text,
  value: text,
  source: text,
  providedAt: text,
});

export const RepresentativeFormSchema = z.object({
  name: text,
  email: text.optional().default(""),
  postal: text.optional().default(""),
  preferredLanguage: text,
  receivedAt: text,
});

export const WithdrawalFormSchema = z.object({ receivedAt: text });

function oneOf<T extends string>(values: readonly T[], v: string): v is T {
  return (values as readonly string[]).includes(v);
}

/** Collects problems field by field, so a form shows all of them at once rather than one per submit. */
/** A text field of a posted form, trimmed; "" when absent or not text. */
export function formText(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === "string" ? v.trim() : "";
}

export class FormCheck {
  readonly problems: FieldProblem[] = [];
  fail(field: string, code: FieldProblem["code"]): void {
    this.problems.push({ field, code });
  }
  required(field: string, v: string): boolean {
    if (v === "") this.fail(field, "REQUIRED");
    return v !== "";
  }
  choice<T extends string>(field: string, values: readonly T[], v: string): T | undefined {
    if (!this.required(field, v)) return undefined;
    if (oneOf(values, v)) return v;
    this.fail(field, "INVALID_CHOICE");
    return undefined;
  }
  email(field: string, v: string): string | undefined {
    if (!this.required(field, v)) return undefined;
    if (isValidEmail(v)) return v;
    this.fail(field, "INVALID_EMAIL");
    return undefined;
  }
  postal(field: string, v: string): string | undefined {
    if (!this.required(field, v)) return undefined;
    const lines = v
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== "");
    if (lines.length < 2) {
      this.fail(field, "POSTAL_ADDRESS_TOO_SHORT");
      return undefined;
    }
    return lines.join("\n");
  }
  /** A past instant, typed as wall-clock time in the office's zone. */
  pastInstant(
    field: string,
    v: string,
    timeZone: string,
    now: Date,
    futureCode: "PROVIDED_IN_FUTURE" | "DATE_IN_FUTURE" = "PROVIDED_IN_FUTURE",
  ): Date | undefined {
    if (!this.required(field, v)) return undefined;
    const at = wallTimeToInstant(v, timeZone);
    if (!at) {
      this.fail(field, "INVALID_DATE");
      return undefined;
    }
    // A minute of grace: the form's default is "now" rounded to the minute in the person's clock.
    if (at.getTime() > now.getTime() + 60_000) {
      this.fail(field, futureCode);
      return undefined;
    }
    return at.getTime() > now.getTime() ? now : at;
  }
  throwIfAny(): void {
    if (this.problems.length > 0) throw invalid(this.problems);
  }
}

export { contactKinds, contactSources, languages };
