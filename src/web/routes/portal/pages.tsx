import type { ComponentChildren } from "preact";
import type { DelegationWithState } from "../../../delegation/service.ts";
import { formatDate, formatInstant, type Lang } from "../../../i18n/index.ts";
import type { PortalCase } from "../../../portal/cases.ts";
import { acceptedDocumentExtensions, MAX_SUBMISSION_BYTES } from "../../../portal/documents.ts";
import type { Submission } from "../../../portal/filing.ts";
import type { FormInQueue } from "../../../portal/forms.ts";
import type { InboxEntry } from "../../../portal/inbox.ts";
import { maskMobile } from "../../../portal/phone.ts";
import { lastDayShown, tribunalTimeZone } from "../../../portal/rules.ts";
import type { CounselSummary } from "../../../portal/store.ts";
import {
  CsrfField,
  ErrorSummary,
  Field,
  type FormState,
  SelectField,
  submittedValue,
} from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { formatSize } from "../agent/letter-pages.tsx";
import { DelegatesSection } from "./delegation-pages.tsx";

// My Case's pages (SPEC section 4). Plain forms and links: everything works without JavaScript.

const bodies = ["law-society", "cicc", "ontario-paralegal", "quebec-notary"] as const;
const submissionKinds = ["evidence", "form", "correspondence", "other"] as const;

export function officeName(lang: Lang, c: Pick<PortalCase, "officeNameEn" | "officeNameFr">): string {
  return lang === "fr" ? c.officeNameFr : c.officeNameEn;
}

function Banner(props: { children: ComponentChildren }) {
  return (
    <div class="notice-success" role="status">
      {props.children}
    </div>
  );
}

/** The public home of My Case: what it is, how to sign in, and the warning about phishing (P-7). */
export function PortalHome(props: { ctx: PageContext; signedOut: boolean }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.home.title")}>
      {props.signedOut ? <Banner>{t("portal.home.signedOut")}</Banner> : null}
      <h1>{t("portal.home.title")}</h1>
      <p>{t("portal.home.intro")}</p>
      <p>
        <a class="button" href="/portal/sign-in">
          {t("portal.home.signIn")}
        </a>
      </p>
      <h2>{t("portal.home.registerTitle")}</h2>
      <p>{t("portal.home.register")}</p>
      <h2>{t("portal.home.phishingTitle")}</h2>
      <p>{t("portal.home.phishing")}</p>
    </Layout>
  );
}

export function LockedPage(props: { ctx: PageContext; lockCode: string }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.locked.title")}>
      <h1>{t("portal.locked.title")}</h1>
      <p>{t("error.ACCOUNT_LOCKED")}</p>
      <p>
        {t("portal.locked.code")} <strong class="lock-code">{props.lockCode}</strong>
      </p>
      <p>{t("portal.locked.helpDesk")}</p>
    </Layout>
  );
}

export function RegisterPage(props: {
  ctx: PageContext;
  state: FormState | undefined;
  /** D-2, D-6: a former delegate, told why they are here and where a new invitation is entered. */
  delegationEnded?: boolean;
}) {
  const { t } = props.ctx;
  const form = "register";
  const { state } = props;
  return (
    <Layout ctx={props.ctx} title={t("portal.register.title")}>
      {props.delegationEnded ? (
        <div class="notice-info" role="status">
          <p>{t("error.DELEGATION_ENDED")}</p>
          <p>
            <a href="/portal/delegate">{t("delegation.registerLink")}</a>
          </p>
        </div>
      ) : null}
      <h1>{t("portal.register.title")}</h1>
      <p>{t("portal.register.intro")}</p>
      <ErrorSummary t={t} state={state} form={form} />
      <form method="post" action="/portal/register" novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <SelectField
          t={t}
          form={form}
          name="professionalBody"
          label={t("portal.register.body")}
          state={state}
          required
          options={[
            { value: "", label: t("portal.register.chooseBody") },
            ...bodies.map((b) => ({ value: b, label: t(`portal.body.${b}`) })),
          ]}
        />
        <Field
          t={t}
          form={form}
          name="memberNumber"
          label={t("portal.register.memberNumber")}
          state={state}
          required
        >
          {(a) => <input {...a} autocomplete="off" value={submittedValue(state, form, "memberNumber")} />}
        </Field>
        <Field
          t={t}
          form={form}
          name="accessCode"
          label={t("portal.register.accessCode")}
          hint={t("portal.register.accessCodeHint")}
          state={state}
          required
        >
          {(a) => <input {...a} inputMode="numeric" autocomplete="one-time-code" maxLength={12} />}
        </Field>
        <button type="submit">{t("portal.register.submit")}</button>
      </form>
      <h2>{t("delegation.registerLinkTitle")}</h2>
      <p>
        <a href="/portal/delegate">{t("delegation.registerLink")}</a>
      </p>
    </Layout>
  );
}

