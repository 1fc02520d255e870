import type { FastifyInstance } from "fastify";
import { Fragment } from "preact";
import { z } from "zod";
import {
  administeredOffices,
  officeResponsePeriods,
  officeTemplates,
  type PeriodRow,
  periodLetterTypes,
  recordResponsePeriod,
  saveTemplateVersion,
  type TemplateFieldName,
  type TemplateFieldProblem,
  TemplateRefused,
  type TemplateSource,
  templateEditor,
  templateFields,
} from "../../../correspondence/administration.ts";
import type { TemplateProblem } from "../../../correspondence/templates.ts";
import { AppError, type FieldProblem } from "../../../errors.ts";
import type { Deps } from "../../../files/service.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { errorKey, formatInstant, type Lang, type Translate } from "../../../i18n/index.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { CsrfField, Field, type FormState, SelectField, submittedValue } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { OfficeSettingsPage, officePath, sendingRatePath } from "./office-settings.tsx";

// Office settings (SPEC section 1, "office admin manages ... templates, response periods"): the letter
// templates of an office (C-9) and the response periods of its country (C-6). The rules, the access
// checks and the history are in correspondence/administration.ts; these routes read the form, call one
// use case and show the result.

type Office = Awaited<ReturnType<typeof administeredOffices>>[number];
type TemplatesData = Awaited<ReturnType<typeof officeTemplates>>;
type EditorData = Awaited<ReturnType<typeof templateEditor>>;
type PeriodsData = Awaited<ReturnType<typeof officeResponsePeriods>>;

const letterTypeLabel = (t: Translate, type: string) => t(`letterType.${type}` as MessageKey);
const sourceLabel = (t: Translate, source: TemplateSource) => t(`admin.source.${source}`);
const officeName = (lang: Lang, office: Office) => (lang === "fr" ? office.nameFr : office.nameEn);
const placeholder = (name: string) => `((${name}))`;

const templatesPath = (code: string) => `${officePath(code)}/templates`;
const templatePath = (code: string, type: string) => `${templatesPath(code)}/${encodeURIComponent(type)}`;
const periodsPath = (code: string) => `${officePath(code)}/response-periods`;

/** The name of the template form: field ids are `template-<field>`. */
const templateForm = "template";
const periodForm = "period";

// ---------------------------------------------------------------------------------------------------
// Pages

function OfficesPage(props: { ctx: PageContext; offices: Office[] }) {
  const { ctx, offices } = props;
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t("admin.offices.title")}>
      <h1>{t("admin.offices.title")}</h1>
      {offices.length === 0 ? (
        <p>{t("admin.offices.none")}</p>
      ) : (
        <>
          <p>{t("admin.offices.intro")}</p>
          {offices.map((o) => (
            <section key={o.code} aria-labelledby={`office-${o.code}`}>
              <h2 id={`office-${o.code}`}>
                {officeName(lang, o)} ({o.code})
              </h2>
              <ul>
                <li>
                  <a href={templatesPath(o.code)}>{t("admin.offices.templates")}</a>
                </li>
                <li>
                  <a href={periodsPath(o.code)}>{t("admin.offices.periods")}</a>
                </li>
                <li>
                  <a href={sendingRatePath(o.code)}>{t("admin.offices.sendingRate")}</a>
                </li>
              </ul>
            </section>
          ))}
        </>
      )}
    </Layout>
  );
}

