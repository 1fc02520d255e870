import type { DelegationWithState } from "../../../delegation/service.ts";
import { formatInstant } from "../../../i18n/index.ts";
import { tribunalTimeZone } from "../../../portal/rules.ts";
import { CsrfField, ErrorSummary, Field, type FormState, submittedValue } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

// Delegation's pages (SPEC D-1..D-6): counsel's delegates (in My profile, as the seed has it), the
// invitation form, a delegate's activity; the delegate's registration and their list of counsel.

const at = (ctx: PageContext, d: Date) => formatInstant(ctx.lang, d, tribunalTimeZone);

/** What a delegation's state says to counsel, with its next date. */
export function StateText(props: { ctx: PageContext; d: DelegationWithState }) {
  const { t } = props.ctx;
  const s = props.d.state;
  switch (s.kind) {
    case "invited":
      return <>{t("delegation.state.invited", { at: at(props.ctx, s.lapsesAt) })}</>;
    case "active":
      return (
        <>
          {t(s.reminded ? "delegation.state.renewalDue" : "delegation.state.active", {
            at: at(props.ctx, s.blockedAt),
          })}
        </>
      );
    case "blocked":
      return <strong>{t("delegation.state.blocked", { at: at(props.ctx, s.goneAt) })}</strong>;
    case "gone":
      return <>{t("delegation.state.gone")}</>;
  }
}

