import type { ComponentChildren } from "preact";
import { portalLanguages, professionalBodies, standings } from "../../../db/schema/portal.ts";
import type { DelegationWithState } from "../../../delegation/service.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { formatInstant, type Translate } from "../../../i18n/index.ts";
import type { FormInQueue } from "../../../portal/forms.ts";
import { maskMobile } from "../../../portal/phone.ts";
import { MAX_CODE_ATTEMPTS, mayUsePortal, tribunalTimeZone } from "../../../portal/rules.ts";
import type {
  accessCodesOf,
  accountHistory,
  CounselContacts,
  CounselSummary,
  contactHistory,
  linkedFiles,
  locksOf,
  standingHistory,
} from "../../../portal/store.ts";
import {
  CsrfField,
  ErrorSummary,
  Field,
  type FormState,
  SelectField,
  submittedValue,
  TextField,
} from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";
import { StateText } from "../portal/delegation-pages.tsx";

// The staff pages of My Case (SPEC P-1..P-3, P-8): the registry of counsel with the form to add one, a
// counsel's page (standing, contacts, registration, access codes, locks, linked files, and the forms that
// change them), and the queue of online forms with the 48-hour clock. Views only: counsel.tsx loads the
// data and calls the services. The registry is the tribunal's, not an office's: its times are Eastern.

/** The forms' names: field ids are `<form>-<field>`, as the error summary links to them. */
export const counselForms = {
  add: "add-counsel",
  standing: "standing",
  contacts: "contacts",
  link: "link-file",
  invite: "invite",
  unlock: "unlock",
  reset: "reset",
  process: "process-form",
} as const;

export interface OpenedCounsel {
  counsel: CounselSummary;
  standings: Awaited<ReturnType<typeof standingHistory>>;
  contacts: Awaited<ReturnType<typeof contactHistory>>;
  codes: Awaited<ReturnType<typeof accessCodesOf>>;
  locks: Awaited<ReturnType<typeof locksOf>>;
  accounts: Awaited<ReturnType<typeof accountHistory>>;
  /** D-1..D-6: every delegation counsel made, ended ones included, newest first. */
  delegations: DelegationWithState[];
  files: Awaited<ReturnType<typeof linkedFiles>>;
  staffNames: ReadonlyMap<string, string>;
  now: Date;
}

/** A form of the counsel page behind a disclosure, opened again when it comes back refused. */
function DisclosedForm(props: {
  ctx: PageContext;
  state: FormState | undefined;
  form: string;
  summary: string;
  intro?: string;
  action: string;
  submit: string;
  children: ComponentChildren;
}) {
  const { ctx, state, form } = props;
  return (
    <details open={state?.form === form}>
      <summary>{props.summary}</summary>
      {props.intro ? <p>{props.intro}</p> : null}
      <ErrorSummary t={ctx.t} state={state} form={form} />
      <form method="post" action={props.action} noValidate>
        <CsrfField token={ctx.csrfToken} />
        {props.children}
        <button type="submit">{props.submit}</button>
      </form>
    </details>
  );
}

/** What the counsel page says after a form went through (the `?done=` of the redirect). */
export const counselNotices = ["added", "saved", "sent", "unlocked", "reset", "linked"] as const;
export type CounselNotice = (typeof counselNotices)[number];

const bodyLabel = (t: Translate, body: string) => t(`counsel.body.${body}` as MessageKey);
const standingLabel = (t: Translate, s: string | undefined) =>
  s ? t(`counsel.standing.${s}` as MessageKey) : t("counsel.standingUnknown");

/** A text field whose value, before any submission, is what is on record (a correction form). */
function ValueField(props: {
  t: Translate;
  form: string;
  name: string;
  label: string;
  hint?: string;
  state: FormState | undefined;
  required?: boolean;
  value: string;
  multiline?: boolean;
  type?: "text" | "email" | "tel";
}) {
  const value = submittedValue(props.state, props.form, props.name, props.value);
  return (
    <Field {...props}>
      {(a) =>
        props.multiline ? (
          <textarea {...a} rows={3} spellcheck={false} value={value} />
        ) : (
          <input type={props.type ?? "text"} {...a} value={value} spellcheck={false} />
        )
      }
    </Field>
  );
}

