import type { ComponentChildren } from "preact";
import { AppError, type FieldProblem } from "../../errors.ts";
import { errorKey, type Translate } from "../../i18n/index.ts";

// Form parts in the GC Design System manner: a label, a hint, the error above the field, and a summary
// at the top of the form that links to each field in error.

export interface FormState {
  /** Which form on the page the problems belong to. */
  form: string;
  problems: FieldProblem[];
  values: Record<string, string>;
}

/**
 * The form shown again after a refusal: the service's problems beside their fields, and what was typed,
 * less the fields named in `clear` (secrets: codes, answers). A refusal without problems is rethrown, for
 * the error page.
 */
export function refusedForm(
  e: unknown,
  form: string,
  body: Record<string, unknown>,
  clear: string[] = [],
): FormState {
  if (!(e instanceof AppError) || e.problems.length === 0) throw e;
  const values = Object.fromEntries(
    Object.entries(body).filter(([k, v]) => typeof v === "string" && !clear.includes(k)),
  ) as Record<string, string>;
  return { form, problems: e.problems, values };
}

export function fieldId(form: string, field: string): string {
  return `${form}-${field}`;
}

export function ErrorSummary(props: {
  t: Translate;
  state: FormState | undefined;
  form: string;
  /** Further items of the list, after the problems (what the person must do again, for instance). */
  children?: ComponentChildren;
}) {
  const { state, t } = props;
  if (!state || state.form !== props.form || state.problems.length === 0) return null;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} id={`${props.form}-errors`}>
      <h2>{t("form.errorsTitle")}</h2>
      <ul>
        {state.problems.map((p) => (
          <li key={`${p.field}-${p.code}`}>
            <a href={`#${fieldId(props.form, p.field)}`}>{t(errorKey(p.code))}</a>
          </li>
        ))}
        {props.children}
      </ul>
    </div>
  );
}

export function Field(props: {
  t: Translate;
  form: string;
  name: string;
  label: string;
  hint?: string | undefined;
  state: FormState | undefined;
  required?: boolean;
  children: (attrs: {
    id: string;
    name: string;
    "aria-describedby"?: string;
    "aria-invalid"?: boolean;
  }) => ComponentChildren;
}) {
  const id = fieldId(props.form, props.name);
  const problem =
    props.state?.form === props.form ? props.state.problems.find((p) => p.field === props.name) : undefined;
  const described = [props.hint ? `${id}-hint` : "", problem ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={problem ? "field field-error" : "field"}>
      <label for={id}>
        {props.label} {props.required ? <span class="hint-inline">{props.t("form.required")}</span> : null}
      </label>
      {props.hint ? (
        <span class="hint" id={`${id}-hint`}>
          {props.hint}
        </span>
      ) : null}
      {problem ? (
        <span class="error-message" id={`${id}-error`}>
          {props.t(errorKey(problem.code))}
        </span>
      ) : null}
      {props.children({
        id,
        name: props.name,
        ...(described ? { "aria-describedby": described } : {}),
        ...(problem ? { "aria-invalid": true } : {}),
      })}
    </div>
  );
}

export function submittedValue(
  state: FormState | undefined,
  form: string,
  name: string,
  fallback = "",
): string {
  return state?.form === form ? (state.values[name] ?? fallback) : fallback;
}

export function CsrfField(props: { token: string | undefined }) {
  return <input type="hidden" name="_csrf" value={props.token ?? ""} />;
}

interface FieldProps {
  t: Translate;
  form: string;
  name: string;
  label: string;
  hint?: string | undefined;
  state: FormState | undefined;
  required?: boolean;
}

/** A select whose chosen option survives a round trip through the form's errors. */
export function SelectField(props: FieldProps & { options: { value: string; label: string }[] }) {
  const chosen = submittedValue(props.state, props.form, props.name);
  return (
    <Field {...props}>
      {(a) => (
        <select {...a}>
          {props.options.map((o) => (
            <option key={o.value} value={o.value} selected={chosen === o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** A past instant typed as wall-clock time in the office's zone; defaults to, and is capped at, now. */
export function PastInstantField(props: FieldProps & { now: string }) {
  return (
    <Field {...props}>
      {(a) => (
        <input
          type="datetime-local"
          {...a}
          value={submittedValue(props.state, props.form, props.name, props.now)}
          max={props.now}
        />
      )}
    </Field>
  );
}

export function TextField(props: FieldProps & { multiline?: boolean; type?: "text" | "email" | "date" }) {
  const value = submittedValue(props.state, props.form, props.name);
  return (
    <Field {...props}>
      {(a) =>
        props.multiline ? (
          <textarea {...a} rows={3} spellcheck={false} value={value} />
        ) : (
          <input type={props.type ?? "text"} {...a} value={value} spellcheck={props.type !== "email"} />
        )
      }
    </Field>
  );
}