function statusText(ctx: PageContext, c: PortalCase): string {
  const { t } = ctx;
  return t(`portal.status.${c.status as "open"}`);
}

function NextHearing(props: { ctx: PageContext; c: PortalCase }) {
  const { t, lang } = props.ctx;
  return props.c.nextHearingAt ? (
    <>{formatInstant(lang, props.c.nextHearingAt, props.c.officeTimeZone)}</>
  ) : (
    <>{t("portal.cases.noHearing")}</>
  );
}

export function CasesPage(props: { ctx: PageContext; cases: PortalCase[]; registered: boolean }) {
  const { t, lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.cases.title")}>
      {props.registered ? <Banner>{t("portal.cases.registered")}</Banner> : null}
      <h1>{t("portal.cases.title")}</h1>
      <p>{t("portal.cases.intro")}</p>
      {props.cases.length === 0 ? (
        <p>{t("portal.cases.none")}</p>
      ) : (
        <table>
          <caption>{t("portal.cases.caption", { count: props.cases.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("portal.case.number")}</th>
              <th scope="col">{t("portal.case.client")}</th>
              <th scope="col">{t("portal.case.status")}</th>
              <th scope="col">{t("portal.case.nextHearing")}</th>
              <th scope="col">{t("portal.case.office")}</th>
            </tr>
          </thead>
          <tbody>
            {props.cases.map((c) => (
              <tr key={c.applicationId}>
                <th scope="row">
                  <a href={`/portal/cases/${c.number}`}>{c.number}</a>
                </th>
                <td>{c.clientName}</td>
                <td>
                  {statusText(props.ctx, c)}
                  {c.finalDecisionOn ? (
                    <>
                      <br />
                      <small>
                        {t("portal.case.shownUntil", {
                          date: formatDate(lang, lastDayShown(c.finalDecisionOn)),
                        })}
                      </small>
                    </>
                  ) : null}
                </td>
                <td>
                  <NextHearing ctx={props.ctx} c={c} />
                </td>
                <td>{officeName(lang, c)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

function InboxTable(props: {
  ctx: PageContext;
  entries: InboxEntry[];
  caption: string;
  showCase: boolean;
  timeZone: (e: InboxEntry) => string;
}) {
  const { t, lang } = props.ctx;
  if (props.entries.length === 0) return <p>{t("portal.inbox.empty")}</p>;
  return (
    <table>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t("portal.inbox.document")}</th>
          {props.showCase ? <th scope="col">{t("portal.case.number")}</th> : null}
          <th scope="col">{t("portal.inbox.sentAt")}</th>
          <th scope="col">{t("portal.inbox.read")}</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((e) => (
          <tr key={e.id}>
            <th scope="row">
              <a href={`/portal/inbox/${e.id}`}>{e.title}</a>
              {e.removed ? (
                <>
                  {" "}
                  <small>{t("portal.inbox.removedNote")}</small>
                </>
              ) : null}
            </th>
            {props.showCase ? <td>{e.caseNumber}</td> : null}
            <td>{formatInstant(lang, e.sentAt, props.timeZone(e))}</td>
            <td>
              {e.firstReadAt ? (
                t("portal.inbox.readAt", { at: formatInstant(lang, e.firstReadAt, props.timeZone(e)) })
              ) : (
                <strong>{t("portal.inbox.unread")}</strong>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function CasePage(props: {
  ctx: PageContext;
  c: PortalCase;
  submissions: Submission[];
  /** D-4: the names of the delegates who sent any of them. */
  delegateNames: Map<string, string>;
  inbox: InboxEntry[];
  state: FormState | undefined;
}) {
  const { t, lang } = props.ctx;
  const { c, state } = props;
  const form = "file";
  const problem = state?.form === form ? state.problems.find((p) => p.field === "document") : undefined;
  return (
    <Layout ctx={props.ctx} title={t("portal.case.title", { number: c.number })}>
      <h1>{t("portal.case.title", { number: c.number })}</h1>
      <dl class="summary">
        <dt>{t("portal.case.client")}</dt>
        <dd>{c.clientName}</dd>
        <dt>{t("portal.case.status")}</dt>
        <dd>{statusText(props.ctx, c)}</dd>
        <dt>{t("portal.case.nextHearing")}</dt>
        <dd>
          <NextHearing ctx={props.ctx} c={c} />
        </dd>
        <dt>{t("portal.case.office")}</dt>
        <dd>{officeName(lang, c)}</dd>
      </dl>
      <ul>
        <li>
          <a href="#submit">{t("portal.case.submitTitle")}</a>
        </li>
        <li>
          <a href="#history">{t("portal.case.historyTitle")}</a>
        </li>
        <li>
          <a href="#inbox">{t("portal.case.inboxTitle")}</a>
        </li>
        <li>
          <a href={`/portal/cases/${c.number}/client-contact`}>{t("portal.forms.clientContact")}</a>
        </li>
      </ul>

      <h2 id="submit">{t("portal.case.submitTitle")}</h2>
      <ErrorSummary t={t} state={state} form={form} />
      <form
        method="post"
        action={`/portal/cases/${c.number}/documents`}
        enctype="multipart/form-data"
        novalidate
      >
        <CsrfField token={props.ctx.csrfToken} />
        <SelectField
          t={t}
          form={form}
          name="kind"
          label={t("portal.submit.kind")}
          state={state}
          required
          options={[
            { value: "", label: t("portal.submit.chooseKind") },
            ...submissionKinds.map((k) => ({ value: k, label: t(`portal.submissionKind.${k}`) })),
          ]}
        />
        <Field
          t={t}
          form={form}
          name="description"
          label={t("portal.submit.description")}
          state={state}
          required
        >
          {(a) => <input {...a} maxLength={500} value={submittedValue(state, form, "description")} />}
        </Field>
        <div class={problem ? "field field-error" : "field"}>
          <label for={`${form}-document`}>
            {t("portal.submit.document")} <span class="hint-inline">{t("form.required")}</span>
          </label>
          <span class="hint" id={`${form}-document-hint`}>
            {t("portal.submit.documentHint", { size: formatSize(lang, MAX_SUBMISSION_BYTES) })}
          </span>
          {problem ? (
            <span class="error-message" id={`${form}-document-error`}>
              {t(`error.${problem.code}`)}
            </span>
          ) : null}
          <input
            type="file"
            id={`${form}-document`}
            name="document"
            accept={acceptedDocumentExtensions}
            aria-describedby={
              problem ? `${form}-document-hint ${form}-document-error` : `${form}-document-hint`
            }
            {...(problem ? { "aria-invalid": true } : {})}
          />
        </div>
        <button type="submit">{t("portal.submit.submit")}</button>
      </form>

      <h2 id="history">{t("portal.case.historyTitle")}</h2>
      <p>{t("portal.case.historyIntro")}</p>
      {props.submissions.length === 0 ? (
        <p>{t("portal.case.historyEmpty")}</p>
      ) : (
        <table>
          <caption>{t("portal.case.historyCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("portal.history.received")}</th>
              <th scope="col">{t("portal.history.what")}</th>
              <th scope="col">{t("portal.history.by")}</th>
              <th scope="col">{t("portal.history.confirmation")}</th>
            </tr>
          </thead>
          <tbody>
            {props.submissions.map((s) => (
              <tr key={s.id}>
                <td>{formatInstant(lang, s.receivedAt, c.officeTimeZone)}</td>
                <td>
                  {t(`portal.submissionKind.${s.kind}`)}: {s.description}
                </td>
                <td>
                  {s.delegateId
                    ? t("portal.history.byDelegate", { name: props.delegateNames.get(s.delegateId) ?? "" })
                    : t("portal.history.byCounsel")}
                </td>
                <td>
                  <code>{s.confirmationNumber}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2 id="inbox">{t("portal.case.inboxTitle")}</h2>
      <InboxTable
        ctx={props.ctx}
        entries={props.inbox}
        caption={t("portal.case.inboxCaption")}
        showCase={false}
        timeZone={() => c.officeTimeZone}
      />
    </Layout>
  );
}

export function FiledPage(props: {
  ctx: PageContext;
  c: PortalCase;
  confirmationNumber: string;
  receivedAt: Date;
}) {
  const { t, lang } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.filed.title")}>
      <div class="notice-success" role="status">
        <h1>{t("portal.filed.title")}</h1>
        <p>
          {t("portal.filed.number")} <strong class="confirmation-number">{props.confirmationNumber}</strong>
        </p>
      </div>
      <p>
        {t("portal.filed.receivedAt", {
          at: formatInstant(lang, props.receivedAt, props.c.officeTimeZone),
          office: officeName(lang, props.c),
        })}
      </p>
      <p>{t("portal.filed.eastern", { at: formatInstant(lang, props.receivedAt, tribunalTimeZone) })}</p>
      <p>{t("portal.filed.email")}</p>
      <p>
        <a href={`/portal/cases/${props.c.number}#history`}>
          {t("portal.filed.back", { number: props.c.number })}
        </a>
      </p>
    </Layout>
  );
}

export function InboxPage(props: {
  ctx: PageContext;
  entries: InboxEntry[];
  zones: Map<string, string>;
  removed: boolean;
}) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.inbox.title")}>
      {props.removed ? <Banner>{t("portal.inbox.removed")}</Banner> : null}
      <h1>{t("portal.inbox.title")}</h1>
      <p>{t("portal.inbox.intro")}</p>
      <InboxTable
        ctx={props.ctx}
        entries={props.entries}
        caption={t("portal.inbox.caption", { count: props.entries.length })}
        showCase
        timeZone={(e) => props.zones.get(e.applicationId) ?? tribunalTimeZone}
      />
    </Layout>
  );
}

export function InboxItemPage(props: {
  ctx: PageContext;
  entry: InboxEntry;
  timeZone: string;
  mayRemove: boolean;
  /** D-4: who opened it, when (counsel sees the delegates' readings). */
  reads: { by: string | undefined; at: Date }[];
}) {
  const { t, lang } = props.ctx;
  const e = props.entry;
  return (
    <Layout ctx={props.ctx} title={e.title}>
      <h1>{e.title}</h1>
      <dl class="summary">
        <dt>{t("portal.case.number")}</dt>
        <dd>
          <a href={`/portal/cases/${e.caseNumber}#inbox`}>{e.caseNumber}</a>
        </dd>
        <dt>{t("portal.inbox.sentAt")}</dt>
        <dd>{formatInstant(lang, e.sentAt, props.timeZone)}</dd>
        <dt>{t("portal.inbox.file")}</dt>
        <dd>
          {e.filename} ({formatSize(lang, e.size)})
        </dd>
      </dl>
      <p>
        <a class="button" href={`/portal/inbox/${e.id}/document`}>
          {t("portal.inbox.open")}
        </a>
      </p>
      <p>{t("portal.inbox.openNote")}</p>
      <h2>{t("portal.inbox.readsTitle")}</h2>
      {props.reads.length === 0 ? (
        <p>{t("portal.inbox.notReadYet")}</p>
      ) : (
        <ul>
          {props.reads.map((r) => (
            <li key={r.at.getTime()}>
              {r.by
                ? t("portal.inbox.readByDelegate", {
                    name: r.by,
                    at: formatInstant(lang, r.at, props.timeZone),
                  })
                : t("portal.inbox.readByCounsel", { at: formatInstant(lang, r.at, props.timeZone) })}
            </li>
          ))}
        </ul>
      )}
      {props.mayRemove && !e.removed ? (
        <form method="post" action={`/portal/inbox/${e.id}/remove`}>
          <CsrfField token={props.ctx.csrfToken} />
          <p>{t("portal.inbox.removeNote")}</p>
          <button type="submit" class="secondary">
            {t("portal.inbox.remove")}
          </button>
        </form>
      ) : null}
    </Layout>
  );
}

function ContactFields(props: {
  ctx: PageContext;
  form: string;
  state: FormState | undefined;
  current: Record<string, string>;
  mobile: boolean;
}) {
  const { t } = props.ctx;
  const { form, state } = props;
  const v = (name: string) => submittedValue(state, form, name, props.current[name] ?? "");
  return (
    <>
      <Field
        t={t}
        form={form}
        name="email"
        label={t("portal.contact.email")}
        state={state}
        required={props.mobile}
      >
        {(a) => <input type="email" {...a} autocomplete="email" value={v("email")} />}
      </Field>
      {props.mobile ? (
        <Field
          t={t}
          form={form}
          name="mobile"
          label={t("portal.contact.mobile")}
          hint={t("portal.contact.mobileHint")}
          state={state}
          required
        >
          {(a) => <input type="tel" {...a} autocomplete="tel" value={v("mobile")} />}
        </Field>
      ) : null}
      <Field t={t} form={form} name="phone" label={t("portal.contact.phone")} state={state}>
        {(a) => <input type="tel" {...a} value={v("phone")} />}
      </Field>
      <Field
        t={t}
        form={form}
        name="postalAddress"
        label={t("portal.contact.postal")}
        hint={t("portal.contact.postalHint")}
        state={state}
      >
        {(a) => (
          <textarea {...a} rows={4}>
            {v("postalAddress")}
          </textarea>
        )}
      </Field>
    </>
  );
}

function FormStatus(props: { ctx: PageContext; f: FormInQueue }) {
  const { t, lang } = props.ctx;
  const d = props.f.decision;
  if (!d)
    return <>{t("portal.profile.pending", { due: formatInstant(lang, props.f.dueAt, tribunalTimeZone) })}</>;
  return (
    <>
      {t(`portal.profile.${d.outcome}`, { at: formatInstant(lang, d.decidedAt, tribunalTimeZone) })}
      {d.reason ? ` — ${d.reason}` : ""}
    </>
  );
}

export function ProfilePage(props: {
  ctx: PageContext;
  counsel: CounselSummary;
  forms: FormInQueue[];
  state: FormState | undefined;
  mayChange: boolean;
  /** D-1..D-6: counsel's delegates; absent for a delegate, who does not manage them. */
  delegates?: { list: DelegationWithState[]; seatsLeft: number; done: string | undefined } | undefined;
}) {
  const { t, lang } = props.ctx;
  const c = props.counsel;
  const k = c.contacts;
  const pending = props.forms.filter((f) => f.kind === "counsel-contact" && !f.decision);
  return (
    <Layout ctx={props.ctx} title={t("portal.profile.title")}>
      {props.delegates?.done ? (
        <Banner>{t(`delegation.done.${props.delegates.done as "invited"}`)}</Banner>
      ) : null}
      <h1>{t("portal.profile.title")}</h1>
      <dl class="summary">
        <dt>{t("portal.profile.name")}</dt>
        <dd>{c.name}</dd>
        <dt>{t("portal.register.body")}</dt>
        <dd>
          {t(`portal.body.${c.professionalBody}`)}, {c.memberNumber}
        </dd>
        <dt>{t("portal.contact.email")}</dt>
        <dd>{k?.email}</dd>
        <dt>{t("portal.contact.mobile")}</dt>
        <dd>{k ? maskMobile(k.mobile) : ""}</dd>
        <dt>{t("portal.contact.phone")}</dt>
        <dd>{k?.phone ?? "—"}</dd>
        <dt>{t("portal.contact.postal")}</dt>
        <dd class="address">{k?.postalAddress ?? "—"}</dd>
      </dl>
      {pending.length > 0 ? (
        <div class="notice-info" role="status">
          <h2>{t("portal.profile.pendingTitle")}</h2>
          <ul>
            {pending.map((f) => (
              <li key={f.id}>
                {t("portal.profile.pendingItem", {
                  number: f.confirmationNumber,
                  at: formatInstant(lang, f.submittedAt, tribunalTimeZone),
                })}{" "}
                <FormStatus ctx={props.ctx} f={f} />
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {props.mayChange ? (
        <>
          <h2 id="change">{t("portal.profile.changeTitle")}</h2>
          <p>{t("portal.profile.changeIntro")}</p>
          <ErrorSummary t={t} state={props.state} form="profile" />
          <form method="post" action="/portal/profile" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <ContactFields
              ctx={props.ctx}
              form="profile"
              state={props.state}
              mobile
              current={{
                email: k?.email ?? "",
                mobile: k?.mobile ?? "",
                phone: k?.phone ?? "",
                postalAddress: k?.postalAddress ?? "",
              }}
            />
            <button type="submit">{t("portal.profile.submit")}</button>
          </form>
        </>
      ) : null}
      {props.delegates ? (
        <DelegatesSection
          ctx={props.ctx}
          delegates={props.delegates.list}
          seatsLeft={props.delegates.seatsLeft}
        />
      ) : null}
      <h2>{t("portal.profile.formsTitle")}</h2>
      {props.forms.length === 0 ? (
        <p>{t("portal.profile.noForms")}</p>
      ) : (
        <table>
          <caption>{t("portal.profile.formsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("portal.history.confirmation")}</th>
              <th scope="col">{t("portal.profile.formKind")}</th>
              <th scope="col">{t("portal.history.received")}</th>
              <th scope="col">{t("portal.case.status")}</th>
            </tr>
          </thead>
          <tbody>
            {props.forms.map((f) => (
              <tr key={f.id}>
                <td>
                  <code>{f.confirmationNumber}</code>
                </td>
                <td>
                  {t(`portal.formKind.${f.kind}`)}
                  {f.caseNumber ? ` (${f.caseNumber})` : ""}
                </td>
                <td>{formatInstant(lang, f.submittedAt, tribunalTimeZone)}</td>
                <td>
                  <FormStatus ctx={props.ctx} f={f} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function FormReceivedPage(props: {
  ctx: PageContext;
  confirmationNumber: string;
  kind: "counsel-contact" | "client-contact";
}) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.formReceived.title")}>
      <div class="notice-success" role="status">
        <h1>{t("portal.formReceived.title")}</h1>
        <p>
          {t("portal.filed.number")} <strong class="confirmation-number">{props.confirmationNumber}</strong>
        </p>
      </div>
      <p>{t("portal.formReceived.processing")}</p>
      <p>{t("portal.filed.email")}</p>
      <p>
        <a href="/portal/profile">{t("portal.formReceived.back")}</a>
      </p>
    </Layout>
  );
}

export function FormsPage(props: { ctx: PageContext; cases: PortalCase[]; mayChangeProfile: boolean }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.forms.title")}>
      <h1>{t("portal.forms.title")}</h1>
      <p>{t("portal.forms.intro")}</p>
      <h2>{t("portal.forms.counselContact")}</h2>
      <p>{t("portal.forms.counselContactIntro")}</p>
      {props.mayChangeProfile ? (
        <p>
          <a href="/portal/profile#change">{t("portal.forms.counselContactLink")}</a>
        </p>
      ) : null}
      <h2>{t("portal.forms.clientContact")}</h2>
      <p>{t("portal.forms.clientContactIntro")}</p>
      {props.cases.length === 0 ? (
        <p>{t("portal.cases.none")}</p>
      ) : (
        <ul>
          {props.cases.map((c) => (
            <li key={c.applicationId}>
              <a href={`/portal/cases/${c.number}/client-contact`}>
                {t("portal.forms.clientContactFor", { number: c.number, client: c.clientName })}
              </a>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}

export function ClientContactPage(props: { ctx: PageContext; c: PortalCase; state: FormState | undefined }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("portal.forms.clientContact")}>
      <h1>{t("portal.forms.clientContact")}</h1>
      <p>{t("portal.forms.clientContactFor", { number: props.c.number, client: props.c.clientName })}</p>
      <p>{t("portal.forms.clientContactHint")}</p>
      <ErrorSummary t={t} state={props.state} form="client" />
      <form method="post" action={`/portal/cases/${props.c.number}/client-contact`} novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <ContactFields ctx={props.ctx} form="client" state={props.state} mobile={false} current={{}} />
        <button type="submit">{t("portal.forms.submit")}</button>
      </form>
    </Layout>
  );
}
