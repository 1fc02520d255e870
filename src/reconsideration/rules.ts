import { isIsoDate, nonComplianceOutcome } from "../correspondence/rules.ts";
import { agencyErrors, decisionOutcomes } from "../db/schema/reconsideration.ts";
import type { FieldProblem } from "../errors.ts";
import type { ApplicationStatus, LineOfBusiness } from "../files/model.ts";
import { formatDate } from "../i18n/index.ts";

// Pure rules of reconsideration and reactivation (SPEC C-22..C-24). No I/O, no clock: "today" is given.

export type DecisionOutcome = (typeof decisionOutcomes)[number];
export type AgencyError = (typeof agencyErrors)[number];

/** C-22: only a file refused (for non-compliance) or abandoned can receive a request. */
export function canBeReconsidered(status: ApplicationStatus): boolean {
  return status === "refused" || status === "abandoned";
}

export interface DecisionForm {
  outcome: string;
  reasons: string;
  agencyError: string;
  agencyErrorDetails: string;
  /** "YYYY-MM-DD": the new date for the documents when the file reopens. */
  newDeadline: string;
}

export interface CheckedDecision {
  outcome: DecisionOutcome;
  reasons: string;
  agencyError: AgencyError | undefined;
  agencyErrorDetails: string | undefined;
  newDeadline: string | undefined;
  /** What the file becomes: reopened when granted; unchanged (undefined) when refused. */
  statusAfter: ApplicationStatus | undefined;
}

function oneOf<T extends string>(values: readonly T[], v: string): v is T {
  return (values as readonly string[]).includes(v);
}

/**
 * Checks a decision on a request, field by field, for a file of this line of business on `today` (the
 * office's calendar day). Returns every problem at once, or the decision as it will be recorded.
 *
 * - C-22: the decision has written reasons, whatever its outcome.
 * - C-23: an immigration (or refugee) file granted reconsideration reopens with a new chance to provide
 *   the documents: a new deadline, after today.
 * - C-24: a citizenship file is reactivated only for an administrative error of the agency, which the
 *   decision must name (one of a fixed list) and describe.
 */
export function checkDecision(
  line: LineOfBusiness,
  form: DecisionForm,
  today: string,
): { problems: FieldProblem[]; decision: CheckedDecision | undefined } {
  const problems: FieldProblem[] = [];
  const fail = (field: string, code: FieldProblem["code"]) => problems.push({ field, code });
  const outcome = oneOf(decisionOutcomes, form.outcome) ? form.outcome : undefined;
  if (!outcome) fail("outcome", form.outcome ? "INVALID_CHOICE" : "REQUIRED");
  if (form.reasons === "") fail("reasons", "REQUIRED");
  let agencyError: AgencyError | undefined;
  if (form.agencyError !== "") {
    if (oneOf(agencyErrors, form.agencyError)) agencyError = form.agencyError;
    else fail("agencyError", "INVALID_CHOICE");
  }
  const granted = outcome === "granted";
  if (granted && line === "citizenship") {
    if (form.agencyError === "") fail("agencyError", "AGENCY_ERROR_REQUIRED");
    if (form.agencyErrorDetails === "") fail("agencyErrorDetails", "AGENCY_ERROR_REQUIRED");
  }
  const needsDeadline = granted && line !== "citizenship";
  if (form.newDeadline !== "") {
    if (!isIsoDate(form.newDeadline)) fail("newDeadline", "INVALID_DATE");
    else if (form.newDeadline <= today) fail("newDeadline", "DEADLINE_IN_PAST");
  } else if (needsDeadline) fail("newDeadline", "REOPEN_DEADLINE_REQUIRED");
  if (problems.length > 0 || !outcome) return { problems, decision: undefined };
  return {
    problems,
    decision: {
      outcome,
      reasons: form.reasons,
      agencyError,
      agencyErrorDetails: form.agencyErrorDetails || undefined,
      // A refusal reopens nothing, so a date typed with it would promise a chance that is not given.
      newDeadline: granted ? form.newDeadline || undefined : undefined,
      statusAfter: granted ? "reopened" : undefined,
    },
  };
}

/**
 * C-22, C-23: what the decision letter says under "Decision", in both languages, filled in by the system
 * from the decision itself so that no one retypes it: the outcome and what follows from it. A reopened
 * file's letter gives the new date for the documents and what happens if they do not come, as a request
 * for documents does; that date is the letter's deadline, which the C-14 sweep then follows.
 */
export function decisionOutcomeText(
  line: LineOfBusiness,
  decision: Pick<CheckedDecision, "outcome" | "newDeadline">,
): { en: string; fr: string } {
  if (decision.outcome === "refused") {
    return {
      en: "Refused. The earlier decision on the application stands.",
      fr: "Refusée. La décision antérieure sur la demande est maintenue.",
    };
  }
  if (!decision.newDeadline) {
    return {
      en: "Granted. The application is reactivated and its processing resumes.",
      fr: "Accordée. La demande est réactivée et son traitement reprend.",
    };
  }
  const outcome = nonComplianceOutcome[line];
  return {
    en: `Granted. The application is reopened. Please provide the documents requested by ${formatDate("en", decision.newDeadline)}. If they are not received by that date, the application may be ${outcome.en}.`,
    fr: `Accordée. La demande est rouverte. Veuillez fournir les documents demandés au plus tard le ${formatDate("fr", decision.newDeadline)}. S’ils ne sont pas reçus à cette date, la demande pourrait être ${outcome.fr}.`,
  };
}
