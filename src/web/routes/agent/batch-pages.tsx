import { type ComponentChildren, Fragment } from "preact";
import {
  type BatchCounts,
  type BatchCriteria,
  batchLetterTypes,
  batchOutcomes,
  type DeadlineRule,
} from "../../../batches/rules.ts";
import type { openBatch, previewBatch } from "../../../batches/service.ts";
import type { BatchRow } from "../../../batches/store.ts";
import { applicationStatuses, linesOfBusiness } from "../../../db/schema/files.ts";
import type { Office } from "../../../files/store.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { errorKey, formatDate, formatInstant, type Lang, type Translate } from "../../../i18n/index.ts";
import {
  CsrfField,
  ErrorSummary,
  Field,
  type FormState,
  fieldId,
  SelectField,
  submittedValue,
  TextField,
} from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

// The pages of batches (SPEC C-19, C-20): the list with the form for a new batch, the preview, and a
// batch's page with its account, which follows the sending live (batch-progress.js) or, without
// JavaScript, by reloading itself. Views only: batches.tsx loads the data and calls the batch service.

type BatchPreview = Awaited<ReturnType<typeof previewBatch>>;
export type OpenedBatch = Awaited<ReturnType<typeof openBatch>>;

/** The form's name: field ids are `batch-<field>`, as the error summary links to them. */
export const batchForm = "batch";

/** The values a batch's letter may need, typed once for all (batches/service.ts batchValueFields). */
const valueFields = [
  { name: "documentsList", label: "compose.documentsList", hint: "compose.documentsListHint", rows: 5 },
  { name: "interviewTime", label: "compose.interviewTime", hint: "compose.interviewTimeHint", rows: 0 },
  { name: "interviewPlace", label: "compose.interviewPlace", hint: "compose.interviewPlaceHint", rows: 3 },
  { name: "agentNote", label: "compose.agentNote", hint: "compose.agentNoteHint", rows: 4 },
] as const satisfies readonly { name: string; label: MessageKey; hint: MessageKey; rows: number }[];

/**
 * Every field of the form, in order. The preview carries them to the creation as hidden inputs, so the
 * batch created is the one previewed. (`nextSteps` is left out: only an approval uses it, and an
 * approval is never written in a batch.)
 */
export const batchFormFields = [
  "office",
  "lineOfBusiness",
  "status",
  "receivedFrom",
  "receivedTo",
  "represented",
  "letterType",
  ...valueFields.map((f) => f.name),
  "deadlineRule",
  "deadlineDays",
  "deadlineDate",
] as const;

const letterTypeLabel = (t: Translate, type: string) => t(`letterType.${type}` as MessageKey);
const outcomeLabel = (t: Translate, outcome: string) => t(`batches.outcome.${outcome}` as MessageKey);

function officeName(offices: readonly Office[], code: string, lang: Lang): string {
  const office = offices.find((o) => o.code === code);
  return office ? (lang === "fr" ? office.nameFr : office.nameEn) : code;
}

/** Counts as people of each language write them (the live script formats them the same way). */
function numberLocale(lang: Lang): string {
  return lang === "fr" ? "fr-CA" : "en-CA";
}

function formatCount(lang: Lang, n: number): string {
  return new Intl.NumberFormat(numberLocale(lang)).format(n);
}

/**
 * A translated text with some of its `{placeholders}` replaced by elements rather than text: the live
 * script then updates a number inside a sentence without knowing the sentence's language.
 */
function withSlots(text: string, slots: Record<string, ComponentChildren>): ComponentChildren[] {
  return text.split(/\{(\w+)\}/).map((part, i) => (i % 2 === 1 ? (slots[part] ?? `{${part}}`) : part));
}

// ---------------------------------------------------------------------------------------------------
// The list and the form

