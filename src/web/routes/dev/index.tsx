import type { FastifyInstance } from "fastify";
import { recordAudit } from "../../../audit/record.ts";
import { writeSetting } from "../../../db/settings.ts";
import { AppError } from "../../../errors.ts";
import type { AppDeps, Urls } from "../../app.ts";
import { pageContext, sendPage } from "../../context.ts";
import { CsrfField } from "../../views/forms.tsx";
import { Layout } from "../../views/layout.tsx";
import { registerDevMail } from "./mail.tsx";
import { registerDevOidc } from "./oidc.tsx";
import { registerDevPortalOidc } from "./portal-oidc.tsx";
import { registerDevSms } from "./sms.tsx";

export const devClockSetting = "dev-clock-offset-ms";
const units = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 } as const;

/** Development tools: only registered on the embedded default (no external identity provider). */
export async function registerDevRoutes(app: FastifyInstance, deps: AppDeps & { urls: Urls }): Promise<void> {
  await registerDevOidc(app, deps);
  await registerDevPortalOidc(app, deps);
  registerDevSms(app, deps);
  if (deps.devSink) registerDevMail(app, deps.devSink);
  const db = deps.database.db;

  app.get("/dev", async (req, reply) => {
    const ctx = pageContext(req, reply, true);
    const { t } = ctx;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t("dev.title")}>
        <h1>{t("dev.title")}</h1>
        <p>{t("dev.intro")}</p>
        <ul>
          <li>
            <a href="/dev/clock">{t("dev.clock")}</a>
          </li>
          {deps.devSink ? (
            <li>
              <a href="/dev/mail">{t("dev.mail")}</a>
            </li>
          ) : null}
          <li>
            <a href="/dev/sms">{t("devSms.title")}</a>
          </li>
          <li>
            <a href="/dev/oidc/.well-known/openid-configuration">OpenID Provider</a>
          </li>
          <li>
            <a href="/dev/portal-oidc/.well-known/openid-configuration">{t("devPortal.signInTitle")}</a>
          </li>
        </ul>
      </Layout>,
    );
  });

  app.get("/dev/clock", async (req, reply) => {
    const ctx = pageContext(req, reply, true);
    const { t } = ctx;
    const clock = deps.devClock;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t("dev.clock")}>
        <h1>{t("dev.clock")}</h1>
        <p id="clock-now">{t("dev.clockNow", { at: deps.clock.now().toISOString() })}</p>
        <p>{t("dev.clockOffset", { hours: ((clock?.offsetMs ?? 0) / 3_600_000).toFixed(2) })}</p>
        <h2>{t("dev.clockAdvance")}</h2>
        <form method="post" action="/dev/clock">
          <CsrfField token={ctx.csrfToken} />
          <div class="field">
            <label for="clock-amount">{t("dev.clockAmount")}</label>
            <input type="number" id="clock-amount" name="amount" min="1" max="100000" required value="1" />
          </div>
          <div class="field">
            <label for="clock-unit">{t("dev.clockUnit")}</label>
            <select id="clock-unit" name="unit">
              <option value="minutes">{t("dev.unit.minutes")}</option>
              <option value="hours">{t("dev.unit.hours")}</option>
              <option value="days" selected>
                {t("dev.unit.days")}
              </option>
            </select>
          </div>
          <button type="submit">{t("dev.clockSubmit")}</button>
        </form>
      </Layout>,
    );
  });

  app.post<{ Body: { amount?: string; unit?: string } }>("/dev/clock", async (req, reply) => {
    const clock = deps.devClock;
    if (!clock) throw new AppError("NOT_FOUND");
    const amount = Number(req.body?.amount);
    const unit = req.body?.unit as keyof typeof units | undefined;
    if (!Number.isInteger(amount) || amount < 1 || amount > 100_000 || !unit || !(unit in units)) {
      throw new AppError("INVALID_CHOICE", [{ field: "amount", code: "INVALID_CHOICE" }]);
    }
    const before = clock.now();
    clock.advance(amount * units[unit]);
    await db.transaction(async (tx) => {
      await writeSetting(tx, devClockSetting, clock.offsetMs);
      await recordAudit(
        tx,
        { kind: "staff", staffId: req.staff?.staffId ?? "anonymous", ip: req.ip },
        before,
        {
          action: "dev-clock.advanced",
          subjectType: "clock",
          subjectId: "dev",
          details: { ms: amount * units[unit], offsetMs: clock.offsetMs },
        },
      );
    });
    return reply.redirect("/dev/clock");
  });
}
