import type { ComponentChildren } from "preact";
import { ErrorSummary, type FormState } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

// The frame of the office settings pages (SPEC section 1, the office admin): the way back to the list of
// offices, the title, what the last form did, and the problems of a refused one.

export const officePath = (code: string) => `/agent/offices/${encodeURIComponent(code)}`;
export const sendingRatePath = (code: string) => `${officePath(code)}/sending-rate`;

export function OfficeSettingsPage(props: {
  ctx: PageContext;
  title: string;
  /** What the form just did, said once after its redirect. */
  done?: string | undefined;
  /** A refused form of the page, and its name (field ids are `<form>-<field>`). */
  state?: FormState | undefined;
  form?: string;
  children: ComponentChildren;
}) {
  const { ctx, title } = props;
  const { t } = ctx;
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href="/agent/offices">{t("admin.offices.back")}</a>
      </p>
      <h1>{title}</h1>
      {props.done ? (
        <div class="notice notice-success" role="status">
          <p>{props.done}</p>
        </div>
      ) : null}
      {props.form ? <ErrorSummary t={t} state={props.state} form={props.form} /> : null}
      {props.children}
    </Layout>
  );
}
