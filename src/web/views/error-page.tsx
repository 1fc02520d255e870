import type { ErrorCode } from "../../errors.ts";
import { errorKey } from "../../i18n/index.ts";
import { Layout, type PageContext } from "./layout.tsx";

export function ErrorPage(props: { ctx: PageContext; code: ErrorCode }) {
  const { t } = props.ctx;
  return (
    <Layout ctx={props.ctx} title={t("error.title")}>
      <h1>{t("error.title")}</h1>
      <p>{t(errorKey(props.code))}</p>
      <p>
        <a href="/agent">{t("error.backHome")}</a>
      </p>
    </Layout>
  );
}
