import type { FileView } from "../../../files/service.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { errorKey, formatInstant } from "../../../i18n/index.ts";
import { acceptedDocumentExtensions, MAX_SUBMISSION_BYTES } from "../../../portal/documents.ts";
import { instantToWallTime } from "../../../time-zones.ts";
import {
  CsrfField,
  ErrorSummary,
  Field,
  type FormState,
  submittedValue,
  TextField,
} from "../../views/forms.tsx";
import type { PageContext } from "../../views/layout.tsx";
import type { FilePortal } from "./file-extras.ts";
import { formatSize } from "./letter-pages.tsx";

// My Case on the file page: what counsel filed through the portal (P-5), what the office sent them
// (P-6), and the hearings counsel see in My cases (P-4). The routes are in counsel.tsx.

/** The forms' names: field ids are `<form>-<field>`, as the error summary links to them. */
export const portalDocumentForm = "portal-document";
export const hearingForm = "hearing";

export function PortalSection(props: {
  ctx: PageContext;
  view: FileView;
  state: FormState | undefined;
  portal: FilePortal;
}) {
  const { ctx, view, state, portal } = props;
  const { t, lang } = ctx;
  const zone = view.office.timeZone;
  const when = (d: Date) => formatInstant(lang, d, zone);
  const base = `/agent/files/${encodeURIComponent(view.application.number)}`;
  return (
    <section aria-labelledby="portal-heading" id="my-case">
      <h2 id="portal-heading">{t("filePortal.title")}</h2>
      <p id={`${portalDocumentForm}-counsel`}>
        {portal.counsel ? (
          <>
            {t("filePortal.counsel")}{" "}
            <a href={`/agent/counsel/${portal.counsel.id}`}>{portal.counsel.name}</a>
            {" — "}
            {t(portal.onPortal ? "filePortal.onPortal" : "filePortal.notOnPortal")}
          </>
        ) : (
          t("filePortal.noCounsel")
        )}
      </p>

      <h3>{t("filePortal.submissionsTitle")}</h3>
      {portal.submissions.length === 0 ? (
        <p>{t("filePortal.submissionsNone")}</p>
      ) : (
        <table id="portal-submissions">
          <caption>{t("filePortal.submissionsCaption", { zone })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("filePortal.colConfirmation")}</th>
              <th scope="col">{t("filePortal.colKind")}</th>
              <th scope="col">{t("filePortal.colDescription")}</th>
              <th scope="col">{t("filePortal.colReceived")}</th>
              <th scope="col">{t("filePortal.colReceivedEastern")}</th>
              <th scope="col">{t("filePortal.colDocument")}</th>
              <th scope="col">{t("filePortal.colScan")}</th>
            </tr>
          </thead>
          <tbody>
            {portal.submissions.map((s) => (
              <tr key={s.id}>
                <td>{s.confirmationNumber}</td>
                <td>{t(`filePortal.kind.${s.kind}` as MessageKey)}</td>
                <td class="pre-line">{s.description}</td>
                <td>{when(s.receivedAt)}</td>
                {/* P-5: the Eastern stamp exactly as recorded at receipt, offset included. */}
                <td>
                  <code>{s.receivedEastern}</code>
                </td>
                <td>
                  <a href={`${base}/portal-submissions/${s.id}`}>{s.filename}</a> ({formatSize(lang, s.size)})
                </td>
                <td>{t(s.scan === "clean" ? "filePortal.scan.clean" : "filePortal.scan.notScanned")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t("filePortal.sentTitle")}</h3>
      {portal.sent.length === 0 ? (
        <p>{t("filePortal.sentNone")}</p>
      ) : (
        <table id="portal-documents">
          <caption>{t("filePortal.sentCaption", { zone })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("filePortal.colTitle")}</th>
              <th scope="col">{t("filePortal.colDocument")}</th>
              <th scope="col">{t("filePortal.colSent")}</th>
              <th scope="col">{t("filePortal.colRead")}</th>
            </tr>
          </thead>
          <tbody>
            {portal.sent.map((d) => (
              <tr key={d.id}>
                <td>{d.title}</td>
                <td>
                  {d.filename} ({formatSize(lang, d.size)})
                </td>
                <td>{when(d.sentAt)}</td>
                <td>{d.firstReadAt ? when(d.firstReadAt) : t("filePortal.notRead")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <ErrorSummary t={t} state={state} form={portalDocumentForm} />
      {view.canRecord && portal.onPortal ? (
        <details open={state?.form === portalDocumentForm}>
          <summary>{t("filePortal.sendTitle")}</summary>
          <p>{t("filePortal.sendIntro")}</p>
          <form method="post" action={`${base}/portal-documents`} encType="multipart/form-data" noValidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              t={t}
              state={state}
              required
              form={portalDocumentForm}
              name="title"
              label={t("filePortal.sendTitleLabel")}
              hint={t("filePortal.sendTitleHint")}
            />
            <DocumentField ctx={ctx} state={state} />
            <button type="submit">{t("filePortal.send")}</button>
          </form>
        </details>
      ) : view.canRecord && portal.counsel ? (
        <p class="hint">{t("filePortal.sendNotPossible")}</p>
      ) : null}

      <HearingsPart ctx={ctx} view={view} state={state} portal={portal} />
    </section>
  );
}

/** P-5 limits, as the portal applies them: one document, its size, the types judged by content. */
function DocumentField(props: { ctx: PageContext; state: FormState | undefined }) {
  const { t, lang } = props.ctx;
  const id = `${portalDocumentForm}-document`;
  const problems =
    props.state?.form === portalDocumentForm
      ? props.state.problems.filter((p) => p.field === "document")
      : [];
  const described = [`${id}-hint`, problems.length > 0 ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={problems.length > 0 ? "field field-error" : "field"}>
      <label for={id}>
        {t("filePortal.documentLabel")} <span class="hint-inline">{t("form.required")}</span>
      </label>
      <span class="hint" id={`${id}-hint`}>
        {t("filePortal.documentHint", { size: formatSize(lang, MAX_SUBMISSION_BYTES) })}
      </span>
      {problems.length > 0 ? (
        <span class="error-message" id={`${id}-error`}>
          {[...new Set(problems.map((p) => t(errorKey(p.code))))].join(" ")}
        </span>
      ) : null}
      <input
        type="file"
        id={id}
        name="document"
        accept={acceptedDocumentExtensions}
        aria-describedby={described}
        {...(problems.length > 0 ? { "aria-invalid": true } : {})}
      />
    </div>
  );
}

/** P-4: the upcoming hearings, and (for those who record on the file) the form to schedule one. */
function HearingsPart(props: {
  ctx: PageContext;
  view: FileView;
  state: FormState | undefined;
  portal: FilePortal;
}) {
  const { ctx, view, state, portal } = props;
  const { t, lang } = ctx;
  const zone = view.office.timeZone;
  const now = instantToWallTime(view.now, zone);
  return (
    <>
      <h3 id="hearings-heading">{t("filePortal.hearingsTitle")}</h3>
      {portal.hearings.length === 0 ? (
        <p>{t("filePortal.hearingsNone")}</p>
      ) : (
        <ul id="hearings" aria-labelledby="hearings-heading">
          {portal.hearings.map((h) => (
            <li key={h.id}>{formatInstant(lang, h.startsAt, zone)}</li>
          ))}
        </ul>
      )}
      {view.canRecord ? (
        <details open={state?.form === hearingForm}>
          <summary>{t("filePortal.hearingSchedule")}</summary>
          <ErrorSummary t={t} state={state} form={hearingForm} />
          <form method="post" action={`/agent/files/${view.application.number}/hearings`} noValidate>
            <CsrfField token={ctx.csrfToken} />
            <Field
              t={t}
              state={state}
              required
              form={hearingForm}
              name="startsAt"
              label={t("filePortal.hearingStartsAt", { zone })}
              hint={t("filePortal.hearingHint")}
            >
              {(a) => (
                <input
                  type="datetime-local"
                  {...a}
                  value={submittedValue(state, hearingForm, "startsAt")}
                  min={now}
                />
              )}
            </Field>
            <button type="submit">{t("filePortal.hearingSubmit")}</button>
          </form>
        </details>
      ) : null}
    </>
  );
}
