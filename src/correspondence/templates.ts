import type { Language } from "../files/model.ts";
import { deadlinePlaceholderOf, isAllowedPlaceholder, type LetterType } from "./letter-types.ts";

// Letter templates with ((placeholder)) personalisation, the syntax of GOV.UK Notify (and so of GC Notify,
// whose API the SMS transport already speaks), so office admins who know one know the other. Pure code:
// checking a template when it is saved, and rendering it when a letter is composed (SPEC C-6, C-9).
//
// Syntax, decided here:
// - A placeholder is "((", a name, "))", on one line. The name starts with a letter and continues with
//   letters, digits, "_" or "-"; only the snake_case names of `placeholderVocabulary` are known.
// - Spaces or tabs around the name are tolerated: "(( deadline ))" is ((deadline)). Office admins type
//   these by hand, and the space is invisible in most editors; nothing can be misread by dropping it.
// - A run of more than two "(" opens the placeholder at its last two, so "(((deadline)))" reads as a
//   deadline in parentheses, as in Notify.
// - Any other "((" is malformed and refused: unclosed on its line, empty, or with characters a name cannot
//   have ("((bad name!))"). A lone "))" is ordinary text: legal citations end that way, "(section 10(1))".
// - Values are inserted as plain text in one pass: a value that contains "((x))" stays literal.

/** The one language a template text is written in. A letter may be "bilingual" (C-9); a text may not. */
export type OfficialLanguage = Exclude<Language, "bilingual">;
export const officialLanguages = ["en", "fr"] as const satisfies readonly OfficialLanguage[];

/**
 * Every placeholder a template may use, with what the composer puts there. Dates are formatted by the
 * composer in the letter's language, day first, without an article ("15 March 2026", "15 mars 2026"):
 * the templates say "no later than" / "au plus tard le" themselves.
 */
export const placeholderVocabulary = {
  recipient_name:
    "Name of the person the letter is addressed to: the applicant, or their representative (C-3).",
  applicant_name: "Name of the applicant the file is about (the same as recipient_name when unrepresented).",
  file_number: "The file's number: a letter followed by nine digits.",
  office_name: "Name of the office that holds the file and sends the letter.",
  office_mailbox: "The office's generic mailbox, where replies go (C-7); never a person's address.",
  date: "The letter's date, formatted in the letter's language.",
  deadline: "Date by which the documents must be received (C-6), formatted in the letter's language.",
  documents_list: "The documents requested or to bring, one per line, in the letter's language.",
  non_compliance_outcome:
    'What may happen to the application without a response (C-14): "refused" / "refusée" (immigration) or "declared abandoned" / "déclarée abandonnée" (citizenship).',
  interview_date:
    "Date and time of the interview (C-6: it is the letter's deadline), in the letter's language.",
  interview_place: "Where the interview is held: an address, or how to join it remotely.",
  next_steps: "What the applicant must do next after an approval, in the letter's language.",
  decision_reasons: "The decision-maker's written reasons (C-22), in the letter's language.",
  new_office_name: "Name of the office the file was transferred to (C-21).",
  new_office_mailbox: "Generic mailbox of the office the file was transferred to (C-21).",
  request_date: "Date the request for reconsideration or reactivation was received (C-22).",
  decision_outcome: "The decision on a request for reconsideration or reactivation, in words (C-22).",
  agent_note: "Free text the agent writes for this letter, in the letter's language.",
} as const satisfies Record<string, string>;

export type PlaceholderName = keyof typeof placeholderVocabulary;
export const placeholderNames = Object.keys(placeholderVocabulary) as PlaceholderName[];

export function isPlaceholderName(name: string): name is PlaceholderName {
  return Object.hasOwn(placeholderVocabulary, name);
}

/** The texts of a template in both official languages, without its type. */
export interface TemplateTexts {
  subjectEn: string;
  bodyEn: string;
  subjectFr: string;
  bodyFr: string;
}

export interface LetterTemplate extends TemplateTexts {
  type: LetterType;
}

export type TemplateField = "subject" | "body";

// ---------------------------------------------------------------------------------------------------
// Scanning

export type MalformedReason = "unclosed" | "empty" | "invalid-name";

export interface MalformedPlaceholder {
  reason: MalformedReason;
  /** Offset of the opening "((" in the text. */
  index: number;
  /** The offending text, from "((" to where the placeholder should have closed (at most 40 characters). */
  excerpt: string;
}

export type TemplateSegment =
  | { kind: "text"; text: string }
  | { kind: "placeholder"; name: string; index: number };

export interface ScannedText {
  /** The text cut into literal runs and placeholders, in order; joining literals and placeholders rebuilds it. */
  segments: TemplateSegment[];
  malformed: MalformedPlaceholder[];
}

const NAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const EXCERPT_MAX = 40;

/** Cuts a text into literals and placeholders, collecting every malformed "((" rather than stopping at the first. */
export function scanTemplateText(text: string): ScannedText {
  const segments: TemplateSegment[] = [];
  const malformed: MalformedPlaceholder[] = [];
  let literalFrom = 0;
  let i = 0;
  while (i < text.length) {
    let open = text.indexOf("((", i);
    if (open < 0) break;
    // Extra leading "(" are literal text: the placeholder opens at the last two of the run.
    while (text[open + 2] === "(") open++;
    const nameFrom = open + 2;
    let end = nameFrom;
    while (end < text.length && !"()\r\n".includes(text[end]!)) end++;
    if (text.startsWith("))", end)) {
      const name = text.slice(nameFrom, end).trim();
      const excerpt = text.slice(open, end + 2);
      if (name === "") malformed.push({ reason: "empty", index: open, excerpt });
      else if (!NAME.test(name)) malformed.push({ reason: "invalid-name", index: open, excerpt });
      else {
        if (open > literalFrom) segments.push({ kind: "text", text: text.slice(literalFrom, open) });
        segments.push({ kind: "placeholder", name, index: open });
        literalFrom = end + 2;
      }
      i = end + 2;
    } else {
      malformed.push({
        reason: "unclosed",
        index: open,
        excerpt: text.slice(open, Math.min(end, open + EXCERPT_MAX)),
      });
      // Resume at what stopped the name: a "(" there may open the next, well-formed placeholder.
      i = end;
    }
  }
  if (literalFrom < text.length) segments.push({ kind: "text", text: text.slice(literalFrom) });
  return { segments, malformed };
}

function namesOf(scanned: ScannedText): string[] {
  const names: string[] = [];
  for (const s of scanned.segments)
    if (s.kind === "placeholder" && !names.includes(s.name)) names.push(s.name);
  return names;
}

/** Thrown by parsePlaceholders and renderTemplate when a text cannot be read as a template. */
export class TemplateSyntaxError extends Error {
  constructor(readonly malformed: MalformedPlaceholder[]) {
    super(
      `Malformed placeholder(s): ${malformed.map((m) => `${JSON.stringify(m.excerpt)} (${m.reason})`).join(", ")}`,
    );
    this.name = "TemplateSyntaxError";
  }
}

/**
 * The placeholder names a text uses, each once, in order of first appearance, as written (known or not).
 * A malformed placeholder throws a TemplateSyntaxError listing every one, with its offset.
 */
export function parsePlaceholders(text: string): string[] {
  const scanned = scanTemplateText(text);
  if (scanned.malformed.length > 0) throw new TemplateSyntaxError(scanned.malformed);
  return namesOf(scanned);
}

// ---------------------------------------------------------------------------------------------------
// Checking a template (when an office admin saves one, and over the defaults in tests)

interface Where {
  language: OfficialLanguage;
  field: TemplateField;
}

export type TemplateProblem =
  /** C-9: a template in one language only is refused; both subject and body are needed in FR and EN. */
  | ({ code: "LANGUAGE_MISSING" } & Where)
  /** A subject is one header line: a line break in it would break the message (or inject a header). */
  | ({ code: "SUBJECT_NOT_ONE_LINE" } & Where)
  | ({ code: "MALFORMED_PLACEHOLDER" } & Where & MalformedPlaceholder)
  /** A name outside the vocabulary; `suggestion` is the known name it most likely meant, if any. */
  | ({ code: "UNKNOWN_PLACEHOLDER"; name: string; suggestion: PlaceholderName | undefined } & Where)
  /** A known name this letter type may not use (letter-types.ts, allowedPlaceholders). */
  | ({ code: "PLACEHOLDER_NOT_ALLOWED"; name: PlaceholderName; letterType: LetterType } & Where)
  /** C-6: a request for documents or a convocation whose body does not carry its deadline. */
  | {
      code: "DEADLINE_REQUIRED";
      language: OfficialLanguage;
      letterType: LetterType;
      placeholder: PlaceholderName;
    }
  /** The two official languages must say the same thing (C-9): a value shown in one only is an omission. */
  | {
      code: "PLACEHOLDER_IN_ONE_LANGUAGE";
      name: string;
      presentIn: OfficialLanguage;
      missingFrom: OfficialLanguage;
    };

export type TemplateProblemCode = TemplateProblem["code"];

function textOf(t: TemplateTexts, language: OfficialLanguage, field: TemplateField): string {
  if (language === "en") return field === "subject" ? t.subjectEn : t.bodyEn;
  return field === "subject" ? t.subjectFr : t.bodyFr;
}

