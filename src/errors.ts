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
  /** B-7: the file is flagged "not receiving email" and the recipient has no postal address for the second channel. */
  SECOND_CHANNEL_MISSING: 409,
  /** A text longer than the field allows. */
  TOO_LONG: 400,
  /** C-16: a report already matched to a letter or set aside. */
  REPORT_ALREADY_REVIEWED: 409,
  /** C-16: matching a report by hand to a letter id that is not one of the person's offices' letters. */
  LETTER_NOT_FOUND: 400,
  /** B-1: a proof package of a letter none of whose events is on the ledger yet (a draft). */
  PROOF_NOT_ON_LEDGER: 409,
  /** C-9: a template's subject or body left empty in one official language. */
  TEMPLATE_LANGUAGE_MISSING: 400,
  /** A template subject with a line break: a subject is one header line. */
  TEMPLATE_SUBJECT_NOT_ONE_LINE: 400,
  /** A "((" in a template that makes no placeholder: unclosed, empty, or a name with bad characters. */
  TEMPLATE_MALFORMED_PLACEHOLDER: 400,
  /** A template placeholder whose name is not in Liaison's vocabulary (a typo, usually). */
  TEMPLATE_UNKNOWN_PLACEHOLDER: 400,
  /** A known placeholder that this letter type may not use (letter-types.ts, allowedPlaceholders). */
  TEMPLATE_PLACEHOLDER_NOT_ALLOWED: 400,
  /** C-6: a request-for-documents or convocation template whose body does not carry its deadline. */
  TEMPLATE_DEADLINE_REQUIRED: 400,
  /** C-9: a placeholder used in one language of a template and not the other. */
  TEMPLATE_PLACEHOLDER_IN_ONE_LANGUAGE: 400,
  /** C-6: a response period effective before today (office time): past periods are never rewritten. */
  PERIOD_IN_PAST: 400,
  /** C-6: a response period that is not a whole number of days from 1 to 365. */
  PERIOD_DAYS_OUT_OF_RANGE: 400,
  /** The sign-in with the identity provider failed or was abandoned. */
  SIGN_IN_FAILED: 400,
  /** The identity provider knows the person, but Liaison has no staff account for them. */
  NOT_STAFF: 403,
  /** Too many requests from one place. */
  RATE_LIMITED: 429,
  /** Anything we did not foresee; the details are in the server log, never shown. */
  INTERNAL: 500,
  /** A letter's attachment whose content is not a PDF, PNG, JPEG or TIFF (judged by its bytes, not its name). */
  ATTACHMENT_TYPE_NOT_ALLOWED: 415,
  /** An attachment over 5 MB, or a letter's attachments over 10 MB in all. */
  ATTACHMENT_TOO_LARGE: 413,
  /** More than 5 files attached to one letter. */
  TOO_MANY_ATTACHMENTS: 400,
  /** C-21: moving a file to the office that already holds it. */
  TRANSFER_SAME_OFFICE: 400,
  /** C-22: a request for reconsideration on a file that is neither refused nor abandoned. */
  NOT_ELIGIBLE_FOR_RECONSIDERATION: 409,
  /** C-22: a second request while one on the same file awaits its decision. */
  RECONSIDERATION_PENDING: 409,
  /** C-22: deciding a request that already has its (final) decision. */
  REQUEST_ALREADY_DECIDED: 409,
  /** C-24: granting reactivation of a citizenship file without naming the agency's administrative error. */
  AGENCY_ERROR_REQUIRED: 400,
  /** C-23: reopening a file without the new date by which the documents are due. */
  REOPEN_DEADLINE_REQUIRED: 400,
  /** C-19: no file matches the batch's criteria. */
  BATCH_NO_FILES: 400,
  /** C-19: a decision on one file (approval, refusal…) is not written to many at once. */
  LETTER_TYPE_NOT_FOR_BATCH: 400,
  /** C-20: at the office's sending rate, the batch's letters could not all leave within 24 hours. */
  BATCH_OUTSIDE_WINDOW: 409,
  /** C-19: a file of the batch moved to another office before its letter was written. */
  BATCH_FILE_MOVED: 409,
  /** C-20: staff stopped the batch before this file's letter was written or left. */
  BATCH_STOPPED: 409,
  /** C-20: an office's sending rate is a whole number of letters a minute, from 1 to 100,000. */
  SENDING_RATE_OUT_OF_RANGE: 400,
  /** C-20: stopping a batch needs its confirmation box ticked. */
  BATCH_STOP_NOT_CONFIRMED: 400,
  /** C-20: the batch was stopped already. */
  BATCH_ALREADY_STOPPED: 409,
  /** C-20: every letter of the batch has left (or failed): there is nothing to stop. */
  BATCH_FINISHED: 409,
  /** P-1: counsel whose standing with their professional body is not good cannot be invited or sign in. */
  COUNSEL_NOT_IN_GOOD_STANDING: 409,
  /** P-1: the registry already has this member of this professional body. */
  COUNSEL_ALREADY_IN_REGISTRY: 409,
  /** P-2: counsel register once; this counsel (or this external identity) already has an account. */
  ALREADY_REGISTERED: 409,
  /** P-2: a wrong access code, or none issued for the member number given. */
  ACCESS_CODE_INVALID: 400,
  /** P-2: the access code is more than 24 hours old. */
  ACCESS_CODE_EXPIRED: 400,
  /** P-2: the access code was already used (single use). */
  ACCESS_CODE_USED: 400,
  /** P-3: too many failures; the page shows the lock code to give the help desk. */
  ACCOUNT_LOCKED: 423,
  /** P-3: the lock code typed by staff is not the one the locked account shows. */
  LOCK_CODE_MISMATCH: 400,
  /** P-3: staff must confirm they validated the caller's identity before resetting an account. */
  IDENTITY_NOT_CONFIRMED: 400,
  /** P-3: the account has no identity bound to it (never registered, or reset already). */
  ACCOUNT_NOT_REGISTERED: 409,
  /** P-3: signed in with the external provider, but no counsel account is bound to that identity. */
  PORTAL_NOT_REGISTERED: 403,
  /** A mobile number that is not a Canadian or international number we can text (E.164). */
  INVALID_PHONE: 400,
  /** P-5: clamd found malware in the upload; nothing was recorded. */
  FILE_INFECTED: 422,
  /** P-5: a virus scanner is configured but did not answer; nothing was recorded, try again later. */
  SCAN_UNAVAILABLE: 503,
  /** P-2: the SMS could not be handed to the SMS service; no code is valid, staff may try again. */
  SMS_NOT_SENT: 502,
  /** P-8: the form was already processed (a decision is final). */
  FORM_ALREADY_PROCESSED: 409,
  /** P-6: the file's representative is not a registered counsel in good standing on My Case. */
  COUNSEL_NOT_ON_PORTAL: 409,
  /** P-1: the file's representative is already linked to another counsel of the registry. */
  REPRESENTATIVE_LINKED_ELSEWHERE: 409,
  /** P-4: a hearing scheduled at an instant already past. */
  HEARING_IN_PAST: 400,
  /** D-1: counsel already have 4 delegates at work or invited. */
  DELEGATE_LIMIT_REACHED: 409,
  /** D-1: this address is already one of counsel's delegates, invited or at work. */
  DELEGATE_ALREADY_INVITED: 409,
  /** D-1: no open invitation has this code (mistyped, lapsed, already used or ended). */
  INVITATION_INVALID: 400,
  /** D-1: the answers are not the ones counsel gave. */
  ANSWERS_WRONG: 400,
  /** D-1: too many wrong answers; counsel must invite again. */
  INVITATION_LOCKED: 423,
  /** D-1: a counsel's own identity cannot also be a delegate. */
  IDENTITY_IS_COUNSEL: 409,
  /** D-2: the delegate is gone from the list (10 days after expiry) or not registered: invite again. */
  DELEGATION_NOT_RENEWABLE: 409,
  /** D-2: the delegation expired without renewal; the delegate is blocked until counsel renew. */
  DELEGATION_BLOCKED: 403,
  /** D-2, D-6: the delegation ended (by counsel, or 10 days after expiry): counsel must invite again. */
  DELEGATION_ENDED: 403,
  /** P-8: a contact change that changes nothing. */
  NO_CHANGE: 400,
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
