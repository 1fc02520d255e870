import { contactKinds, contactSources, languages } from "../../../db/schema/files.ts";
import type { Party } from "../../../files/model.ts";
import {
  contactHistory,
  contactPointAt,
  emailConsentAt,
  partiesOf,
  representationAt,
} from "../../../files/rules.ts";
import type { FileView } from "../../../files/service.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { formatDate, formatInstant } from "../../../i18n/index.ts";
import { instantToWallTime } from "../../../time-zones.ts";
import {
  CsrfField,
  ErrorSummary,
  type FormState,
  PastInstantField,
  SelectField,
  TextField,
} from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import type { FileExtras } from "./file-extras.ts";
import { type FileLetters, LettersSection } from "./letter-pages.tsx";
import { PortalSection } from "./portal-section.tsx";
import { ReconsiderationSection } from "./reconsideration-pages.tsx";
import { TransferSection } from "./transfer-section.tsx";

export function FilePage(props: {
  ctx: PageContext;
  view: FileView;
  state: FormState | undefined;
  saved: boolean;
  /** The file's letters, newest first; the section is left out of pages that did not load them. */
  letters?: FileLetters | undefined;
  /** Transfers and reconsideration (C-21..C-24), My Case (P-4..P-6). */
  extras: FileExtras;
}) {
  const { ctx, view, state } = props;
  const { t, lang } = ctx;
  const { application, office, parties, routing } = view;
  const zone = office.timeZone;
  const when = (d: Date) => formatInstant(lang, d, zone);
  const officeName = lang === "fr" ? office.nameFr : office.nameEn;

  const routingText =
    routing.channel === "none"
      ? t("file.routing.no-address", { name: routing.recipient.name })
      : t(`file.routing.${routing.reason}` as MessageKey, {
          name: routing.recipient.name,
          address: routing.address,
        });
  const whyText =
    routing.channel === "none"
      ? t("file.why.no-address")
      : t(`file.why.${routing.reason}` as MessageKey, {
          since: routing.representedSince ? when(routing.representedSince) : "",
          provided: when(routing.contactPoint.providedAt),
          source: t(`source.${routing.contactPoint.source}` as MessageKey),
        });

  return (
    <Layout ctx={ctx} title={t("file.title", { number: application.number })}>
      <p>
        <a href="/agent">{t("file.back")}</a>
      </p>
      <h1>{t("file.title", { number: application.number })}</h1>
      {props.saved ? (
        <div class="notice notice-success" role="status">
          <p>{t("file.saved")}</p>
        </div>
      ) : null}
      <dl class="summary">
        <dt>{t("file.office")}</dt>
        <dd>{officeName}</dd>
        <dt>{t("file.line")}</dt>
        <dd>{t(`line.${application.lineOfBusiness}` as MessageKey)}</dd>
        <dt>{t("file.status")}</dt>
        <dd>{t(`status.${application.status}` as MessageKey)}</dd>
        <dt>{t("file.received")}</dt>
        <dd>{when(application.receivedAt)}</dd>
        {application.finalDecisionOn ? (
          <>
            <dt>{t("file.finalDecision")}</dt>
            <dd>{formatDate(lang, application.finalDecisionOn)}</dd>
          </>
        ) : null}
      </dl>

      <section class="routing" aria-labelledby="routing-heading" data-reason={routing.reason}>
        <h2 id="routing-heading">{t("file.routingTitle")}</h2>
        <p class="hint">{t("file.routingAsOf", { at: when(view.at), zone })}</p>
        {view.inThePast ? (
          <div class="notice notice-warning">
            <p>
              {t("file.pastRouting")} <a href={`/agent/files/${application.number}`}>{t("file.backToNow")}</a>
            </p>
          </div>
        ) : null}
        <p class="answer" id="routing-answer">
          {routingText}
        </p>
        <p id="routing-why">{whyText}</p>
        {routing.channel === "post" ? (
          <p>
            {t("file.postalAddressUsed")} <span class="pre-line">{routing.address}</span>
          </p>
        ) : null}
      </section>

      <NotReceivingSection ctx={ctx} view={view} state={state} />

      <AsOfForm ctx={ctx} view={view} state={state} />

      {props.letters ? <LettersSection ctx={ctx} view={view} letters={props.letters} /> : null}

      <TransferSection
        ctx={ctx}
        view={view}
        state={state}
        transfers={props.extras.transfers}
        destinations={props.extras.destinations}
        offices={props.extras.offices}
      />

      <ReconsiderationSection ctx={ctx} view={view} state={state} requests={props.extras.requests} />

      <PortalSection ctx={ctx} view={view} state={state} portal={props.extras.portal} />

      <h2>{t("file.parties")}</h2>
      {partiesOf(parties).map((party) => (
        <PartySection key={party.id} ctx={ctx} view={view} party={party} />
      ))}

      {view.canRecord ? (
        <RecordingForms ctx={ctx} view={view} state={state} />
      ) : (
        <div class="notice">
          <p>{t("file.readOnly")}</p>
        </div>
      )}
    </Layout>
  );
}

