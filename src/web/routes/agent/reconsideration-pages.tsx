import { acceptedExtensions } from "../../../correspondence/attachments.ts";
import { agencyErrors, decisionOutcomes } from "../../../db/schema/reconsideration.ts";
import { partiesOf } from "../../../files/rules.ts";
import type { FileView } from "../../../files/service.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { errorKey, formatDate, formatInstant } from "../../../i18n/index.ts";
import { canBeReconsidered } from "../../../reconsideration/rules.ts";
import type { openRequest, requestsOf } from "../../../reconsideration/service.ts";
import { CsrfField, ErrorSummary, type FormState, SelectField, TextField } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { formatSize, UploadLimitsHint } from "./letter-pages.tsx";

export type FileRequests = Awaited<ReturnType<typeof requestsOf>>;
type OpenedRequest = Awaited<ReturnType<typeof openRequest>>;

/** C-22 on the file page: the requests received, and (on a refused or abandoned file) the form for a new one. */
export function ReconsiderationSection(props: {
  ctx: PageContext;
  view: FileView;
  state: FormState | undefined;
  requests: FileRequests;
}) {
  const { ctx, view, state, requests } = props;
  const { t, lang } = ctx;
  const open = canBeReconsidered(view.application.status);
  if (requests.length === 0 && !open) return null;
  return (
    <section aria-labelledby="reconsideration-heading">
      <h2 id="reconsideration-heading">{t("reconsideration.title")}</h2>
      {requests.length === 0 ? (
        <p>{t("reconsideration.none")}</p>
      ) : (
        <ul id="reconsideration-requests">
          {requests.map(({ request, decision }) => (
            <li key={request.id}>
              <a href={`/agent/reconsideration/${request.id}`}>
                {t("reconsideration.receivedOn", { date: formatDate(lang, request.receivedOn) })}
              </a>{" "}
              —{" "}
              {decision
                ? t(`reconsideration.outcome.${decision.outcome}` as MessageKey)
                : t("reconsideration.pending")}
            </li>
          ))}
        </ul>
      )}
      {open && view.canRecord ? (
        <details open={state?.form === "reconsideration"}>
          <summary>{t("reconsideration.record")}</summary>
          <ErrorSummary t={t} state={state} form="reconsideration" />
          <form
            method="post"
            action={`/agent/files/${view.application.number}/reconsideration`}
            encType="multipart/form-data"
            noValidate
          >
            <CsrfField token={ctx.csrfToken} />
            <SelectField
              t={t}
              state={state}
              required
              form="reconsideration"
              name="requestedBy"
              label={t("reconsideration.requestedBy")}
              options={partiesOf(view.parties).map((p) => ({
                value: p.id,
                label: `${p.name} — ${t(`role.${p.role}` as MessageKey)}`,
              }))}
            />
            <TextField
              t={t}
              state={state}
              required
              form="reconsideration"
              name="reasons"
              label={t("reconsideration.reasons")}
              hint={t("reconsideration.reasonsHint")}
              multiline
            />
            <TextField
              t={t}
              state={state}
              required
              form="reconsideration"
              name="receivedOn"
              type="date"
              label={t("reconsideration.receivedOnLabel")}
            />
            <DocumentsField ctx={ctx} state={state} />
            <button type="submit">{t("reconsideration.submit")}</button>
          </form>
        </details>
      ) : null}
    </section>
  );
}

/**
 * C-22: the documents the party sent with the request (optional): the same types and limits as a
 * letter's attachments, judged by content when the form is sent.
 */
