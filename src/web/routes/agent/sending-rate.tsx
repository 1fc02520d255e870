import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { staffNames } from "../../../auth/store.ts";
import {
  maxOfficePerMinute,
  officeSendingRate,
  type SendingRateData,
  setOfficeSendingRate,
} from "../../../batches/sending-rate.ts";
import { AppError } from "../../../errors.ts";
import type { Deps } from "../../../files/service.ts";
import { formatInstant } from "../../../i18n/index.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { CsrfField, Field, type FormState, submittedValue } from "../../views/forms.tsx";
import type { PageContext } from "../../views/layout.tsx";
import { OfficeSettingsPage, sendingRatePath } from "./office-settings.tsx";

// C-20 administered: an office's sending rate (letters a minute), set by its administrator, with the
// agency's limits per destination domain beside it and the changes made so far.

const rateForm = "rate";

function SendingRatePage(props: {
  ctx: PageContext;
  data: SendingRateData;
  names: ReadonlyMap<string, string>;
  state: FormState | undefined;
  saved: boolean;
}) {
  const { ctx, data, state } = props;
  const { t, lang } = ctx;
  const { office } = data;
  const name = lang === "fr" ? office.nameFr : office.nameEn;
  const title = t("admin.rate.title", { office: name });
  const count = (n: number) => n.toLocaleString(lang === "fr" ? "fr-CA" : "en-CA");
  const rate = (n: number | null) => (n === null ? "—" : t("admin.rate.perMinute", { count: count(n) }));
  return (
    <OfficeSettingsPage
      ctx={ctx}
      title={title}
      done={props.saved ? t("admin.rate.saved") : undefined}
      state={state}
      form={rateForm}
    >
      <p>{t("admin.rate.intro")}</p>
      <dl class="summary" id="sending-rate">
        <dt>{t("admin.rate.inForce")}</dt>
        <dd>
          {rate(data.perMinute)} {data.ownRate ? null : <span class="hint">{t("admin.rate.isDefault")}</span>}
        </dd>
        <dt>{t("admin.rate.agencyDefault")}</dt>
        <dd>{rate(data.defaultPerMinute)}</dd>
      </dl>
      <form method="post" action={sendingRatePath(office.code)} noValidate>
        <CsrfField token={ctx.csrfToken} />
        <Field
          t={t}
          form={rateForm}
          state={state}
          name="perMinute"
          label={t("admin.rate.newRate")}
          hint={t("admin.rate.newRateHint", { max: count(maxOfficePerMinute) })}
          required
        >
          {(a) => (
            <input
              type="number"
              {...a}
              inputMode="numeric"
              min={1}
              max={maxOfficePerMinute}
              step={1}
              value={submittedValue(state, rateForm, "perMinute", String(data.perMinute))}
            />
          )}
        </Field>
        <button type="submit">{t("admin.rate.save")}</button>
      </form>

      <h2>{t("admin.rate.domainsTitle")}</h2>
      <p>{t("admin.rate.domainsIntro")}</p>
      <table id="domain-rates">
        <thead>
          <tr>
            <th scope="col">{t("admin.rate.colDomain")}</th>
            <th scope="col">{t("admin.rate.colRate")}</th>
          </tr>
        </thead>
        <tbody>
          {data.domains.map((d) => (
            <tr key={d.key}>
              <th scope="row">{d.key === "*" ? t("admin.rate.anyDomain") : d.key}</th>
              <td>{rate(d.perMinute)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t("admin.rate.changesTitle")}</h2>
      {data.changes.length === 0 ? (
        <p>{t("admin.rate.noChanges")}</p>
      ) : (
        <table id="rate-changes">
          <thead>
            <tr>
              <th scope="col">{t("admin.rate.colWhen")}</th>
              <th scope="col">{t("admin.rate.colBy")}</th>
              <th scope="col">{t("admin.rate.colFrom")}</th>
              <th scope="col">{t("admin.rate.colTo")}</th>
            </tr>
          </thead>
          <tbody>
            {data.changes.map((c) => (
              <tr key={c.at.toISOString()}>
                <td>{formatInstant(lang, c.at, office.timeZone)}</td>
                <td>{props.names.get(c.by) ?? "—"}</td>
                <td>{rate(c.from)}</td>
                <td>{rate(c.to)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </OfficeSettingsPage>
  );
}

type OfficeParams = { Params: { code: string } };

export function registerSendingRateRoutes(app: FastifyInstance, deps: AppDeps): void {
  const services: Deps = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;

  async function page(
    req: FastifyRequest<OfficeParams>,
    reply: FastifyReply,
    opts: { state?: FormState; status?: number; saved?: boolean } = {},
  ) {
    const staff = requireStaff(req);
    const data = await officeSendingRate(services, staff, req.params.code);
    const names = await staffNames(
      services.db,
      data.changes.map((c) => c.by),
    );
    return sendPage(
      reply,
      SendingRatePage({
        ctx: pageContext(req, reply, devTools, sendingRatePath(data.office.code)),
        data,
        names,
        state: opts.state,
        saved: opts.saved === true,
      }),
      opts.status ?? 200,
    );
  }

  app.get<OfficeParams & { Querystring: { saved?: string } }>(
    "/agent/offices/:code/sending-rate",
    (req, reply) => page(req, reply, { saved: req.query.saved === "1" }),
  );

  app.post<OfficeParams>("/agent/offices/:code/sending-rate", async (req, reply) => {
    const staff = requireStaff(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await setOfficeSendingRate(services, staff, req.params.code, body);
    } catch (e) {
      if (!(e instanceof AppError) || e.problems.length === 0) throw e;
      const values = { perMinute: typeof body.perMinute === "string" ? body.perMinute : "" };
      return page(req, reply, { state: { form: rateForm, problems: e.problems, values }, status: e.status });
    }
    return reply.redirect(`${sendingRatePath(req.params.code.toUpperCase())}?saved=1`, 303);
  });
}
