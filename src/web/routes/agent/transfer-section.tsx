import { transferKinds } from "../../../db/schema/transfers.ts";
import type { FileView } from "../../../files/service.ts";
import type { Office } from "../../../files/store.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { formatInstant } from "../../../i18n/index.ts";
import type { TransferRow } from "../../../transfers/service.ts";
import { CsrfField, ErrorSummary, type FormState, SelectField } from "../../views/forms.tsx";
import type { PageContext } from "../../views/layout.tsx";

/** C-21 on the file page: where the file has been, and (for those who record) the form that moves it. */
export function TransferSection(props: {
  ctx: PageContext;
  view: FileView;
  state: FormState | undefined;
  transfers: TransferRow[];
  destinations: Office[];
  offices: Office[];
}) {
  const { ctx, view, state } = props;
  const { t, lang } = ctx;
  const name = (code: string) => {
    const o = props.offices.find((x) => x.code === code);
    return o ? (lang === "fr" ? o.nameFr : o.nameEn) : code;
  };
  return (
    <section aria-labelledby="transfers-heading">
      <h2 id="transfers-heading">{t("transfer.title")}</h2>
      {props.transfers.length === 0 ? (
        <p>{t("transfer.none")}</p>
      ) : (
        <table id="transfer-history">
          <thead>
            <tr>
              <th scope="col">{t("transfer.colAt")}</th>
              <th scope="col">{t("transfer.colFrom")}</th>
              <th scope="col">{t("transfer.colTo")}</th>
              <th scope="col">{t("transfer.colKind")}</th>
              <th scope="col">{t("transfer.colNotice")}</th>
            </tr>
          </thead>
          <tbody>
            {props.transfers.map((r) => (
              <tr key={r.seq}>
                <td>{formatInstant(lang, r.at, view.office.timeZone)}</td>
                <td>{name(r.fromOffice)}</td>
                <td>{name(r.toOffice)}</td>
                <td>{t(`transfer.kind.${r.kind}` as MessageKey)}</td>
                <td>
                  {r.noticeId ? (
                    <a href={`/agent/letters/${r.noticeId}`}>{t("transfer.noticeLink")}</a>
                  ) : (
                    t("transfer.noNotice")
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {view.canRecord ? (
        <details open={state?.form === "transfer"}>
          <summary>{t("transfer.move")}</summary>
          <ErrorSummary t={t} state={state} form="transfer" />
          <form method="post" action={`/agent/files/${view.application.number}/transfers`} noValidate>
            <CsrfField token={ctx.csrfToken} />
            <SelectField
              t={t}
              state={state}
              required
              form="transfer"
              name="toOffice"
              label={t("transfer.toOffice")}
              options={props.destinations.map((o) => ({ value: o.code, label: name(o.code) }))}
            />
            <SelectField
              t={t}
              state={state}
              required
              form="transfer"
              name="kind"
              label={t("transfer.kindLabel")}
              hint={t("transfer.kindHint")}
              options={transferKinds.map((k) => ({ value: k, label: t(`transfer.kind.${k}` as MessageKey) }))}
            />
            <button type="submit">{t("transfer.submit")}</button>
          </form>
        </details>
      ) : null}
    </section>
  );
}