export function BatchesPage(props: {
  ctx: PageContext;
  batches: readonly BatchRow[];
  /** The offices the person reads: names and time zones of the batches listed. */
  offices: readonly Office[];
  /** The offices the person may run a batch for; none: the form is not shown. */
  creatable: readonly Office[];
  state: FormState | undefined;
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("batches.title")}>
      <h1>{t("batches.title")}</h1>
      {/* At the top of the page, where the person lands after a refused form (GC Design System). */}
      <ErrorSummary t={t} state={state} form={batchForm} />
      <p>{t("batches.intro")}</p>
      <BatchList ctx={ctx} batches={props.batches} offices={props.offices} />
      <section aria-labelledby="new-batch-heading">
        <h2 id="new-batch-heading">{t("batches.newTitle")}</h2>
        {props.creatable.length === 0 ? (
          <div class="notice">
            <p>{t("batches.readOnly")}</p>
          </div>
        ) : (
          <>
            <p>{t("batches.newIntro")}</p>
            <BatchForm ctx={ctx} offices={props.creatable} state={state} />
          </>
        )}
      </section>
    </Layout>
  );
}

function BatchList(props: { ctx: PageContext; batches: readonly BatchRow[]; offices: readonly Office[] }) {
  const { ctx, batches, offices } = props;
  const { t, lang } = ctx;
  const zoneOf = (code: string) => offices.find((o) => o.code === code)?.timeZone ?? "America/Toronto";
  return (
    <section aria-labelledby="batch-list-heading">
      <h2 id="batch-list-heading">{t("batches.listTitle")}</h2>
      {batches.length === 0 ? (
        <p>{t("batches.none")}</p>
      ) : (
        <table id="batch-list">
          <caption>{t("batches.listCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("batches.colCreated")}</th>
              <th scope="col">{t("batches.colOffice")}</th>
              <th scope="col">{t("batches.colType")}</th>
              <th scope="col">{t("batches.colMembers")}</th>
            </tr>
          </thead>
          <tbody>
            {batches.map((b) => (
              <tr key={b.id}>
                <td>
                  <a href={`/agent/batches/${b.id}`}>
                    {formatInstant(lang, b.createdAt, zoneOf(b.officeCode))}
                  </a>
                </td>
                <td>{officeName(offices, b.officeCode, lang)}</td>
                <td>{letterTypeLabel(t, b.letterType)}</td>
                <td>{formatCount(lang, b.members)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** C-19: the criteria, the letter and its deadline rule. It only previews: nothing is recorded. */
function BatchForm(props: { ctx: PageContext; offices: readonly Office[]; state: FormState | undefined }) {
  const { ctx, state } = props;
  const { t, lang } = ctx;
  const common = { t, form: batchForm, state };
  const choice = (value: string, label: string) => ({ value, label });
  return (
    <form method="post" action="/agent/batches/preview" noValidate>
      <CsrfField token={ctx.csrfToken} />
      <h3>{t("batches.criteria")}</h3>
      <SelectField
        {...common}
        required
        name="office"
        label={t("batches.office")}
        hint={t("batches.officeHint")}
        options={props.offices.map((o) => choice(o.code, officeName(props.offices, o.code, lang)))}
      />
      <SelectField
        {...common}
        name="lineOfBusiness"
        label={t("batches.lineOfBusiness")}
        options={[
          choice("", t("batches.anyLine")),
          ...linesOfBusiness.map((l) => choice(l, t(`line.${l}` as MessageKey))),
        ]}
      />
      <SelectField
        {...common}
        name="status"
        label={t("batches.status")}
        options={[
          choice("", t("batches.anyStatus")),
          ...applicationStatuses.map((s) => choice(s, t(`status.${s}` as MessageKey))),
        ]}
      />
      <TextField
        {...common}
        name="receivedFrom"
        type="date"
        label={t("batches.receivedFrom")}
        hint={t("batches.receivedHint")}
      />
      <TextField
        {...common}
        name="receivedTo"
        type="date"
        label={t("batches.receivedTo")}
        hint={t("batches.receivedHint")}
      />
      <SelectField
        {...common}
        name="represented"
        label={t("batches.represented")}
        options={[
          choice("", t("batches.representedAny")),
          choice("yes", t("batches.representedYes")),
          choice("no", t("batches.representedNo")),
        ]}
      />
      <h3>{t("batches.letter")}</h3>
      <SelectField
        {...common}
        required
        name="letterType"
        label={t("compose.letterType")}
        hint={t("batches.letterTypeHint")}
        options={batchLetterTypes.map((type) => choice(type, letterTypeLabel(t, type)))}
      />
      {/* Before the values: the convocation's time says "the date of the interview is the deadline above". */}
      <DeadlineRuleField t={t} state={state} />
      <p class="hint">{t("batches.valuesHint")}</p>
      {valueFields.map((f) => (
        <Field key={f.name} {...common} name={f.name} label={t(f.label)} hint={t(f.hint)}>
          {(a) =>
            f.rows === 0 ? (
              <input type="time" {...a} value={submittedValue(state, batchForm, f.name)} />
            ) : (
              <textarea {...a} rows={f.rows} value={submittedValue(state, batchForm, f.name)} />
            )
          }
        </Field>
      ))}
      <button type="submit">{t("batches.preview")}</button>
    </form>
  );
}

/**
 * C-6 for a batch: no deadline, a number of days after each letter, or one date for all. Radio buttons
 * in a fieldset, each choice's own field under it; without JavaScript every field stays visible.
 */
function DeadlineRuleField(props: { t: Translate; state: FormState | undefined }) {
  const { t, state } = props;
  const id = fieldId(batchForm, "deadlineRule");
  const chosen = submittedValue(state, batchForm, "deadlineRule", "none");
  const problem =
    state?.form === batchForm ? state.problems.find((p) => p.field === "deadlineRule") : undefined;
  const common = { t, form: batchForm, state };
  const radio = (value: DeadlineRule["kind"], label: MessageKey, nested?: ComponentChildren) => {
    // The first choice carries the group's id: the error summary's link lands on it.
    const radioId = value === "none" ? id : `${id}-${value}`;
    return (
      <div class="radio">
        <input type="radio" id={radioId} name="deadlineRule" value={value} checked={chosen === value} />
        <label for={radioId}>{t(label)}</label>
        {nested ? <div class="nested">{nested}</div> : null}
      </div>
    );
  };
  return (
    <fieldset
      class={problem ? "field field-error" : "field"}
      aria-describedby={problem ? `${id}-hint ${id}-error` : `${id}-hint`}
    >
      <legend>{t("batches.deadlineRule")}</legend>
      <span class="hint" id={`${id}-hint`}>
        {t("batches.deadlineRuleHint")}
      </span>
      {problem ? (
        <span class="error-message" id={`${id}-error`}>
          {t(errorKey(problem.code))}
        </span>
      ) : null}
      {radio("none", "batches.deadlineNone")}
      {radio(
        "days",
        "batches.deadlineDaysOption",
        <Field
          {...common}
          name="deadlineDays"
          label={t("batches.deadlineDays")}
          hint={t("batches.deadlineDaysHint")}
        >
          {(a) => (
            <input
              type="text"
              inputMode="numeric"
              size={4}
              {...a}
              value={submittedValue(state, batchForm, "deadlineDays")}
            />
          )}
        </Field>,
      )}
      {radio(
        "date",
        "batches.deadlineDateOption",
        <TextField {...common} name="deadlineDate" type="date" label={t("batches.deadlineDate")} />,
      )}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------------
// The preview

/** Minutes the batch needs at the office's rate (C-20), rounded up; 0 when the office has no limit. */
export function sendingMinutes(count: number, perMinute: number): number {
  return Number.isFinite(perMinute) && perMinute > 0 ? Math.ceil(count / perMinute) : 0;
}

export function BatchPreviewPage(props: {
  ctx: PageContext;
  preview: BatchPreview;
  /** The offices the person may run a batch for, for the form shown again below. */
  creatable: readonly Office[];
  /** The form as submitted: the hidden fields of "Create", and the form to change it. */
  values: Record<string, string>;
}) {
  const { ctx, preview, values } = props;
  const { t, lang } = ctx;
  const { office, count, officePerMinute } = preview;
  const minutes = sendingMinutes(count, officePerMinute);
  return (
    <Layout ctx={ctx} title={t("batches.previewTitle")}>
      <p>
        <a href="/agent/batches">{t("batches.back")}</a>
      </p>
      <h1>{t("batches.previewTitle")}</h1>
      <div class="notice" role="status">
        <p>{t("batches.previewNothing")}</p>
      </div>
      <dl class="summary" id="batch-preview-summary">
        <dt>{t("batches.office")}</dt>
        <dd>{lang === "fr" ? office.nameFr : office.nameEn}</dd>
        <dt>{t("compose.letterType")}</dt>
        <dd>{letterTypeLabel(t, preview.draft.letterType)}</dd>
        <dt>{t("batches.matching")}</dt>
        <dd id="batch-count">{formatCount(lang, count)}</dd>
        <dt>{t("batches.rate")}</dt>
        <dd>
          {Number.isFinite(officePerMinute)
            ? t("batches.rateValue", { rate: formatCount(lang, officePerMinute) })
            : t("batches.rateNone")}
        </dd>
        <dt>{t("batches.estimate")}</dt>
        <dd>
          {minutes <= 1
            ? t("batches.estimateUnderMinute")
            : t("batches.estimateMinutes", { minutes: formatCount(lang, minutes) })}
          <span class="hint">{t("batches.estimateHint")}</span>
        </dd>
      </dl>
      <SampleTable ctx={ctx} sample={preview.sample} />
      <section class="routing" aria-labelledby="batch-example-heading" id="batch-example">
        <h2 id="batch-example-heading">{t("batches.example")}</h2>
        {preview.example ? (
          <>
            <dl class="summary">
              <dt>{t("compose.previewSubject")}</dt>
              <dd>{preview.example.subject}</dd>
            </dl>
            <h3>{t("compose.previewBody")}</h3>
            <pre class="pre-line" lang={bodyLang(preview.example.language)}>
              {preview.example.body}
            </pre>
          </>
        ) : (
          <p>{t("batches.exampleNone")}</p>
        )}
      </section>
      <form method="post" action="/agent/batches" id="batch-create">
        <CsrfField token={ctx.csrfToken} />
        {batchFormFields.map((name) => (
          <input key={name} type="hidden" name={name} value={values[name] ?? ""} />
        ))}
        <p class="hint">{t("batches.createHint")}</p>
        <button type="submit">{t("batches.create")}</button>
      </form>
      <section aria-labelledby="batch-change-heading">
        <h2 id="batch-change-heading">{t("batches.change")}</h2>
        <BatchForm ctx={ctx} offices={props.creatable} state={{ form: batchForm, problems: [], values }} />
      </section>
    </Layout>
  );
}

function SampleTable(props: { ctx: PageContext; sample: BatchPreview["sample"] }) {
  const { t } = props.ctx;
  return (
    <table id="batch-sample">
      <caption>{t("batches.sample")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("search.colNumber")}</th>
          <th scope="col">{t("search.colApplicant")}</th>
          <th scope="col">{t("search.colStatus")}</th>
        </tr>
      </thead>
      <tbody>
        {props.sample.map((s) => (
          <tr key={s.number}>
            <td>
              <a href={`/agent/files/${s.number}`}>{s.number}</a>
            </td>
            <td>{s.applicantName ?? "—"}</td>
            <td>{t(`status.${s.status}` as MessageKey)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The language of a letter's text, for screen readers; a bilingual letter has no single one. */
function bodyLang(language: string): string | undefined {
  return language === "en" || language === "fr" ? language : undefined;
}

// ---------------------------------------------------------------------------------------------------
// A batch's page

/** The letters whose outcome is known (C-20): neither waiting to be written nor to be accepted. */
export function accountedFor(counts: BatchCounts, members: number): number {
  return members - counts.waiting - counts.pending;
}

export function BatchPage(props: {
  ctx: PageContext;
  opened: OpenedBatch;
  office: Office | undefined;
  /** The person has just created it (the redirect after "Create"). */
  created: boolean;
  /** Names of the staff the page mentions (who stopped the batch). */
  staffNames?: ReadonlyMap<string, string>;
}) {
  const { ctx, opened, office } = props;
  const { t, lang } = ctx;
  const { batch, finished } = opened;
  const zone = office?.timeZone ?? "America/Toronto";
  const title = t("batches.batchTitle", { date: formatInstant(lang, batch.createdAt, zone) });
  // Until it is finished the page follows the sending: by itself every 5 seconds without JavaScript,
  // in place with it (the refresh inside <noscript> is ignored by a browser that runs scripts).
  const head = finished ? null : (
    <>
      <noscript>
        <meta httpEquiv="refresh" content="5" />
      </noscript>
      <script src="/static/batch-progress.js" defer />
    </>
  );
  return (
    <Layout ctx={ctx} title={title} head={head}>
      <p>
        <a href="/agent/batches">{t("batches.back")}</a>
      </p>
      <h1>{title}</h1>
      {props.created ? (
        <div class="notice notice-success" role="status">
          <p>{t("batches.createdNotice")}</p>
        </div>
      ) : null}
      {opened.stop ? (
        <div class="notice notice-warning" role="status" id="batch-stopped">
          <p>
            {t("batches.stoppedNotice", {
              at: formatInstant(lang, opened.stop.stoppedAt, zone),
              name: props.staffNames?.get(opened.stop.stoppedBy) ?? t("counsel.staff"),
              cancelled: formatCount(lang, opened.stop.cancelled),
              notWritten: formatCount(lang, opened.stop.notWritten),
            })}
          </p>
        </div>
      ) : null}
      <BatchSummary ctx={ctx} batch={batch} office={office} zone={zone} />
      {opened.mayStop ? (
        // The form is on a page of its own: this one reloads itself every 5 s without JavaScript, which
        // would take a half-ticked box away from the person (and from a screen reader's user).
        <section aria-labelledby="batch-stop-heading" data-while-running>
          <h2 id="batch-stop-heading">{t("batches.stopTitle")}</h2>
          <p>
            <a href={`/agent/batches/${batch.id}/stop`}>{t("batches.stopLink")}</a>
          </p>
        </section>
      ) : null}
      <section aria-labelledby="batch-account-heading">
        <h2 id="batch-account-heading">{t("batches.account")}</h2>
        <BatchAccount ctx={ctx} opened={opened} />
        <p>
          <a href={`/agent/batches/${batch.id}/account.csv`} download>
            {t("batches.csv")}
          </a>
          <span class="hint">{t("batches.csvHint")}</span>
        </p>
      </section>
    </Layout>
  );
}

/**
 * C-20: stopping the batch, on a page of its own that does not reload; the box says, before anything is
 * done, what cannot be undone.
 */
export function StopBatchPage(props: {
  ctx: PageContext;
  opened: OpenedBatch;
  office: Office | undefined;
  state: FormState | undefined;
}) {
  const { ctx, opened, office, state } = props;
  const { t, lang } = ctx;
  const { batch, counts } = opened;
  const zone = office?.timeZone ?? "America/Toronto";
  const title = t("batches.stopPageTitle", { date: formatInstant(lang, batch.createdAt, zone) });
  const box = fieldId("stop", "confirm");
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href={`/agent/batches/${batch.id}`}>{t("batches.backToBatch")}</a>
      </p>
      <h1>{title}</h1>
      <ErrorSummary t={t} state={state} form="stop" />
      <BatchSummary ctx={ctx} batch={batch} office={office} zone={zone} />
      <p>
        {t("batches.stopSoFar", {
          waiting: formatCount(lang, counts.waiting + counts.pending),
          members: formatCount(lang, batch.members),
        })}
      </p>
      <form method="post" action={`/agent/batches/${batch.id}/stop`} noValidate>
        <CsrfField token={ctx.csrfToken} />
        <p id="batch-stop-intro">{t("batches.stopIntro")}</p>
        <div class="field">
          <input
            type="checkbox"
            id={box}
            name="confirm"
            value="yes"
            required
            aria-describedby="batch-stop-intro"
            aria-invalid={state?.form === "stop" ? "true" : undefined}
          />{" "}
          <label for={box}>{t("batches.stopConfirm")}</label>
        </div>
        <button type="submit" class="button-danger">
          {t("batches.stop")}
        </button>
      </form>
    </Layout>
  );
}

function BatchSummary(props: {
  ctx: PageContext;
  batch: BatchRow;
  office: Office | undefined;
  zone: string;
}) {
  const { ctx, batch, office, zone } = props;
  const { t, lang } = ctx;
  const rule = batch.deadlineRule as DeadlineRule;
  const values = valueFields.filter((f) => batch.values[f.name]);
  return (
    <dl class="summary" id="batch-summary">
      <dt>{t("batches.office")}</dt>
      <dd>{office ? (lang === "fr" ? office.nameFr : office.nameEn) : batch.officeCode}</dd>
      <dt>{t("compose.letterType")}</dt>
      <dd>{letterTypeLabel(t, batch.letterType)}</dd>
      <dt>{t("batches.createdAt")}</dt>
      <dd>{formatInstant(lang, batch.createdAt, zone)}</dd>
      <dt>{t("batches.sendBy")}</dt>
      <dd>{t("batches.sendByValue", { date: formatInstant(lang, batch.sendBy, zone) })}</dd>
      <dt>{t("batches.criteriaChosen")}</dt>
      <dd>
        <CriteriaList t={t} lang={lang} criteria={batch.criteria as unknown as BatchCriteria} />
      </dd>
      <dt>{t("batches.members")}</dt>
      <dd>{formatCount(lang, batch.members)}</dd>
      <dt>{t("batches.deadlineRule")}</dt>
      <dd>
        {rule.kind === "days"
          ? t("batches.deadlineDaysValue", { days: rule.days })
          : rule.kind === "date"
            ? formatDate(lang, rule.date)
            : t("compose.none")}
      </dd>
      {values.map((f) => (
        <Fragment key={f.name}>
          <dt>{t(f.label)}</dt>
          <dd class="pre-line">{batch.values[f.name]}</dd>
        </Fragment>
      ))}
    </dl>
  );
}

/** The criteria the files were chosen by, as the form named them; the office is said above. */
function CriteriaList(props: { t: Translate; lang: Lang; criteria: BatchCriteria }) {
  const { t, lang, criteria: c } = props;
  const items: [MessageKey, string][] = [];
  if (c.lineOfBusiness) items.push(["batches.lineOfBusiness", t(`line.${c.lineOfBusiness}` as MessageKey)]);
  if (c.status) items.push(["batches.status", t(`status.${c.status}` as MessageKey)]);
  if (c.receivedFrom) items.push(["batches.receivedFrom", formatDate(lang, c.receivedFrom)]);
  if (c.receivedTo) items.push(["batches.receivedTo", formatDate(lang, c.receivedTo)]);
  if (c.represented)
    items.push([
      "batches.represented",
      t(c.represented === "yes" ? "batches.representedYes" : "batches.representedNo"),
    ]);
  if (items.length === 0) return <>{t("batches.allFiles")}</>;
  return (
    <ul>
      {items.map(([name, value]) => (
        <li key={name}>{t("batches.criterion", { name: t(name), value })}</li>
      ))}
    </ul>
  );
}

/**
 * C-20: how many letters reached each outcome, a progress bar, and whether the batch is finished. The
 * region names its event stream and the texts the live script needs; the status and progress sentence
 * are a polite live region, so a screen reader hears the change without losing its place.
 */
function BatchAccount(props: { ctx: PageContext; opened: OpenedBatch }) {
  const { ctx, opened } = props;
  const { t, lang } = ctx;
  const { batch, counts, finished } = opened;
  const accounted = accountedFor(counts, batch.members);
  const barId = "batch-progress-bar";
  return (
    <div
      id="batch-progress"
      data-batch-progress
      data-src={`/agent/batches/${batch.id}/progress`}
      data-finished={finished ? "true" : "false"}
      data-finished-text={t("batches.finished")}
      data-locale={numberLocale(lang)}
    >
      <div aria-live="polite" aria-atomic="true">
        <p data-status id="batch-status">
          {finished ? t("batches.finished") : t("batches.inProgress")}
        </p>
        <label for={barId}>
          {withSlots(t("batches.progress"), {
            done: <span data-accounted>{formatCount(lang, accounted)}</span>,
            total: <span data-members>{formatCount(lang, batch.members)}</span>,
          })}
        </label>
      </div>
      <progress id={barId} max={batch.members} value={accounted}>
        {`${accounted}/${batch.members}`}
      </progress>
      <table id="batch-account">
        <caption>{t("batches.accountCaption")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("batches.colOutcome")}</th>
            <th scope="col">{t("batches.colCount")}</th>
          </tr>
        </thead>
        <tbody>
          {batchOutcomes.map((o) => (
            <tr key={o} data-outcome={o}>
              <th scope="row">{outcomeLabel(t, o)}</th>
              <td data-count={o}>{formatCount(lang, counts[o])}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