export function DelegatesSection(props: {
  ctx: PageContext;
  delegates: DelegationWithState[];
  seatsLeft: number;
}) {
  const { t } = props.ctx;
  return (
    <section aria-labelledby="delegates">
      <h2 id="delegates">{t("delegation.title")}</h2>
      <p>{t("delegation.intro")}</p>
      {props.delegates.length === 0 ? (
        <p>{t("delegation.none")}</p>
      ) : (
        <table>
          <caption>{t("delegation.caption", { count: props.delegates.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("delegation.name")}</th>
              <th scope="col">{t("delegation.stateCol")}</th>
              <th scope="col">{t("delegation.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {props.delegates.map((d) => (
              <tr key={d.id}>
                <th scope="row">
                  <a href={`/portal/delegates/${d.id}`}>{d.name}</a>
                  <br />
                  <small>{d.email}</small>
                </th>
                <td>
                  <StateText ctx={props.ctx} d={d} />
                </td>
                <td>
                  {d.state.kind === "active" || d.state.kind === "blocked" ? (
                    <form method="post" action={`/portal/delegates/${d.id}/renew`} class="inline-form">
                      <CsrfField token={props.ctx.csrfToken} />
                      <button type="submit" aria-label={t("delegation.renewName", { name: d.name })}>
                        {t("delegation.renew")}
                      </button>
                    </form>
                  ) : null}{" "}
                  <form method="post" action={`/portal/delegates/${d.id}/end`} class="inline-form">
                    <CsrfField token={props.ctx.csrfToken} />
                    <button
                      type="submit"
                      class="secondary"
                      aria-label={t("delegation.endName", { name: d.name })}
                    >
                      {t("delegation.end")}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.seatsLeft > 0 ? (
        <p>
          <a href="/portal/delegates/new">{t("delegation.add")}</a>{" "}
          {t("delegation.seatsLeft", { count: props.seatsLeft })}
        </p>
      ) : (
        <p>{t("error.DELEGATE_LIMIT_REACHED")}</p>
      )}
    </section>
  );
}

export function InviteDelegatePage(props: {
  ctx: PageContext;
  state: FormState | undefined;
  questions: number;
}) {
  const { t } = props.ctx;
  const form = "invite";
  const { state } = props;
  const v = (name: string) => submittedValue(state, form, name);
  return (
    <Layout ctx={props.ctx} title={t("delegation.inviteTitle")}>
      <h1>{t("delegation.inviteTitle")}</h1>
      <p>{t("delegation.inviteIntro")}</p>
      <ErrorSummary t={t} state={state} form={form} />
      <form method="post" action="/portal/delegates" novalidate>
        <CsrfField token={props.ctx.csrfToken} />
        <Field t={t} form={form} name="name" label={t("delegation.name")} state={state} required>
          {(a) => <input {...a} autocomplete="off" value={v("name")} />}
        </Field>
        <Field t={t} form={form} name="email" label={t("portal.contact.email")} state={state} required>
          {(a) => <input type="email" {...a} autocomplete="off" value={v("email")} />}
        </Field>
        {Array.from({ length: props.questions }, (_, i) => (
          <fieldset key={i}>
            <legend>{t("delegation.questionLegend", { n: i + 1 })}</legend>
            <Field
              t={t}
              form={form}
              name={`question${i}`}
              label={t("delegation.question")}
              state={state}
              required
            >
              {(a) => <input {...a} autocomplete="off" value={v(`question${i}`)} />}
            </Field>
            <Field
              t={t}
              form={form}
              name={`answer${i}`}
              label={t("delegation.answer")}
              hint={t("delegation.answerHint")}
              state={state}
              required
            >
              {(a) => <input {...a} autocomplete="off" />}
            </Field>
          </fieldset>
        ))}
        <div class="field">
          <input type="checkbox" id="invite-terms" name="terms" value="accepted" required />{" "}
          <label for="invite-terms">{t("delegation.terms")}</label>
        </div>
        <button type="submit">{t("delegation.invite")}</button>
      </form>
    </Layout>
  );
}

export interface DelegateActivity {
  submissions: { confirmationNumber: string; caseNumber: string; receivedAt: Date; description: string }[];
  reads: { title: string; caseNumber: string; readAt: Date }[];
}

export function DelegatePage(props: {
  ctx: PageContext;
  d: DelegationWithState;
  activity: DelegateActivity;
}) {
  const { t } = props.ctx;
  const { d, activity } = props;
  return (
    <Layout ctx={props.ctx} title={d.name}>
      <h1>{d.name}</h1>
      <dl class="summary">
        <dt>{t("portal.contact.email")}</dt>
        <dd>{d.email}</dd>
        <dt>{t("delegation.stateCol")}</dt>
        <dd>
          <StateText ctx={props.ctx} d={d} />
        </dd>
      </dl>
      <h2>{t("delegation.historyTitle")}</h2>
      <ul>
        {d.events.map((e) => (
          <li key={`${e.kind}-${e.at.getTime()}`}>
            {t(`delegation.event.${e.kind}`)} — {at(props.ctx, e.at)}
          </li>
        ))}
      </ul>
      <h2>{t("delegation.sentTitle")}</h2>
      {activity.submissions.length === 0 ? (
        <p>{t("delegation.sentNone")}</p>
      ) : (
        <ul>
          {activity.submissions.map((s) => (
            <li key={s.confirmationNumber}>
              {t("delegation.sentItem", {
                number: s.confirmationNumber,
                case: s.caseNumber,
                at: at(props.ctx, s.receivedAt),
                what: s.description,
              })}
            </li>
          ))}
        </ul>
      )}
      <h2>{t("delegation.readTitle")}</h2>
      {activity.reads.length === 0 ? (
        <p>{t("delegation.readNone")}</p>
      ) : (
        <ul>
          {activity.reads.map((r) => (
            <li key={`${r.title}-${r.readAt.getTime()}`}>
              {t("delegation.readItem", { title: r.title, case: r.caseNumber, at: at(props.ctx, r.readAt) })}
            </li>
          ))}
        </ul>
      )}
      <p>
        <a href="/portal/profile#delegates">{t("delegation.back")}</a>
      </p>
    </Layout>
  );
}

export function DelegateRegistrationPage(props: {
  ctx: PageContext;
  state: FormState | undefined;
  invitation: { code: string; counselName: string; questions: string[] } | undefined;
}) {
  const { t } = props.ctx;
  const { state, invitation } = props;
  return (
    <Layout ctx={props.ctx} title={t("delegation.registerTitle")}>
      <h1>{t("delegation.registerTitle")}</h1>
      {invitation ? (
        <>
          <p>{t("delegation.registerQuestions", { counsel: invitation.counselName })}</p>
          <ErrorSummary t={t} state={state} form="accept" />
          <form method="post" action="/portal/delegate/accept" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <input type="hidden" name="invitationCode" value={invitation.code} />
            {invitation.questions.map((q, i) => (
              <Field key={q} t={t} form="accept" name={`answer${i}`} label={q} state={state} required>
                {(a) => <input {...a} autocomplete="off" />}
              </Field>
            ))}
            <button type="submit">{t("delegation.accept")}</button>
          </form>
        </>
      ) : (
        <>
          <p>{t("delegation.registerIntro")}</p>
          <ErrorSummary t={t} state={state} form="invitation" />
          <form method="post" action="/portal/delegate/questions" novalidate>
            <CsrfField token={props.ctx.csrfToken} />
            <Field
              t={t}
              form="invitation"
              name="invitationCode"
              label={t("delegation.invitationCode")}
              hint={t("delegation.invitationCodeHint")}
              state={state}
              required
            >
              {(a) => (
                <input
                  {...a}
                  autocomplete="off"
                  value={submittedValue(state, "invitation", "invitationCode")}
                />
              )}
            </Field>
            <button type="submit">{t("delegation.continue")}</button>
          </form>
        </>
      )}
    </Layout>
  );
}

export function MyCounselPage(props: {
  ctx: PageContext;
  current: string;
  counsel: { counselId: string; name: string; active: boolean }[];
}) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("delegation.myCounsel")}>
      <h1>{t("delegation.myCounsel")}</h1>
      <p>{t("delegation.myCounselIntro")}</p>
      <ul class="staff-list">
        {props.counsel.map((c) => (
          <li key={c.counselId}>
            {c.counselId === props.current ? (
              <strong>{t("delegation.workingFor", { name: c.name })}</strong>
            ) : c.active ? (
              <form method="post" action="/portal/acting-for">
                <CsrfField token={props.ctx.csrfToken} />
                <input type="hidden" name="counselId" value={c.counselId} />
                <button type="submit">{t("delegation.switchTo", { name: c.name })}</button>
              </form>
            ) : (
              <>{t("delegation.notActiveFor", { name: c.name })}</>
            )}
          </li>
        ))}
      </ul>
    </Layout>
  );
}
