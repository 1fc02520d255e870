import type { FastifyInstance } from "fastify";
import { formatInstant } from "../../../i18n/index.ts";
import { listDevOutbox } from "../../../portal/sms.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, sendPage } from "../../context.ts";
import { Layout } from "../../views/layout.tsx";

/** /dev/sms: the text messages the development outbox kept (P-2), where a developer reads access codes. */
export function registerDevSms(app: FastifyInstance, deps: AppDeps): void {
  app.get("/dev/sms", async (req, reply) => {
    const ctx = pageContext(req, reply, true);
    const { t, lang } = ctx;
    const messages = await listDevOutbox(deps.database.db, 50);
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t("devSms.title")}>
        <h1>{t("devSms.title")}</h1>
        <p>{t("devSms.intro")}</p>
        {messages.length === 0 ? (
          <p>{t("devSms.empty")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("devSms.sentAt")}</th>
                <th scope="col">{t("devSms.to")}</th>
                <th scope="col">{t("devSms.text")}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m) => (
                <tr key={m.id}>
                  <td>{formatInstant(lang, m.sentAt, "America/Toronto")}</td>
                  <td>{m.to}</td>
                  <td>{m.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });
}
