import type { OfficeCode, StaffRole } from "./model.ts";

// Who may do what on a file, as pure rules. Denial to read looks exactly like absence (404).

export interface Posting {
  officeCode: OfficeCode;
  role: StaffRole;
}

/** Roles that work on files. A support agent answers inquiries (SPEC section 7) and does not open files. */
const fileReaders: readonly StaffRole[] = ["agent", "decision-maker", "office-admin", "auditor"];
/** Roles that may add to a file's history. An auditor only reads. */
const fileWriters: readonly StaffRole[] = ["agent", "decision-maker", "office-admin"];

/** The offices whose files this person may see: those they are posted to in a role that reads files. */
export function readableOffices(postings: readonly Posting[]): OfficeCode[] {
  return [...new Set(postings.filter((p) => fileReaders.includes(p.role)).map((p) => p.officeCode))];
}

export function canReadFilesOf(postings: readonly Posting[], office: OfficeCode): boolean {
  return postings.some((p) => p.officeCode === office && fileReaders.includes(p.role));
}

export function canRecordOnFilesOf(postings: readonly Posting[], office: OfficeCode): boolean {
  return postings.some((p) => p.officeCode === office && fileWriters.includes(p.role));
}

/** C-22: only the decision-maker of the office holding the file decides a request for reconsideration. */
export function canDecideOn(postings: readonly Posting[], office: OfficeCode): boolean {
  return postings.some((p) => p.officeCode === office && p.role === "decision-maker");
}

/** SPEC section 1: the office admin manages the office's mailbox, templates and response periods. */
export function canAdministerOffice(postings: readonly Posting[], office: OfficeCode): boolean {
  return postings.some((p) => p.officeCode === office && p.role === "office-admin");
}