function DocumentsField(props: { ctx: PageContext; state: FormState | undefined }) {
  const { t } = props.ctx;
  const id = "reconsideration-documents-input";
  const problems =
    props.state?.form === "reconsideration"
      ? props.state.problems.filter((p) => p.field === "documents")
      : [];
  const described = [`${id}-hint`, problems.length > 0 ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div class={problems.length > 0 ? "field field-error" : "field"}>
      <label for={id}>{t("reconsideration.documentsLabel")}</label>
      <UploadLimitsHint ctx={props.ctx} id={`${id}-hint`} />
      {problems.length > 0 ? (
        <span class="error-message" id={`${id}-error`}>
          {[...new Set(problems.map((p) => t(errorKey(p.code))))].join(" ")}
        </span>
      ) : null}
      <input
        type="file"
        id={id}
        name="documents"
        multiple
        accept={acceptedExtensions}
        aria-describedby={described}
        {...(problems.length > 0 ? { "aria-invalid": true } : {})}
      />
    </div>
  );
}

/** C-22: the decision page: the request, the file's correspondence with its states and reports, the decision. */
export function DecisionPage(props: {
  ctx: PageContext;
  opened: OpenedRequest;
  state: FormState | undefined;
}) {
  const { ctx, opened, state } = props;
  const { t, lang } = ctx;
  const { request, file, letters, decision } = opened;
  const zone = file.office.timeZone;
  const asker = partiesOf(file.parties).find((p) => p.id === request.requestedBy);
  const title = t("decision.title", { number: file.application.number });
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href={`/agent/files/${file.application.number}`}>{t("decision.backToFile")}</a>
      </p>
      <h1>{title}</h1>
      <dl class="summary">
        <dt>{t("file.line")}</dt>
        <dd>{t(`line.${file.application.lineOfBusiness}` as MessageKey)}</dd>
        <dt>{t("file.status")}</dt>
        <dd>{t(`status.${file.application.status}` as MessageKey)}</dd>
        <dt>{t("reconsideration.requestedBy")}</dt>
        <dd>{asker ? `${asker.name} — ${t(`role.${asker.role}` as MessageKey)}` : ""}</dd>
        <dt>{t("reconsideration.receivedOnLabel")}</dt>
        <dd>{formatDate(lang, request.receivedOn)}</dd>
        <dt>{t("reconsideration.reasons")}</dt>
        <dd class="pre-line">{request.reasons}</dd>
        <dt>{t("reconsideration.documents")}</dt>
        <dd>
          {opened.documents.length === 0 ? (
            t("reconsideration.documentsNone")
          ) : (
            <ul id="reconsideration-documents">
              {opened.documents.map((d) => (
                <li key={d.position}>
                  <a href={`/agent/reconsideration/${request.id}/documents/${d.position}`}>{d.filename}</a> (
                  {formatSize(lang, d.size)})
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>

      <section aria-labelledby="decision-letters-heading">
        <h2 id="decision-letters-heading">{t("decision.letters")}</h2>
        <p>{t("decision.lettersHint")}</p>
        {letters.length === 0 ? (
          <p>{t("letters.none")}</p>
        ) : (
          <table id="decision-letters">
            <thead>
              <tr>
                <th scope="col">{t("letters.colDate")}</th>
                <th scope="col">{t("letters.colType")}</th>
                <th scope="col">{t("letters.colRecipient")}</th>
                <th scope="col">{t("letters.colChannel")}</th>
                <th scope="col">{t("letters.colState")}</th>
                <th scope="col">{t("decision.reports")}</th>
                <th scope="col">{t("decision.proof")}</th>
              </tr>
            </thead>
            <tbody>
              {letters.map(({ letter, state: letterState, events }) => {
                const reports = events.filter((e) => e.kind === "bounced" || e.kind === "inbound-report");
                return (
                  <tr key={letter.id} data-state={letterState}>
                    <td>{formatInstant(lang, letter.createdAt, zone)}</td>
                    <td>
                      <a href={`/agent/letters/${letter.id}`}>
                        {t(`letterType.${letter.letterType}` as MessageKey)}
                      </a>
                    </td>
                    <td>
                      {letter.recipientName}
                      <br />
                      <span class="pre-line">{letter.address}</span>
                    </td>
                    <td>{t(`letterChannel.${letter.channel}` as MessageKey)}</td>
                    <td>{t(`letterState.${letterState}` as MessageKey)}</td>
                    <td>
                      {reports.length === 0
                        ? t("decision.noReport")
                        : reports.map((e) => (
                            <span key={`${e.kind}-${e.at.toISOString()}`} class="tag">
                              {t(`letterEvent.${e.kind}` as MessageKey)}
                            </span>
                          ))}
                    </td>
                    <td>
                      {letterState === "draft" ? (
                        t("decision.noProof")
                      ) : (
                        <a href={`/agent/letters/${letter.id}/proof?lang=${lang}`}>
                          {t("decision.proofLink")}
                        </a>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>

      {decision ? (
        <section aria-labelledby="decision-heading" id="decision-recorded">
          <h2 id="decision-heading">{t("decision.recorded")}</h2>
          <dl class="summary">
            <dt>{t("decision.outcome")}</dt>
            <dd>{t(`reconsideration.outcome.${decision.outcome}` as MessageKey)}</dd>
            <dt>{t("decision.reasons")}</dt>
            <dd class="pre-line">{decision.reasons}</dd>
            {decision.agencyError ? (
              <>
                <dt>{t("decision.agencyError")}</dt>
                <dd>
                  {t(`agencyError.${decision.agencyError}` as MessageKey)}
                  {decision.agencyErrorDetails ? (
                    <>
                      <br />
                      <span class="pre-line">{decision.agencyErrorDetails}</span>
                    </>
                  ) : null}
                </dd>
              </>
            ) : null}
            {decision.newDeadline ? (
              <>
                <dt>{t("decision.newDeadline")}</dt>
                <dd>{formatDate(lang, decision.newDeadline)}</dd>
              </>
            ) : null}
            <dt>{t("decision.decidedAt")}</dt>
            <dd>{formatInstant(lang, decision.decidedAt, zone)}</dd>
          </dl>
        </section>
      ) : opened.canDecide ? (
        <section aria-labelledby="decide-heading">
          <h2 id="decide-heading">{t("decision.decide")}</h2>
          <p>{t(`decision.rule.${file.application.lineOfBusiness}` as MessageKey)}</p>
          <ErrorSummary t={t} state={state} form="decision" />
          <form method="post" action={`/agent/reconsideration/${request.id}/decision`} noValidate>
            <CsrfField token={ctx.csrfToken} />
            <SelectField
              t={t}
              state={state}
              required
              form="decision"
              name="outcome"
              label={t("decision.outcome")}
              options={decisionOutcomes.map((o) => ({
                value: o,
                label: t(`reconsideration.outcome.${o}` as MessageKey),
              }))}
            />
            <TextField
              t={t}
              state={state}
              required
              form="decision"
              name="reasons"
              label={t("decision.reasons")}
              multiline
            />
            <SelectField
              t={t}
              state={state}
              required={file.application.lineOfBusiness === "citizenship"}
              form="decision"
              name="agencyError"
              label={t("decision.agencyError")}
              hint={t("decision.agencyErrorHint")}
              options={[
                { value: "", label: t("decision.noAgencyError") },
                ...agencyErrors.map((e) => ({ value: e, label: t(`agencyError.${e}` as MessageKey) })),
              ]}
            />
            <TextField
              t={t}
              state={state}
              required={file.application.lineOfBusiness === "citizenship"}
              form="decision"
              name="agencyErrorDetails"
              label={t("decision.agencyErrorDetails")}
              multiline
            />
            <TextField
              t={t}
              state={state}
              required={file.application.lineOfBusiness !== "citizenship"}
              form="decision"
              name="newDeadline"
              type="date"
              label={t("decision.newDeadline")}
              hint={t("decision.newDeadlineHint")}
            />
            <button type="submit">{t("decision.submit")}</button>
          </form>
        </section>
      ) : (
        <div class="notice">
          <p>{t("decision.awaiting")}</p>
        </div>
      )}
    </Layout>
  );
}
