import type { PlaceholderName } from "./templates.ts";

// The kinds of letter an office sends (SPEC C-9) and what each may say. Pure data: templates.ts checks
// templates against it, the composer uses it to know which values a letter needs.

/** C-9: the seven letter types. Each has an FR and an EN template. */
export const letterTypes = [
  "request-documents",
  "interview-convocation",
  "approval",
  "refusal",
  "file-transfer",
  "reconsideration-decision",
  "general",
] as const;

export type LetterType = (typeof letterTypes)[number];

export function isLetterType(value: string): value is LetterType {
  return (letterTypes as readonly string[]).includes(value);
}

/**
 * C-6: the placeholder that carries the response deadline of the letters that must have one: the date
 * the documents are due, or the interview date (which is its own deadline). Seed 000 "Pratiques
 * obligatoires": the email "fixe une date à laquelle les documents demandés doivent être fournis ou une
 * date d'entrevue". A type absent from this table needs no deadline.
 */
const deadlinePlaceholders: Partial<Record<LetterType, PlaceholderName>> = {
  "request-documents": "deadline",
  "interview-convocation": "interview_date",
};

/** C-6: true exactly for a request for documents and a convocation to an interview. */
export function requiresDeadline(type: LetterType): boolean {
  return deadlinePlaceholders[type] !== undefined;
}

/** C-6: the placeholder whose value is this letter's deadline, or undefined when it needs none. */
export function deadlinePlaceholderOf(type: LetterType): PlaceholderName | undefined {
  return deadlinePlaceholders[type];
}

/** What identifies the file, the person written to and the sender: every letter may say these. */
const common = [
  "recipient_name",
  "applicant_name",
  "file_number",
  "office_name",
  "office_mailbox",
  "date",
] as const satisfies readonly PlaceholderName[];

/**
 * The placeholders each type may use, and no others. A placeholder outside its type is refused when the
 * template is saved, because the composer only gathers the values a type needs: a refusal letter has no
 * interview place to fill in. `deadline` is deliberately absent from `general`: a letter that asks for
 * something by a date is a request for documents, and must be sent as one so its deadline is followed
 * (C-14).
 */
export const allowedPlaceholders: Record<LetterType, readonly PlaceholderName[]> = {
  "request-documents": [...common, "deadline", "documents_list", "non_compliance_outcome", "agent_note"],
  "interview-convocation": [
    ...common,
    "interview_date",
    "interview_place",
    "documents_list",
    "non_compliance_outcome",
    "agent_note",
  ],
  approval: [...common, "next_steps"],
  refusal: [...common, "decision_reasons"],
  // C-21: the notice names the office the file went to, and how to reach it.
  "file-transfer": [...common, "new_office_name", "new_office_mailbox"],
  // C-22: the decision is written with its reasons, and answers a request received on a known date.
  "reconsideration-decision": [...common, "request_date", "decision_outcome", "decision_reasons"],
  general: [...common, "agent_note"],
};

export function isAllowedPlaceholder(type: LetterType, name: string): boolean {
  return (allowedPlaceholders[type] as readonly string[]).includes(name);
}
