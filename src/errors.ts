// One catalogue of typed errors. Each code has FR and EN text under `error.<code>` in src/i18n, and one
// HTTP status, mapped in one place (web/plugins/errors.ts).

export const errorCatalogue = {
  /** The thing does not exist, or this person may not see it: the two look the same (STYLE, "Rules are pure"). */
  NOT_FOUND: 404,
  /** Signed in, allowed to see the file, but the role does not allow this change (an auditor recording an address). */
  ROLE_NOT_ALLOWED: 403,
  /** No session: the person must sign in first. */
  SIGN_IN_REQUIRED: 401,
  /** A form came without its CSRF token, or with one that does not match. */
  CSRF_INVALID: 403,
  /** The text is not an email address we could ever send to. */
  INVALID_EMAIL: 400,
  /** An office code that no office has. */
  UNKNOWN_OFFICE: 400,
  /** A file number that is not a letter followed by nine digits. */
  MALFORMED_FILE_NUMBER: 400,
  /** "Provided on" after the present instant: history cannot be written ahead of time. */
  PROVIDED_IN_FUTURE: 400,
  /** A moment asked about (routing "as of") that has not happened yet. */
  DATE_IN_FUTURE: 400,
  /** A date or time that could not be read. */
  INVALID_DATE: 400,
  /** A required field was left empty. */
  REQUIRED: 400,
  /** A value outside the list offered (a source, a kind, a language, a status). */
  INVALID_CHOICE: 400,
  /** A postal address must have at least two lines (addressee line and place). */
  POSTAL_ADDRESS_TOO_SHORT: 400,
  /** The party named in the form is not a party of this file. */
  PARTY_NOT_ON_FILE: 400,
  /** Withdrawing a representative when none is declared on the file. */
  NO_REPRESENTATIVE: 409,
  /** C-5: a typed recipient address that is not, byte for byte, the address on file. */
  RECIPIENT_NOT_ON_FILE: 400,
  /** C-5: the address on the letter was superseded between composing and sending. */
  ADDRESS_SUPERSEDED: 409,
  /** Routing found no address at all: one must be recorded before any letter can go. */
  NO_ADDRESS: 409,
  /** C-6: a request for documents or a convocation without its response deadline. */
  DEADLINE_REQUIRED: 400,
  /** C-6: a deadline shorter than the period the country's policy gives. */
  DEADLINE_TOO_SHORT: 400,
  /** C-6: a deadline on or before the day of sending. */
  DEADLINE_IN_PAST: 400,
  /** C-7: a From address other than the office's generic mailbox. */
  SENDER_NOT_GENERIC_MAILBOX: 400,
  /** C-12: the letter is not in a state that allows this (a sent letter cannot be cancelled). */
  LETTER_NOT_IN_STATE: 409,
  /** A dispatcher is handing this letter to SMTP right now: it cannot be cancelled any more. */
  LETTER_IN_FLIGHT: 409,
  /** The sign-in with the identity provider failed or was abandoned. */
  SIGN_IN_FAILED: 400,
  /** The identity provider knows the person, but Liaison has no staff account for them. */
  NOT_STAFF: 403,
  /** Too many requests from one place. */
  RATE_LIMITED: 429,
  /** Anything we did not foresee; the details are in the server log, never shown. */
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof errorCatalogue;

export interface FieldProblem {
  field: string;
  code: ErrorCode;
}

export class AppError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    /** Problems tied to form fields, so a page can show each one beside its field. */
    readonly problems: FieldProblem[] = [],
  ) {
    super(code);
    this.name = "AppError";
    this.status = errorCatalogue[code];
  }
}

export function invalid(problems: FieldProblem[]): AppError {
  const first = problems[0];
  return new AppError(first ? first.code : "REQUIRED", problems);
}
