import { applicationStatuses } from "../../../db/schema/files.ts";
import type { findFiles } from "../../../files/service.ts";
import { searchPageSize } from "../../../files/service.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { ErrorSummary, Field, type FormState, submittedValue } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

type Offices = { code: string; nameEn: string; nameFr: string }[];
type Result = Awaited<ReturnType<typeof findFiles>>;

export function SearchPage(props: {
  ctx: PageContext;
  offices: Offices;
  query: Record<string, string>;
  result: Result | undefined;
  state: FormState | undefined;
  /** C-21: the person just moved a file out of their offices. */
  transferred?: boolean;
}) {
  const { ctx, offices, result, state } = props;
  const { t, lang } = ctx;
  const form = "search";
  const v = (name: string) => submittedValue(state, form, name, props.query[name] ?? "");
  const officeName = (code: string) => {
    const o = offices.find((x) => x.code === code);
    return o ? (lang === "fr" ? o.nameFr : o.nameEn) : code;
  };
  const pages = result ? Math.max(1, Math.ceil(result.total / searchPageSize)) : 1;
  const pageHref = (page: number) => {
    const q = new URLSearchParams({ ...props.query, page: String(page) });
    return `/agent?${q.toString()}`;
  };
  return (
    <Layout ctx={ctx} title={t("search.title")}>
      <h1>{t("search.title")}</h1>
      {props.transferred ? (
        <div class="notice notice-success" role="status">
          <p>{t("transfer.done")}</p>
        </div>
      ) : null}
      <ErrorSummary t={t} state={state} form={form} />
      <search>
        <form method="get" action="/agent">
          <div class="search-grid">
            <Field
              t={t}
              form={form}
              name="number"
              label={t("search.number")}
              hint={t("search.numberHint")}
              state={state}
            >
              {(a) => <input type="text" {...a} value={v("number")} autoComplete="off" spellcheck={false} />}
            </Field>
            <Field t={t} form={form} name="name" label={t("search.name")} state={state}>
              {(a) => <input type="text" {...a} value={v("name")} autoComplete="off" />}
            </Field>
            <Field
              t={t}
              form={form}
              name="email"
              label={t("search.email")}
              hint={t("search.emailHint")}
              state={state}
            >
              {(a) => <input type="text" {...a} value={v("email")} autoComplete="off" spellcheck={false} />}
            </Field>
            <Field t={t} form={form} name="status" label={t("search.status")} state={state}>
              {(a) => (
                <select {...a}>
                  <option value="">{t("search.anyStatus")}</option>
                  {applicationStatuses.map((s) => (
                    <option key={s} value={s} selected={v("status") === s}>
                      {t(`status.${s}` as MessageKey)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Field t={t} form={form} name="office" label={t("search.office")} state={state}>
              {(a) => (
                <select {...a}>
                  <option value="">{t("search.anyOffice")}</option>
                  {offices.map((o) => (
                    <option key={o.code} value={o.code} selected={v("office").toUpperCase() === o.code}>
                      {officeName(o.code)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <button type="submit">{t("search.submit")}</button>
        </form>
      </search>
      {result ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading">{t("search.results", { total: result.total })}</h2>
          {result.hits.length === 0 ? (
            <p>{t("search.noResults")}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("search.colNumber")}</th>
                  <th scope="col">{t("search.colApplicant")}</th>
                  <th scope="col">{t("search.colLine")}</th>
                  <th scope="col">{t("search.colStatus")}</th>
                  <th scope="col">{t("search.colOffice")}</th>
                </tr>
              </thead>
              <tbody>
                {result.hits.map((h) => (
                  <tr key={h.id}>
                    <td>
                      <a href={`/agent/files/${h.number}`}>{h.number}</a>
                    </td>
                    <td>{h.applicantName}</td>
                    <td>{t(`line.${h.lineOfBusiness}` as MessageKey)}</td>
                    <td>{t(`status.${h.status}` as MessageKey)}</td>
                    <td>{officeName(h.officeCode)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {pages > 1 ? (
            <nav class="pagination" aria-label={t("search.pageOf", { page: result.page, pages })}>
              {result.page > 1 ? <a href={pageHref(result.page - 1)}>{t("search.previous")}</a> : null}
              <span>{t("search.pageOf", { page: result.page, pages })}</span>
              {result.page < pages ? <a href={pageHref(result.page + 1)}>{t("search.next")}</a> : null}
            </nav>
          ) : null}
        </section>
      ) : null}
    </Layout>
  );
}

export function HomePage(props: { ctx: PageContext; signedOut: boolean }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("home.title")}>
      <h1>{t("home.title")}</h1>
      {props.signedOut ? (
        <div class="notice notice-success" role="status">
          <p>{t("auth.signedOut")}</p>
        </div>
      ) : null}
      <p>{t("home.intro")}</p>
      <p>
        <a class="button" href="/auth/sign-in?next=%2Fagent">
          {t("layout.signIn")}
        </a>
      </p>
    </Layout>
  );
}