// ---------------------------------------------------------------------------------------------------
// The registry

export function CounselListPage(props: {
  ctx: PageContext;
  query: string;
  counsel: readonly CounselSummary[];
  mayKeep: boolean;
  state: FormState | undefined;
}) {
  const { ctx, state } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={t("counsel.title")}>
      <h1>{t("counsel.title")}</h1>
      <ErrorSummary t={t} state={state} form={counselForms.add} />
      <p>{t("counsel.intro")}</p>
      <form method="get" action="/agent/counsel">
        <div class="field">
          <label for="counsel-q">{t("counsel.searchLabel")}</label>
          <span class="hint" id="counsel-q-hint">
            {t("counsel.searchHint")}
          </span>
          <input
            type="search"
            id="counsel-q"
            name="q"
            value={props.query}
            aria-describedby="counsel-q-hint"
          />
        </div>
        <button type="submit" class="secondary">
          {t("counsel.search")}
        </button>
      </form>
      <section aria-labelledby="counsel-list-heading">
        <h2 id="counsel-list-heading">
          {props.query ? t("counsel.resultsFor", { query: props.query }) : t("counsel.listTitle")}
        </h2>
        {props.counsel.length === 0 ? (
          <p>{t("counsel.none")}</p>
        ) : (
          <table id="counsel-list">
            <caption>{t("counsel.listCaption", { count: props.counsel.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("counsel.colName")}</th>
                <th scope="col">{t("counsel.colBody")}</th>
                <th scope="col">{t("counsel.colMember")}</th>
                <th scope="col">{t("counsel.colStanding")}</th>
                <th scope="col">{t("counsel.colRegistered")}</th>
                <th scope="col">{t("counsel.colLocked")}</th>
              </tr>
            </thead>
            <tbody>
              {props.counsel.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/agent/counsel/${c.id}`}>{c.name}</a>
                  </td>
                  <td>{bodyLabel(t, c.professionalBody)}</td>
                  <td>{c.memberNumber}</td>
                  <td>{standingLabel(t, c.standing)}</td>
                  <td>{c.registeredAt ? t("counsel.yes") : t("counsel.no")}</td>
                  <td>{c.lock ? <span class="tag">{t("counsel.locked")}</span> : t("counsel.no")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section aria-labelledby="add-counsel-heading">
        <h2 id="add-counsel-heading">{t("counsel.addTitle")}</h2>
        {props.mayKeep ? (
          <AddCounselForm ctx={ctx} state={state} />
        ) : (
          <div class="notice">
            <p>{t("counsel.readOnly")}</p>
          </div>
        )}
      </section>
    </Layout>
  );
}

function AddCounselForm(props: { ctx: PageContext; state: FormState | undefined }) {
  const { ctx, state } = props;
  const { t } = ctx;
  const form = counselForms.add;
  const common = { t, state, form, required: true };
  return (
    <form method="post" action="/agent/counsel" noValidate>
      <CsrfField token={ctx.csrfToken} />
      <TextField {...common} name="name" label={t("counsel.name")} />
      <SelectField
        {...common}
        name="professionalBody"
        label={t("counsel.body")}
        options={professionalBodies.map((b) => ({ value: b, label: bodyLabel(t, b) }))}
      />
      <TextField
        {...common}
        name="memberNumber"
        label={t("counsel.memberNumber")}
        hint={t("counsel.memberHint")}
      />
      <SelectField
        {...common}
        name="preferredLanguage"
        label={t("counsel.language")}
        options={portalLanguages.map((l) => ({ value: l, label: t(`lang.${l}`) }))}
      />
      <SelectField
        {...common}
        name="standing"
        label={t("counsel.standing")}
        hint={t("counsel.standingHint")}
        options={standings.map((s) => ({ value: s, label: standingLabel(t, s) }))}
      />
      <ContactFields ctx={ctx} state={state} form={form} current={undefined} />
      <button type="submit">{t("counsel.add")}</button>
    </form>
  );
}

/** Email, mobile (for access codes), and the optional phone and postal address. */
function ContactFields(props: {
  ctx: PageContext;
  state: FormState | undefined;
  form: string;
  current: CounselContacts | undefined;
}) {
  const { ctx, state, form, current } = props;
  const { t } = ctx;
  const common = { t, state, form };
  return (
    <>
      <ValueField
        {...common}
        required
        name="email"
        type="email"
        label={t("counsel.email")}
        value={current?.email ?? ""}
      />
      <ValueField
        {...common}
        required
        name="mobile"
        type="tel"
        label={t("counsel.mobile")}
        hint={t("counsel.mobileHint")}
        value={current?.mobile ?? ""}
      />
      <ValueField
        {...common}
        name="phone"
        type="tel"
        label={t("counsel.phone")}
        hint={t("counsel.optional")}
        value={current?.phone ?? ""}
      />
      <ValueField
        {...common}
        name="postalAddress"
        multiline
        label={t("counsel.postalAddress")}
        hint={t("counsel.postalHint")}
        value={current?.postalAddress ?? ""}
      />
    </>
  );
}

// ---------------------------------------------------------------------------------------------------
// A counsel's page

export function CounselPage(props: {
  ctx: PageContext;
  opened: OpenedCounsel;
  mayKeep: boolean;
  state: FormState | undefined;
  notice: CounselNotice | undefined;
}) {
  const { ctx, opened, state, mayKeep } = props;
  const { t, lang } = ctx;
  const c = opened.counsel;
  const when = (d: Date) => formatInstant(lang, d, tribunalTimeZone);
  const by = (id: string | null) => (id ? (opened.staffNames.get(id) ?? t("counsel.staff")) : "—");
  const base = `/agent/counsel/${c.id}`;
  const lastCode = opened.codes[0];
  const mayInvite = mayUsePortal(c.standing) && !c.registeredAt;
  return (
    <Layout ctx={ctx} title={c.name}>
      <p>
        <a href="/agent/counsel">{t("counsel.back")}</a>
      </p>
      <h1>{c.name}</h1>
      {props.notice === "sent" ? (
        <div class="notice notice-success" role="status" id="code-sent">
          <p>{t("counsel.codeSent", { mobile: maskMobile(lastCode?.mobile ?? c.contacts?.mobile ?? "") })}</p>
        </div>
      ) : props.notice ? (
        <div class="notice notice-success" role="status">
          <p>{t(`counsel.done.${props.notice}` as MessageKey)}</p>
        </div>
      ) : null}
      <p class="hint">{t("counsel.timesEastern")}</p>
      <dl class="summary">
        <dt>{t("counsel.body")}</dt>
        <dd>{bodyLabel(t, c.professionalBody)}</dd>
        <dt>{t("counsel.memberNumber")}</dt>
        <dd>{c.memberNumber}</dd>
        <dt>{t("counsel.language")}</dt>
        <dd>{t(`lang.${c.preferredLanguage}`)}</dd>
        <dt>{t("counsel.standing")}</dt>
        <dd id="counsel-standing">{standingLabel(t, c.standing)}</dd>
        <dt>{t("counsel.registration")}</dt>
        <dd id="counsel-registration">
          {c.registeredAt
            ? t("counsel.registeredAt", { at: when(c.registeredAt) })
            : t("counsel.notRegistered")}
        </dd>
        <dt>{t("counsel.lock")}</dt>
        <dd id="counsel-lock">
          {c.lock
            ? t("counsel.lockedSince", {
                at: when(c.lock.lockedAt),
                reason: t(`counsel.lockReason.${c.lock.reason}` as MessageKey),
              })
            : t("counsel.notLocked")}
        </dd>
      </dl>

      {!mayKeep ? (
        <div class="notice">
          <p>{t("counsel.readOnly")}</p>
        </div>
      ) : null}

      <AccessSection ctx={ctx} opened={opened} mayKeep={mayKeep} mayInvite={mayInvite} state={state} />
      <DelegationsSection ctx={ctx} opened={opened} />

      <section aria-labelledby="standing-heading">
        <h2 id="standing-heading">{t("counsel.standingTitle")}</h2>
        <table id="standing-history">
          <caption>{t("counsel.standingHistory")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("counsel.colStanding")}</th>
              <th scope="col">{t("counsel.colRecorded")}</th>
              <th scope="col">{t("counsel.colBy")}</th>
            </tr>
          </thead>
          <tbody>
            {[...opened.standings].reverse().map((s) => (
              <tr key={s.seq}>
                <td>{standingLabel(t, s.standing)}</td>
                <td>{when(s.recordedAt)}</td>
                <td>{by(s.recordedBy)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {mayKeep ? (
          <DisclosedForm
            ctx={ctx}
            state={state}
            form={counselForms.standing}
            summary={t("counsel.recordStanding")}
            action={`${base}/standing`}
            submit={t("counsel.recordStandingSubmit")}
          >
            <SelectField
              t={t}
              state={state}
              required
              form={counselForms.standing}
              name="standing"
              label={t("counsel.standing")}
              hint={t("counsel.standingHint")}
              options={standings.map((s) => ({ value: s, label: standingLabel(t, s) }))}
            />
          </DisclosedForm>
        ) : null}
      </section>

      <section aria-labelledby="contacts-heading">
        <h2 id="contacts-heading">{t("counsel.contactsTitle")}</h2>
        <table id="contact-history">
          <caption>{t("counsel.contactsHistory")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("counsel.email")}</th>
              <th scope="col">{t("counsel.mobile")}</th>
              <th scope="col">{t("counsel.phone")}</th>
              <th scope="col">{t("counsel.postalAddress")}</th>
              <th scope="col">{t("counsel.colSource")}</th>
              <th scope="col">{t("counsel.colRecorded")}</th>
            </tr>
          </thead>
          <tbody>
            {opened.contacts.map((k, i) => (
              <tr key={k.seq}>
                <td>
                  {k.email}
                  {i === 0 ? (
                    <>
                      {" "}
                      <span class="tag">{t("counsel.current")}</span>
                    </>
                  ) : null}
                </td>
                <td>{k.mobile}</td>
                <td>{k.phone ?? "—"}</td>
                <td class="pre-line">{k.postalAddress ?? "—"}</td>
                <td>{t(`counsel.source.${k.source}` as MessageKey)}</td>
                <td>
                  {when(k.recordedAt)} — {by(k.recordedBy)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {mayKeep ? (
          <DisclosedForm
            ctx={ctx}
            state={state}
            form={counselForms.contacts}
            summary={t("counsel.correctContacts")}
            intro={t("counsel.correctContactsIntro")}
            action={`${base}/contacts`}
            submit={t("counsel.correctContactsSubmit")}
          >
            <ContactFields ctx={ctx} state={state} form={counselForms.contacts} current={c.contacts} />
          </DisclosedForm>
        ) : null}
      </section>

      <section aria-labelledby="files-heading">
        <h2 id="files-heading">{t("counsel.filesTitle")}</h2>
        {opened.files.length === 0 ? (
          <p>{t("counsel.filesNone")}</p>
        ) : (
          <table id="linked-files">
            <thead>
              <tr>
                <th scope="col">{t("counsel.colFile")}</th>
                <th scope="col">{t("counsel.colOffice")}</th>
                <th scope="col">{t("counsel.colFileStatus")}</th>
                <th scope="col">{t("counsel.colRepresents")}</th>
              </tr>
            </thead>
            <tbody>
              {opened.files.map((f) => (
                <tr key={f.number}>
                  <td>
                    <a href={`/agent/files/${f.number}`}>{f.number}</a>
                  </td>
                  <td>{f.officeCode}</td>
                  <td>{t(`status.${f.status}` as MessageKey)}</td>
                  <td>{f.current ? t("counsel.representsNow") : t("counsel.representsNoLonger")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {mayKeep ? (
          <DisclosedForm
            ctx={ctx}
            state={state}
            form={counselForms.link}
            summary={t("counsel.linkFile")}
            intro={t("counsel.linkFileIntro")}
            action={`${base}/files`}
            submit={t("counsel.linkFileSubmit")}
          >
            <TextField
              t={t}
              state={state}
              required
              form={counselForms.link}
              name="fileNumber"
              label={t("counsel.fileNumber")}
              hint={t("counsel.fileNumberHint")}
            />
          </DisclosedForm>
        ) : null}
      </section>
    </Layout>
  );
}

/**
 * D-1..D-6, for the help desk a delegate or counsel calls: who counsel brought in, where each delegation
 * stands now, and its history. Read-only: delegations are counsel's to make, renew and end.
 */
function DelegationsSection(props: { ctx: PageContext; opened: OpenedCounsel }) {
  const { ctx, opened } = props;
  const { t, lang } = ctx;
  const when = (d: Date) => formatInstant(lang, d, tribunalTimeZone);
  return (
    <section aria-labelledby="delegations-heading">
      <h2 id="delegations-heading">{t("counsel.delegationsTitle")}</h2>
      {opened.delegations.length === 0 ? (
        <p>{t("counsel.delegationsNone")}</p>
      ) : (
        <table id="delegations">
          <caption>{t("counsel.delegationsCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("delegation.name")}</th>
              <th scope="col">{t("delegation.stateCol")}</th>
              <th scope="col">{t("counsel.delegationHistory")}</th>
            </tr>
          </thead>
          <tbody>
            {opened.delegations.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  {d.name}
                  <br />
                  <small>{d.email}</small>
                </th>
                <td>
                  <StateText ctx={ctx} d={d} />
                </td>
                <td>
                  <ul class="compact">
                    {d.events.map((e) => (
                      <li key={`${e.kind}-${e.at.getTime()}`}>
                        {t(`counsel.delegationEvent.${e.kind}` as MessageKey)} — {when(e.at)}
                      </li>
                    ))}
                  </ul>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** P-2, P-3: registration by access code, the codes issued, the locks; sending a code and unlocking. */
function AccessSection(props: {
  ctx: PageContext;
  opened: OpenedCounsel;
  mayKeep: boolean;
  mayInvite: boolean;
  state: FormState | undefined;
}) {
  const { ctx, opened, state, mayKeep } = props;
  const { t, lang } = ctx;
  const c = opened.counsel;
  const when = (d: Date) => formatInstant(lang, d, tribunalTimeZone);
  const by = (id: string | null) => (id ? (opened.staffNames.get(id) ?? t("counsel.staff")) : "—");
  const base = `/agent/counsel/${c.id}`;
  return (
    <section aria-labelledby="access-heading">
      <h2 id="access-heading">{t("counsel.accessTitle")}</h2>
      <ErrorSummary t={t} state={state} form={counselForms.invite} />
      {mayKeep && props.mayInvite ? (
        <form method="post" action={`${base}/access-code`} noValidate>
          <CsrfField token={ctx.csrfToken} />
          <p class="hint" id="invite-send-hint">
            {t("counsel.inviteHint", { mobile: c.contacts?.mobile ?? "—" })}
          </p>
          <button type="submit" id="invite-send" aria-describedby="invite-send-hint">
            {t("counsel.invite")}
          </button>
        </form>
      ) : c.registeredAt || !mayUsePortal(c.standing) ? (
        // Where the error summary of a refused sending points to.
        <p id={`${counselForms.invite}-send`}>
          {t(c.registeredAt ? "counsel.inviteRegistered" : "counsel.inviteNotInGoodStanding")}
        </p>
      ) : null}

      <h3>{t("counsel.codesTitle")}</h3>
      {opened.codes.length === 0 ? (
        <p>{t("counsel.codesNone")}</p>
      ) : (
        <table id="access-codes">
          <caption>{t("counsel.codesCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("counsel.colIssued")}</th>
              <th scope="col">{t("counsel.colSentTo")}</th>
              <th scope="col">{t("counsel.colExpires")}</th>
              <th scope="col">{t("counsel.colAttempts")}</th>
              <th scope="col">{t("counsel.colCodeState")}</th>
            </tr>
          </thead>
          <tbody>
            {opened.codes.map((code) => (
              <tr key={code.id}>
                <td>
                  {when(code.issuedAt)} — {by(code.issuedBy)}
                </td>
                <td>{code.mobile}</td>
                <td>{when(code.expiresAt)}</td>
                <td>{t("counsel.attempts", { count: code.failedAttempts, max: MAX_CODE_ATTEMPTS })}</td>
                <td>
                  {code.usedAt
                    ? t("counsel.codeUsed", { at: when(code.usedAt) })
                    : code.replacedAt
                      ? t("counsel.codeReplaced", { at: when(code.replacedAt) })
                      : code.failedAttempts >= MAX_CODE_ATTEMPTS
                        ? t("counsel.codeExhausted")
                        : code.expiresAt.getTime() <= opened.now.getTime()
                          ? t("counsel.codeExpired")
                          : t("counsel.codeValid")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t("counsel.locksTitle")}</h3>
      <ErrorSummary t={t} state={state} form={counselForms.unlock} />
      {c.lock && mayKeep ? (
        <div class="notice notice-warning">
          <p>{t("counsel.unlockIntro")}</p>
          <form method="post" action={`${base}/unlock`} noValidate>
            <CsrfField token={ctx.csrfToken} />
            <TextField
              t={t}
              state={state}
              required
              form={counselForms.unlock}
              name="lockCode"
              label={t("counsel.lockCode")}
              hint={t("counsel.lockCodeHint")}
            />
            <button type="submit">{t("counsel.unlock")}</button>
          </form>
        </div>
      ) : null}
      {opened.locks.length === 0 ? (
        <p>{t("counsel.locksNone")}</p>
      ) : (
        <table id="locks">
          <thead>
            <tr>
              <th scope="col">{t("counsel.colLocked")}</th>
              <th scope="col">{t("counsel.colReason")}</th>
              <th scope="col">{t("counsel.colUnlocked")}</th>
            </tr>
          </thead>
          <tbody>
            {opened.locks.map((l) => (
              <tr key={l.id}>
                <td>{when(l.lockedAt)}</td>
                <td>{t(`counsel.lockReason.${l.reason}` as MessageKey)}</td>
                <td>
                  {l.unlockedAt
                    ? t("counsel.unlockedBy", { at: when(l.unlockedAt), name: by(l.unlockedBy) })
                    : t("counsel.stillLocked")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t("counsel.identitiesTitle")}</h3>
      <ErrorSummary t={t} state={state} form={counselForms.reset} />
      {c.accountId && mayKeep ? (
        <form method="post" action={`${base}/reset`} noValidate>
          <CsrfField token={ctx.csrfToken} />
          <p id="reset-intro">{t("counsel.resetIntro")}</p>
          <div class="field">
            <input
              type="checkbox"
              id={`${counselForms.reset}-identityConfirmed`}
              name="identityConfirmed"
              value="yes"
              required
              aria-describedby="reset-intro"
            />{" "}
            <label for={`${counselForms.reset}-identityConfirmed`}>{t("counsel.identityConfirmed")}</label>
          </div>
          <button type="submit">{t("counsel.reset")}</button>
        </form>
      ) : null}
      {opened.accounts.length === 0 ? (
        <p>{t("counsel.identitiesNone")}</p>
      ) : (
        <table id="identities">
          <caption>{t("counsel.identitiesCaption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("counsel.colIdentityRegistered")}</th>
              <th scope="col">{t("counsel.colReset")}</th>
            </tr>
          </thead>
          <tbody>
            {opened.accounts.map((a) => (
              <tr key={a.id}>
                <td>{when(a.registeredAt)}</td>
                <td>
                  {a.resetAt
                    ? t("counsel.resetBy", { at: when(a.resetAt), name: by(a.resetBy) })
                    : t("counsel.identityLive")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------
// The forms queue (P-8)

/** "Overdue", or how many hours are left of the 48. */
function DueTag(props: { t: Translate; dueAt: Date; now: Date }) {
  const { t } = props;
  const left = props.dueAt.getTime() - props.now.getTime();
  if (left <= 0) return <span class="tag tag-overdue">{t("portalForms.overdue")}</span>;
  const hours = Math.ceil(left / 3_600_000);
  return (
    <span class="tag">{hours <= 1 ? t("portalForms.dueWithinHour") : t("portalForms.dueIn", { hours })}</span>
  );
}

export function FormsQueuePage(props: {
  ctx: PageContext;
  forms: readonly FormInQueue[];
  now: Date;
  zoneOf: (f: FormInQueue) => string;
  processed: boolean;
}) {
  const { ctx, forms, now } = props;
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t("portalForms.title")}>
      <h1>{t("portalForms.title")}</h1>
      {props.processed ? (
        <div class="notice notice-success" role="status">
          <p>{t("portalForms.processed")}</p>
        </div>
      ) : null}
      <p>{t("portalForms.intro")}</p>
      {forms.length === 0 ? (
        <p>{t("portalForms.none")}</p>
      ) : (
        <table id="portal-forms">
          <caption>{t("portalForms.caption", { count: forms.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("portalForms.colKind")}</th>
              <th scope="col">{t("portalForms.colCounsel")}</th>
              <th scope="col">{t("portalForms.colCase")}</th>
              <th scope="col">{t("portalForms.colSubmitted")}</th>
              <th scope="col">{t("portalForms.colDue")}</th>
            </tr>
          </thead>
          <tbody>
            {forms.map((f) => {
              const zone = props.zoneOf(f);
              return (
                <tr key={f.id} data-overdue={f.dueAt.getTime() <= now.getTime() ? "true" : "false"}>
                  <td>
                    <a href={`/agent/portal-forms/${f.id}`}>
                      {t(`portalForms.kind.${f.kind}` as MessageKey)}
                    </a>
                    <br />
                    <span class="hint">{f.confirmationNumber}</span>
                  </td>
                  <td>
                    <a href={`/agent/counsel/${f.counselId}`}>{f.counselName}</a>
                  </td>
                  <td>{f.caseNumber ? <a href={`/agent/files/${f.caseNumber}`}>{f.caseNumber}</a> : "—"}</td>
                  <td>
                    {formatInstant(lang, f.submittedAt, zone)} <span class="hint">({zone})</span>
                  </td>
                  <td>
                    {formatInstant(lang, f.dueAt, zone)} <DueTag t={t} dueAt={f.dueAt} now={now} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

const counselContactFields = ["email", "mobile", "phone", "postalAddress"] as const;
const clientContactFields = ["email", "phone", "postalAddress"] as const;

export function PortalFormPage(props: {
  ctx: PageContext;
  form: FormInQueue;
  /** Counsel's contact details on record now: the "before" of a counsel-contact form. */
  current: CounselContacts | undefined;
  zone: string;
  now: Date;
  decidedBy: string | undefined;
  state: FormState | undefined;
}) {
  const { ctx, form: f, state, zone } = props;
  const { t, lang } = ctx;
  const when = (d: Date) => formatInstant(lang, d, zone);
  const title = t(`portalForms.kind.${f.kind}` as MessageKey);
  const name = counselForms.process;
  return (
    <Layout ctx={ctx} title={`${title} ${f.confirmationNumber}`}>
      <p>
        <a href="/agent/portal-forms">{t("portalForms.back")}</a>
      </p>
      <h1>
        {title} <span class="hint">{f.confirmationNumber}</span>
      </h1>
      <dl class="summary">
        <dt>{t("portalForms.colCounsel")}</dt>
        <dd>
          <a href={`/agent/counsel/${f.counselId}`}>{f.counselName}</a>
          {f.delegateId ? ` ${t("portalForms.byDelegate")}` : ""}
        </dd>
        {f.caseNumber ? (
          <>
            <dt>{t("portalForms.colCase")}</dt>
            <dd>
              <a href={`/agent/files/${f.caseNumber}`}>{f.caseNumber}</a>
            </dd>
          </>
        ) : null}
        <dt>{t("portalForms.colSubmitted")}</dt>
        <dd>
          {when(f.submittedAt)} ({zone})
        </dd>
        <dt>{t("portalForms.colDue")}</dt>
        <dd>
          {when(f.dueAt)} {f.decision ? null : <DueTag t={t} dueAt={f.dueAt} now={props.now} />}
        </dd>
      </dl>

      <section aria-labelledby="payload-heading">
        <h2 id="payload-heading">{t("portalForms.payloadTitle")}</h2>
        {f.kind === "counsel-contact" ? (
          <table id="form-payload">
            <thead>
              <tr>
                <th scope="col">{t("portalForms.colField")}</th>
                <th scope="col">{t("portalForms.colOnRecord")}</th>
                <th scope="col">{t("portalForms.colRequested")}</th>
              </tr>
            </thead>
            <tbody>
              {counselContactFields.map((k) => {
                const before = props.current?.[k] ?? "";
                const after = f.payload[k] ?? "";
                return (
                  <tr key={k}>
                    <th scope="row">{t(`counsel.${k}` as MessageKey)}</th>
                    <td class="pre-line">{before || "—"}</td>
                    <td class="pre-line">
                      {after || "—"}
                      {before !== after ? (
                        <>
                          {" "}
                          <span class="tag">{t("portalForms.changed")}</span>
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <dl class="summary" id="form-payload">
            {clientContactFields.map((k) => (
              <>
                <dt key={`${k}-dt`}>{t(`counsel.${k}` as MessageKey)}</dt>
                <dd key={`${k}-dd`} class="pre-line">
                  {f.payload[k] || "—"}
                </dd>
              </>
            ))}
          </dl>
        )}
        {f.kind === "client-contact" ? <p class="hint">{t("portalForms.clientContactHint")}</p> : null}
      </section>

      <ErrorSummary t={t} state={state} form={name} />
      {f.decision ? (
        <section aria-labelledby="decision-heading" id="form-decision">
          <h2 id="decision-heading">{t("portalForms.decisionTitle")}</h2>
          <dl class="summary">
            <dt>{t("portalForms.outcome")}</dt>
            <dd id={`${name}-outcome`}>{t(`portalForms.outcome.${f.decision.outcome}` as MessageKey)}</dd>
            {f.decision.reason ? (
              <>
                <dt>{t("portalForms.reason")}</dt>
                <dd class="pre-line">{f.decision.reason}</dd>
              </>
            ) : null}
            <dt>{t("portalForms.decidedAt")}</dt>
            <dd>
              {when(f.decision.decidedAt)} — {props.decidedBy ?? t("counsel.staff")}
            </dd>
          </dl>
        </section>
      ) : (
        <section aria-labelledby="process-heading">
          <h2 id="process-heading">{t("portalForms.processTitle")}</h2>
          <p>{t(`portalForms.processIntro.${f.kind}` as MessageKey)}</p>
          <form method="post" action={`/agent/portal-forms/${f.id}`} noValidate>
            <CsrfField token={ctx.csrfToken} />
            <SelectField
              t={t}
              state={state}
              required
              form={name}
              name="outcome"
              label={t("portalForms.outcome")}
              options={[
                { value: "applied", label: t("portalForms.outcome.applied") },
                { value: "rejected", label: t("portalForms.outcome.rejected") },
              ]}
            />
            <TextField
              t={t}
              state={state}
              form={name}
              name="reason"
              label={t("portalForms.reason")}
              hint={t("portalForms.reasonHint")}
              multiline
            />
            <button type="submit">{t("portalForms.submit")}</button>
          </form>
        </section>
      )}
    </Layout>
  );
}