function TemplatesPage(props: { ctx: PageContext; data: TemplatesData }) {
  const { ctx, data } = props;
  const { t, lang } = ctx;
  const title = t("admin.templates.title", { office: officeName(lang, data.office) });
  return (
    <OfficeSettingsPage ctx={ctx} title={title}>
      <p>{t("admin.templates.intro")}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.templates.colType")}</th>
            <th scope="col">{t("admin.templates.colVersion")}</th>
            <th scope="col">{t("admin.templates.colSource")}</th>
            <th scope="col">{t("admin.templates.colSaved")}</th>
            <th scope="col">{t("admin.templates.colActions")}</th>
          </tr>
        </thead>
        <tbody>
          {data.templates.map(({ type, template, source }) => (
            <tr key={type} data-type={type}>
              <th scope="row">{letterTypeLabel(t, type)}</th>
              <td>
                {template
                  ? t("admin.templates.version", { version: template.version })
                  : t("admin.templates.none")}
              </td>
              <td>{source ? sourceLabel(t, source) : ""}</td>
              <td>{template ? formatInstant(lang, template.createdAt, data.office.timeZone) : ""}</td>
              <td>
                <a href={templatePath(data.office.code, type)}>
                  {t("admin.templates.edit", { type: letterTypeLabel(t, type) })}
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </OfficeSettingsPage>
  );
}

/** What was found, beyond the error's general text: the placeholder, as written, and what it may have meant. */
function problemDetail(t: Translate, p: TemplateProblem): string | undefined {
  switch (p.code) {
    case "LANGUAGE_MISSING":
    case "SUBJECT_NOT_ONE_LINE":
      return undefined;
    case "MALFORMED_PLACEHOLDER":
      return t("admin.problem.malformed", { excerpt: p.excerpt });
    case "UNKNOWN_PLACEHOLDER": {
      const found = t("admin.problem.placeholder", { placeholder: placeholder(p.name) });
      return p.suggestion
        ? `${found} ${t("admin.problem.suggestion", { suggestion: placeholder(p.suggestion) })}`
        : found;
    }
    case "PLACEHOLDER_NOT_ALLOWED":
      return t("admin.problem.placeholder", { placeholder: placeholder(p.name) });
    case "DEADLINE_REQUIRED":
      return t("admin.problem.deadline", { placeholder: placeholder(p.placeholder) });
    case "PLACEHOLDER_IN_ONE_LANGUAGE":
      return t(p.presentIn === "en" ? "admin.problem.inEnglish" : "admin.problem.inFrench", {
        placeholder: placeholder(p.name),
      });
  }
}

const fieldLabel = (t: Translate, field: TemplateFieldName) => t(`admin.template.${field}`);

/** The template form's state: the problems as the form shows them, and each with what was found. */
interface TemplateFormState extends FormState {
  found: readonly TemplateFieldProblem[];
}

/** Every problem of the template, each linking to its field; several may concern one field. */
function TemplateErrorSummary(props: { t: Translate; state: TemplateFormState }) {
  const { t, state } = props;
  return (
    <div class="error-summary" role="alert" tabIndex={-1} id={`${templateForm}-errors`}>
      <h2>{t("form.errorsTitle")}</h2>
      <ul>
        {state.problems.map((p, i) => {
          // A refused template's problems and what was found come in the same order (TemplateRefused).
          const found = state.found[i];
          const detail = found ? problemDetail(t, found.problem) : undefined;
          const field = templateFields.find((f) => f === p.field);
          const error = t(errorKey(p.code));
          return (
            <li key={i}>
              <a href={`#${templateForm}-${p.field}`}>
                {field ? t("admin.problem.item", { field: fieldLabel(t, field), error }) : error}
                {detail ? ` ${detail}` : ""}
              </a>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

/** One text of the template, with every problem found in it and what was found, above the field. */
function TemplateTextField(props: {
  t: Translate;
  name: TemplateFieldName;
  value: string;
  state: TemplateFormState | undefined;
}) {
  const { t, name, state } = props;
  const id = `${templateForm}-${name}`;
  const subject = name.startsWith("subject");
  const language = name.endsWith("En") ? "en" : "fr";
  const problems = state?.problems.filter((p) => p.field === name) ?? [];
  const found = state?.found.filter((f) => f.field === name) ?? [];
  const described = [subject ? `${id}-hint` : "", problems.length > 0 ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  const attrs = {
    id,
    name,
    lang: language,
    spellcheck: false,
    ...(described ? { "aria-describedby": described } : {}),
    ...(problems.length > 0 ? { "aria-invalid": true } : {}),
  };
  return (
    <div class={problems.length > 0 ? "field field-error" : "field"}>
      <label for={id}>
        {fieldLabel(t, name)} <span class="hint-inline">{t("form.required")}</span>
      </label>
      {subject ? (
        <span class="hint" id={`${id}-hint`}>
          {t("admin.template.subjectHint")}
        </span>
      ) : null}
      {problems.length > 0 ? (
        <span class="error-message" id={`${id}-error`}>
          {problems.map((p, i) => {
            const detail = found[i] ? problemDetail(t, found[i].problem) : undefined;
            return (
              <span key={i} class="pre-line">
                {t(errorKey(p.code))}
                {detail ? ` ${detail}` : ""}
                {i < problems.length - 1 ? "\n" : ""}
              </span>
            );
          })}
        </span>
      ) : null}
      {subject ? (
        <input type="text" {...attrs} value={props.value} />
      ) : (
        <textarea {...attrs} rows={16} value={props.value} />
      )}
    </div>
  );
}

function TemplatePage(props: {
  ctx: PageContext;
  data: EditorData;
  state: TemplateFormState | undefined;
  saved: number | undefined;
}) {
  const { ctx, data, state } = props;
  const { t, lang } = ctx;
  const { office, inUse } = data;
  const zone = office.timeZone;
  const title = t("admin.template.title", {
    type: letterTypeLabel(t, data.type),
    office: officeName(lang, office),
  });
  const current = inUse.template;
  const value = (name: TemplateFieldName) =>
    state ? (state.values[name] ?? "") : current ? current[name] : "";
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href={templatesPath(office.code)}>{t("admin.template.back")}</a>
      </p>
      <h1>{title}</h1>
      {props.saved !== undefined ? (
        <div class="notice notice-success" role="status">
          <p>{t("admin.template.saved", { version: props.saved })}</p>
        </div>
      ) : null}
      {state && state.problems.length > 0 ? <TemplateErrorSummary t={t} state={state} /> : null}
      {current ? (
        <p>
          {t(inUse.source === "office" ? "admin.template.inUseOffice" : "admin.template.inUseAgency", {
            version: current.version,
          })}
        </p>
      ) : null}

      <h2>{t("admin.template.formTitle")}</h2>
      <p class="hint">{t("admin.template.formHint")}</p>
      <form method="post" action={templatePath(office.code, data.type)} noValidate>
        <CsrfField token={ctx.csrfToken} />
        {templateFields.map((name) => (
          <TemplateTextField key={name} t={t} name={name} value={value(name)} state={state} />
        ))}
        <button type="submit">{t("admin.template.save")}</button>
      </form>

      <h2 id="placeholders-heading">{t("admin.template.placeholders")}</h2>
      <p>{t("admin.template.placeholdersIntro")}</p>
      <dl class="summary" aria-labelledby="placeholders-heading">
        {data.placeholders.map((p) => (
          <Fragment key={p.name}>
            <dt>
              <code>{placeholder(p.name)}</code>
            </dt>
            <dd>
              {t(`placeholder.${p.name}`)}
              {p.isDeadline ? (
                <>
                  {" "}
                  <strong>{t("admin.template.deadlineRequired")}</strong>
                </>
              ) : null}
            </dd>
          </Fragment>
        ))}
      </dl>

      <h2 id="versions-heading">{t("admin.template.history")}</h2>
      <p class="hint">{t("admin.template.historyZone", { zone })}</p>
      <table aria-labelledby="versions-heading">
        <thead>
          <tr>
            <th scope="col">{t("admin.template.colVersion")}</th>
            <th scope="col">{t("admin.template.colSource")}</th>
            <th scope="col">{t("admin.template.colSaved")}</th>
            <th scope="col">{t("admin.template.colBy")}</th>
          </tr>
        </thead>
        <tbody>
          {data.history.map((v) => (
            <tr key={v.id}>
              <td>
                {v.version}
                {current?.id === v.id ? (
                  <>
                    {" "}
                    <span class="tag">{t("admin.template.current")}</span>
                  </>
                ) : null}
              </td>
              <td>{sourceLabel(t, v.source)}</td>
              <td>{formatInstant(lang, v.createdAt, zone)}</td>
              <td>{v.createdBy ?? t("admin.template.byLiaison")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

function PeriodsPage(props: {
  ctx: PageContext;
  data: PeriodsData;
  state: FormState | undefined;
  recorded: boolean;
}) {
  const { ctx, data, state } = props;
  const { t, lang } = ctx;
  const { office } = data;
  const zone = office.timeZone;
  const title = t("admin.periods.title", { office: officeName(lang, office) });
  const when = (d: Date) => formatInstant(lang, d, zone);
  const source = (p: PeriodRow) =>
    p.source === "country"
      ? t("admin.periods.sourceCountry", { country: p.country })
      : t("admin.periods.sourceAgency");
  const common = { t, form: periodForm, state };
  return (
    <OfficeSettingsPage
      ctx={ctx}
      title={title}
      done={props.recorded ? t("admin.periods.recorded") : undefined}
      state={state}
      form={periodForm}
    >
      <p>{t("admin.periods.intro")}</p>
      <p>
        {t("admin.periods.country", {
          country: office.country,
          offices: data.sameCountry.map((o) => officeName(lang, o)).join(", "),
        })}
      </p>
      <p class="hint">{t("admin.periods.zone", { zone })}</p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.periods.colType")}</th>
            <th scope="col">{t("admin.periods.colDays")}</th>
            <th scope="col">{t("admin.periods.colSource")}</th>
            <th scope="col">{t("admin.periods.colSince")}</th>
            <th scope="col">{t("admin.periods.colScheduled")}</th>
          </tr>
        </thead>
        <tbody>
          {data.types.map(({ type, inForce, scheduled }) => (
            <tr key={type} data-type={type}>
              <th scope="row">{letterTypeLabel(t, type)}</th>
              <td>{inForce ? t("admin.periods.days", { days: inForce.days }) : t("admin.periods.none")}</td>
              <td>{inForce ? source(inForce) : ""}</td>
              <td>{inForce ? when(inForce.effectiveFrom) : ""}</td>
              <td>
                {scheduled.length === 0 ? (
                  t("admin.periods.noneScheduled")
                ) : (
                  <ul>
                    {scheduled.map((p) => (
                      <li key={p.seq}>
                        {t("admin.periods.scheduledItem", { days: p.days, from: when(p.effectiveFrom) })} (
                        {source(p)})
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t("admin.periods.formTitle")}</h2>
      <p class="hint">{t("admin.periods.formHint")}</p>
      <form method="post" action={periodsPath(office.code)} noValidate>
        <CsrfField token={ctx.csrfToken} />
        <SelectField
          {...common}
          name="letterType"
          label={t("admin.periods.letterType")}
          required
          options={periodLetterTypes.map((type) => ({ value: type, label: letterTypeLabel(t, type) }))}
        />
        <Field
          {...common}
          name="days"
          label={t("admin.periods.daysLabel")}
          hint={t("admin.periods.daysHint")}
          required
        >
          {(a) => (
            <input
              type="number"
              {...a}
              inputMode="numeric"
              min={1}
              max={365}
              step={1}
              value={submittedValue(state, periodForm, "days")}
            />
          )}
        </Field>
        <Field
          {...common}
          name="effectiveOn"
          label={t("admin.periods.effectiveOn", { zone })}
          hint={t("admin.periods.effectiveOnHint")}
          required
        >
          {(a) => (
            <input
              type="date"
              {...a}
              min={data.today}
              value={submittedValue(state, periodForm, "effectiveOn", data.today)}
            />
          )}
        </Field>
        <button type="submit">{t("admin.periods.save")}</button>
      </form>
    </OfficeSettingsPage>
  );
}

// ---------------------------------------------------------------------------------------------------
// Routes

type OfficeParams = { Params: { code: string } };
type TemplateParams = { Params: { code: string; type: string } };

/**
 * A posted form as strings, without its CSRF token. A textarea's newlines come as CRLF (HTML's form
 * encoding) and become "\n" again, so a refused form shows the lines as typed.
 */
const FormSchema = z
  .record(z.string(), z.unknown())
  .catch({})
  .transform((body) =>
    Object.fromEntries(
      Object.entries(body).flatMap(([k, v]) =>
        k !== "_csrf" && typeof v === "string" ? [[k, v.replace(/\r\n?/g, "\n")]] : [],
      ),
    ),
  );

/** The version just saved, from the redirect after saving. */
const SavedSchema = z.coerce.number().int().positive().optional().catch(undefined);

/** A refused form's problems, and, for a template, what was found in each text. */
function problemsOf(
  e: unknown,
): { problems: FieldProblem[]; found: readonly TemplateFieldProblem[] } | undefined {
  if (e instanceof TemplateRefused) return { problems: e.problems, found: e.found };
  if (e instanceof AppError && e.problems.length > 0) return { problems: e.problems, found: [] };
  return undefined;
}

export function registerAdministrationRoutes(app: FastifyInstance, deps: AppDeps): void {
  const services: Deps = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;

  app.get("/agent/offices", async (req, reply) => {
    const staff = requireStaff(req);
    const offices = await administeredOffices(services, staff);
    return sendPage(reply, OfficesPage({ ctx: pageContext(req, reply, devTools), offices }));
  });

  app.get<OfficeParams>("/agent/offices/:code/templates", async (req, reply) => {
    const staff = requireStaff(req);
    const data = await officeTemplates(services, staff, req.params.code);
    return sendPage(reply, TemplatesPage({ ctx: pageContext(req, reply, devTools), data }));
  });

  app.get<TemplateParams & { Querystring: { saved?: string } }>(
    "/agent/offices/:code/templates/:type",
    async (req, reply) => {
      const staff = requireStaff(req);
      const data = await templateEditor(services, staff, req.params.code, req.params.type);
      // The language switch comes back to the template, without the notice of what was just saved.
      const ctx = pageContext(req, reply, devTools, templatePath(data.office.code, data.type));
      const saved = SavedSchema.parse(req.query.saved);
      return sendPage(reply, TemplatePage({ ctx, data, state: undefined, saved }));
    },
  );

  app.post<TemplateParams>("/agent/offices/:code/templates/:type", async (req, reply) => {
    const staff = requireStaff(req);
    const { code, type } = req.params;
    const form = FormSchema.parse(req.body);
    let version: number;
    try {
      version = await saveTemplateVersion(services, staff, code, { ...form, letterType: type });
    } catch (e) {
      const refused = problemsOf(e);
      if (!refused) throw e;
      const data = await templateEditor(services, staff, code, type);
      const ctx = pageContext(req, reply, devTools, templatePath(data.office.code, data.type));
      const state: TemplateFormState = { form: templateForm, values: form, ...refused };
      return sendPage(reply, TemplatePage({ ctx, data, state, saved: undefined }), (e as AppError).status);
    }
    return reply.redirect(`${templatePath(code.toUpperCase(), type)}?saved=${version}`, 303);
  });

  app.get<OfficeParams & { Querystring: { recorded?: string } }>(
    "/agent/offices/:code/response-periods",
    async (req, reply) => {
      const staff = requireStaff(req);
      const data = await officeResponsePeriods(services, staff, req.params.code);
      const ctx = pageContext(req, reply, devTools, periodsPath(data.office.code));
      const recorded = req.query.recorded === "1";
      return sendPage(reply, PeriodsPage({ ctx, data, state: undefined, recorded }));
    },
  );

  app.post<OfficeParams>("/agent/offices/:code/response-periods", async (req, reply) => {
    const staff = requireStaff(req);
    const { code } = req.params;
    const form = FormSchema.parse(req.body);
    try {
      await recordResponsePeriod(services, staff, code, form);
    } catch (e) {
      const refused = problemsOf(e);
      if (!refused) throw e;
      const data = await officeResponsePeriods(services, staff, code);
      const ctx = pageContext(req, reply, devTools, periodsPath(data.office.code));
      const state: FormState = { form: periodForm, problems: refused.problems, values: form };
      return sendPage(reply, PeriodsPage({ ctx, data, state, recorded: false }), (e as AppError).status);
    }
    return reply.redirect(`${periodsPath(code.toUpperCase())}?recorded=1`, 303);
  });
}