const isBlank = (s: string): boolean => s.trim() === "";

/** Levenshtein distance, for suggesting the name a typo meant. Names are short: the quadratic cost is nothing. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The known name an unknown one most likely meant: same letters in another case or separator, or a near typo. */
export function suggestPlaceholder(name: string): PlaceholderName | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[-_]/g, "");
  const same = placeholderNames.find((known) => squash(known) === squash(name));
  if (same) return same;
  let best: PlaceholderName | undefined;
  let bestDistance = 3; // more than two edits away is another word, not a typo
  for (const known of placeholderNames) {
    const d = editDistance(name.toLowerCase(), known);
    if (d < bestDistance) {
      best = known;
      bestDistance = d;
    }
  }
  return best;
}

/**
 * Every problem with a template, in a stable order (per language EN then FR, subject then body; then the
 * checks across languages); [] when it may be saved and used.
 */
export function checkTemplate(t: LetterTemplate): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  const used: Record<OfficialLanguage, string[]> = { en: [], fr: [] };
  const bodyNames: Record<OfficialLanguage, string[] | undefined> = { en: undefined, fr: undefined };

  for (const language of officialLanguages) {
    for (const field of ["subject", "body"] as const) {
      const text = textOf(t, language, field);
      if (isBlank(text)) {
        problems.push({ code: "LANGUAGE_MISSING", language, field });
        continue;
      }
      if (field === "subject" && /[\r\n]/.test(text))
        problems.push({ code: "SUBJECT_NOT_ONE_LINE", language, field });
      const scanned = scanTemplateText(text);
      for (const m of scanned.malformed)
        problems.push({ code: "MALFORMED_PLACEHOLDER", language, field, ...m });
      const names = namesOf(scanned);
      for (const name of names) {
        if (!isPlaceholderName(name)) {
          problems.push({
            code: "UNKNOWN_PLACEHOLDER",
            name,
            suggestion: suggestPlaceholder(name),
            language,
            field,
          });
        } else if (!isAllowedPlaceholder(t.type, name)) {
          problems.push({ code: "PLACEHOLDER_NOT_ALLOWED", name, letterType: t.type, language, field });
        }
        if (!used[language].includes(name)) used[language].push(name);
      }
      if (field === "body") bodyNames[language] = names;
    }
  }

  // C-6: the deadline goes in the body, where the person reads what to do; a subject alone is not enough.
  const deadline = deadlinePlaceholderOf(t.type);
  const deadlineMissing = new Set<OfficialLanguage>();
  if (deadline) {
    for (const language of officialLanguages) {
      const names = bodyNames[language];
      if (names && !names.includes(deadline)) {
        problems.push({ code: "DEADLINE_REQUIRED", language, letterType: t.type, placeholder: deadline });
        deadlineMissing.add(language);
      }
    }
  }

  // Compared only when both languages are there: a missing language is already its own problem. A
  // deadline missing from one language was reported just above, once is enough.
  if (!problems.some((p) => p.code === "LANGUAGE_MISSING")) {
    for (const [presentIn, missingFrom] of [
      ["en", "fr"],
      ["fr", "en"],
    ] as const) {
      for (const name of used[presentIn]) {
        if (used[missingFrom].includes(name)) continue;
        if (name === deadline && deadlineMissing.has(missingFrom)) continue;
        problems.push({ code: "PLACEHOLDER_IN_ONE_LANGUAGE", name, presentIn, missingFrom });
      }
    }
  }
  return problems;
}

/** One line of English for logs, the CLI and test failures; pages show the FR/EN text of the code. */
export function describeTemplateProblem(p: TemplateProblem): string {
  switch (p.code) {
    case "LANGUAGE_MISSING":
      return `The ${p.field} in ${p.language.toUpperCase()} is empty: a template needs both official languages.`;
    case "SUBJECT_NOT_ONE_LINE":
      return `The subject in ${p.language.toUpperCase()} has a line break: a subject is one line.`;
    case "MALFORMED_PLACEHOLDER":
      return `Malformed placeholder ${JSON.stringify(p.excerpt)} (${p.reason}) in the ${p.field} in ${p.language.toUpperCase()}.`;
    case "UNKNOWN_PLACEHOLDER":
      return `Unknown placeholder ((${p.name})) in the ${p.field} in ${p.language.toUpperCase()}${p.suggestion ? `; did you mean ((${p.suggestion}))?` : "."}`;
    case "PLACEHOLDER_NOT_ALLOWED":
      return `((${p.name})) cannot be used in a ${p.letterType} letter (${p.field} in ${p.language.toUpperCase()}).`;
    case "DEADLINE_REQUIRED":
      return `A ${p.letterType} letter must carry its deadline: ((${p.placeholder})) is missing from the body in ${p.language.toUpperCase()}.`;
    case "PLACEHOLDER_IN_ONE_LANGUAGE":
      return `((${p.name})) appears in ${p.presentIn.toUpperCase()} but not in ${p.missingFrom.toUpperCase()}.`;
  }
}

