import type { Executor } from "../db/client.ts";
import { type counselContactSources, counselContacts } from "../db/schema/portal.ts";
import { type FormCheck, formText } from "../files/forms.ts";
import { normaliseMobile } from "./phone.ts";

// Counsel's contact details as a form gives them and as the registry's history keeps them (P-1, P-8):
// read and checked the same way whether staff correct them or counsel ask for a change.

export interface Contacts {
  email: string;
  /** E.164: where access codes go by SMS (P-2). */
  mobile: string;
  phone: string | null;
  postalAddress: string | null;
}

/** Reads the four fields into `check`'s problems; the result is whole only when `check` has none. */
export function readContacts(check: FormCheck, form: Record<string, unknown>): Contacts {
  const email = check.email("email", formText(form, "email"));
  const typedMobile = formText(form, "mobile");
  let mobile: string | undefined;
  if (check.required("mobile", typedMobile)) {
    mobile = normaliseMobile(typedMobile);
    if (!mobile) check.fail("mobile", "INVALID_PHONE");
  }
  const typedPhone = formText(form, "phone");
  const phone = typedPhone ? (normaliseMobile(typedPhone) ?? null) : null;
  if (typedPhone && !phone) check.fail("phone", "INVALID_PHONE");
  const postal = formText(form, "postalAddress");
  const postalAddress = postal ? (check.postal("postalAddress", postal) ?? null) : null;
  return { email: email ?? "", mobile: mobile ?? "", phone, postalAddress };
}

/** P-8: a change that changes nothing is refused (NO_CHANGE). */
export function sameContacts(a: Contacts | undefined, b: Contacts): boolean {
  return (
    a !== undefined &&
    a.email === b.email &&
    a.mobile === b.mobile &&
    (a.phone ?? null) === b.phone &&
    (a.postalAddress ?? null) === b.postalAddress
  );
}

/** A new row of the history; the latest is current. */
export async function recordCounselContacts(
  tx: Executor,
  counselId: string,
  contacts: Contacts,
  source: (typeof counselContactSources)[number],
  at: Date,
  by: string,
): Promise<void> {
  await tx.insert(counselContacts).values({ counselId, ...contacts, source, recordedAt: at, recordedBy: by });
}