/** Asks where correspondence had to go at a past instant (a GET form: it changes nothing). */
function AsOfForm(props: { ctx: PageContext; view: FileView; state: FormState | undefined }) {
  const { ctx, view, state } = props;
  const { t } = ctx;
  const zone = view.office.timeZone;
  return (
    <details open={view.inThePast || state?.form === "asOf"}>
      <summary>{t("file.asOfTitle")}</summary>
      <ErrorSummary t={t} state={state} form="asOf" />
      <form method="get" action={`/agent/files/${view.application.number}`}>
        <PastInstantField
          t={t}
          state={state}
          form="asOf"
          name="asOf"
          label={t("file.asOfLabel", { zone })}
          hint={t("file.asOfHint")}
          now={instantToWallTime(view.inThePast ? view.at : view.now, zone)}
        />
        <button type="submit" class="secondary">
          {t("file.asOfSubmit")}
        </button>
      </form>
    </details>
  );
}

/** The forms that add to the file's history: a new address, an IMM 5476, its withdrawal. */
function RecordingForms(props: { ctx: PageContext; view: FileView; state: FormState | undefined }) {
  const { ctx, view, state } = props;
  const { t } = ctx;
  const zone = view.office.timeZone;
  const now = instantToWallTime(view.now, zone);
  const base = `/agent/files/${view.application.number}`;
  const currentRep = representationAt(view.parties.representations, view.now);
  const common = { t, state, required: true };
  return (
    <>
      <h2 id="record">{t("file.recordAddress")}</h2>
      <p>{t("file.recordAddressHint")}</p>
      <ErrorSummary t={t} state={state} form="address" />
      <form method="post" action={`${base}/contact-points`} noValidate>
        <CsrfField token={ctx.csrfToken} />
        <SelectField
          {...common}
          form="address"
          name="partyId"
          label={t("file.party")}
          options={partiesOf(view.parties).map((p) => ({
            value: p.id,
            label: `${p.name} — ${t(`role.${p.role}` as MessageKey)}`,
          }))}
        />
        <SelectField
          {...common}
          form="address"
          name="kind"
          label={t("file.kind")}
          options={contactKinds.map((k) => ({ value: k, label: t(`kind.${k}`) }))}
        />
        <TextField
          {...common}
          form="address"
          name="value"
          label={t("file.value")}
          hint={t("file.valueHint")}
          multiline
        />
        <SelectField
          {...common}
          form="address"
          name="source"
          label={t("file.source")}
          options={contactSources.map((s) => ({ value: s, label: t(`source.${s}`) }))}
        />
        <PastInstantField
          {...common}
          form="address"
          name="providedAt"
          label={t("file.providedAt", { zone })}
          now={now}
        />
        <button type="submit">{t("file.save")}</button>
      </form>

      <details open={state?.form === "representative"}>
        <summary>{t("file.recordRepresentative")}</summary>
        <ErrorSummary t={t} state={state} form="representative" />
        <form method="post" action={`${base}/representatives`} noValidate>
          <CsrfField token={ctx.csrfToken} />
          <TextField {...common} form="representative" name="name" label={t("file.repName")} />
          <TextField
            {...common}
            required={false}
            form="representative"
            name="email"
            label={t("file.repEmail")}
            type="email"
          />
          <TextField {...common} form="representative" name="postal" label={t("file.repPostal")} multiline />
          <SelectField
            {...common}
            form="representative"
            name="preferredLanguage"
            label={t("file.repLanguage")}
            options={languages.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
          />
          <PastInstantField
            {...common}
            form="representative"
            name="receivedAt"
            label={t("file.repReceived", { zone })}
            now={now}
          />
          <button type="submit">{t("file.repSave")}</button>
        </form>
      </details>

      {currentRep ? (
        <details open={state?.form === "withdrawal"}>
          <summary>{t("file.withdraw")}</summary>
          <ErrorSummary t={t} state={state} form="withdrawal" />
          <form method="post" action={`${base}/representatives/withdraw`} noValidate>
            <CsrfField token={ctx.csrfToken} />
            <PastInstantField
              {...common}
              form="withdrawal"
              name="receivedAt"
              label={t("file.withdrawReceived", { zone })}
              now={now}
            />
            <button type="submit" class="secondary">
              {t("file.withdrawSave")}
            </button>
          </form>
        </details>
      ) : null}
    </>
  );
}

function PartySection(props: { ctx: PageContext; view: FileView; party: Party }) {
  const { ctx, view, party } = props;
  const { t, lang } = ctx;
  const zone = view.office.timeZone;
  const when = (d: Date) => formatInstant(lang, d, zone);
  const consent = emailConsentAt(view.parties, party.id, view.at);
  const history = contactHistory(view.parties.contactPoints, party.id);
  const inEffectThen = new Set(
    view.inThePast
      ? contactKinds
          .map((k) => contactPointAt(view.parties.contactPoints, party.id, k, view.at)?.seq)
          .filter((x) => x !== undefined)
      : [],
  );
  const repEvents = view.parties.representations.filter((r) => r.representativeId === party.id);
  const headingId = `party-${party.id}`;
  return (
    <section aria-labelledby={headingId}>
      <h3 id={headingId}>
        {party.name} <span class="tag">{t(`role.${party.role}` as MessageKey)}</span>
      </h3>
      <dl class="summary">
        <dt>{t("file.consent")}</dt>
        <dd>
          {consent.consented
            ? t("file.consentYes", {
                since: when(consent.since),
                source: t(`source.${consent.source}` as MessageKey),
              })
            : t("file.consentNo")}
        </dd>
        <dt>{t("file.language")}</dt>
        <dd>{t(`lang.${party.preferredLanguage}` as MessageKey)}</dd>
        {repEvents.map((e) => (
          <>
            <dt key={`${e.seq}-dt`}>IMM 5476</dt>
            <dd key={`${e.seq}-dd`}>
              {e.kind === "declared"
                ? t("file.representedSince", { since: when(e.effectiveAt) })
                : t("file.representationWithdrawn", { at: when(e.effectiveAt) })}
            </dd>
          </>
        ))}
      </dl>
      {history.length === 0 ? (
        <p>{t("file.historyEmpty")}</p>
      ) : (
        <table>
          <caption>{t("file.history", { name: party.name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("file.colKind")}</th>
              <th scope="col">{t("file.colAddress")}</th>
              <th scope="col">{t("file.colSource")}</th>
              <th scope="col">{t("file.colProvided")}</th>
              <th scope="col">{t("file.colSuperseded")}</th>
            </tr>
          </thead>
          <tbody>
            {history.map((h) => (
              <tr key={h.seq}>
                <td>{t(`kind.${h.kind}` as MessageKey)}</td>
                <td class="pre-line">
                  {h.value}
                  {inEffectThen.has(h.seq) ? (
                    <>
                      {" "}
                      <span class="tag">{t("file.inEffectThen")}</span>
                    </>
                  ) : null}
                </td>
                <td>{t(`source.${h.source}` as MessageKey)}</td>
                <td>{when(h.providedAt)}</td>
                <td>
                  {h.supersededAt
                    ? when(h.supersededAt)
                    : h.providedAt.getTime() > view.now.getTime()
                      ? ""
                      : t("file.current")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** B-7: the flag "reports not receiving email", shown and set or cleared on the file. */
function NotReceivingSection(props: { ctx: PageContext; view: FileView; state: FormState | undefined }) {
  const { ctx, view, state } = props;
  const { t, lang } = ctx;
  const flag = view.notReceivingEmail;
  const base = `/agent/files/${encodeURIComponent(view.application.number)}`;
  const form = flag ? "flag-clear" : "flag-set";
  return (
    <section aria-labelledby="flag-heading" class={flag ? "notice notice-warning" : undefined}>
      <h2 id="flag-heading">{t("flag.title")}</h2>
      {flag ? (
        <p>
          {t("flag.active", {
            since: formatInstant(lang, flag.since, view.office.timeZone),
            reason: flag.reason,
          })}
        </p>
      ) : (
        <p>{t("flag.intro")}</p>
      )}
      {view.canRecord ? (
        <>
          <ErrorSummary t={t} state={state} form={form} />
          <form method="post" action={`${base}/${flag ? "not-receiving/clear" : "not-receiving"}`} noValidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              t={t}
              state={state}
              form={form}
              name="reason"
              label={t(flag ? "flag.clearReason" : "flag.reason")}
              required={!flag}
            />
            <button type="submit" class={flag ? "secondary" : undefined}>
              {t(flag ? "flag.clear" : "flag.set")}
            </button>
          </form>
        </>
      ) : null}
    </section>
  );
}