// ---------------------------------------------------------------------------------------------------
// Rendering

/**
 * A value to put in a placeholder: one string for every language (a file number), or one per language
 * (a date, a list of documents), so that a bilingual letter reads right in both halves.
 */
export type PlaceholderValue = string | { readonly en: string; readonly fr: string };

/**
 * Bilingual letters (C-9) follow Government of Canada practice: French first, then English. The subject is
 * "FR / EN". The body opens with a one-line notice in English, so an English reader knows to read on,
 * then the French text, this separator line, and the English text.
 */
export const bilingualSubjectJoin = " / ";
export const bilingualSeparator = "----------------------------------------";
export const englishFollowsNotice = "(English message follows)";

export class TemplateRenderError extends Error {
  constructor(
    readonly code: "MISSING_VALUES" | "LANGUAGE_MISSING",
    /** The placeholders without a value, or the languages without text. */
    readonly missing: string[],
  ) {
    super(
      code === "MISSING_VALUES"
        ? `No value for placeholder(s) ${missing.map((n) => `((${n}))`).join(", ")}`
        : `The template has no text in ${missing.join(", ")}`,
    );
    this.name = "TemplateRenderError";
  }
}

function valueIn(value: PlaceholderValue | undefined, language: OfficialLanguage): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  return value[language];
}

export interface RenderedLetter {
  subject: string;
  body: string;
}

/**
 * The letter's subject and body in `language` ("en", "fr" or "bilingual"), every placeholder replaced.
 * Values for placeholders the template does not use are ignored (the composer gathers one set per file).
 *
 * Throws TemplateRenderError when a placeholder has no value, listing all of them: an empty or blank value
 * counts as none, since "no later than ." is not a deadline (C-6). Throws TemplateSyntaxError on a
 * malformed template; checkTemplate refuses those before they are saved. Line breaks in a value placed in
 * the subject become single spaces: a subject is one line.
 */
export function renderTemplate(
  t: TemplateTexts,
  language: Language,
  values: Readonly<Record<string, PlaceholderValue>>,
): RenderedLetter {
  const languages: OfficialLanguage[] = language === "bilingual" ? ["fr", "en"] : [language];

  const empty = languages.filter((l) => isBlank(textOf(t, l, "subject")) || isBlank(textOf(t, l, "body")));
  if (empty.length > 0) throw new TemplateRenderError("LANGUAGE_MISSING", empty);

  const scanned = languages.map((l) => ({
    language: l,
    subject: scanTemplateText(textOf(t, l, "subject")),
    body: scanTemplateText(textOf(t, l, "body")),
  }));
  const malformed = scanned.flatMap((s) => [...s.subject.malformed, ...s.body.malformed]);
  if (malformed.length > 0) throw new TemplateSyntaxError(malformed);

  const missing: string[] = [];
  for (const s of scanned) {
    for (const name of [...namesOf(s.subject), ...namesOf(s.body)]) {
      const v = Object.hasOwn(values, name) ? valueIn(values[name], s.language) : undefined;
      if ((v === undefined || isBlank(v)) && !missing.includes(name)) missing.push(name);
    }
  }
  if (missing.length > 0) throw new TemplateRenderError("MISSING_VALUES", missing);

  // One pass over the segments: a value is never scanned again, so "((x))" inside it stays as written.
  const fill = (text: ScannedText, l: OfficialLanguage, oneLine: boolean): string =>
    text.segments
      .map((seg) => {
        if (seg.kind === "text") return seg.text;
        const v = valueIn(values[seg.name], l)!;
        return oneLine ? v.replace(/\s*[\r\n]+\s*/g, " ") : v;
      })
      .join("");

  const parts = scanned.map((s) => ({
    subject: fill(s.subject, s.language, true),
    body: fill(s.body, s.language, false),
  }));
  if (parts.length === 1) return parts[0]!;
  const [fr, en] = parts as [RenderedLetter, RenderedLetter];
  return {
    subject: `${fr.subject}${bilingualSubjectJoin}${en.subject}`,
    // Trailing line breaks of the French text are dropped so the separator always sits between blank lines.
    body: `${englishFollowsNotice}\n\n${fr.body.replace(/[\r\n]+$/, "")}\n\n${bilingualSeparator}\n\n${en.body}`,
  };
}
