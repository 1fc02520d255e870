import type { FastifyInstance } from "fastify";
import { simpleParser } from "mailparser";
import { z } from "zod";
import { AppError } from "../../../errors.ts";
import { formatInstant } from "../../../i18n/index.ts";
import type { DevSink } from "../../../mail/dev-sink.ts";
import { pageContext, sendPage } from "../../context.ts";
import { CsrfField } from "../../views/forms.tsx";
import { Layout } from "../../views/layout.tsx";

const BounceKindSchema = z.enum(["hard", "soft", "relayed"]);

/** /dev/mail: what the development sink received, as a person reads it and as the exact bytes. */
export function registerDevMail(app: FastifyInstance, sink: DevSink): void {
  app.get("/dev/mail", async (req, reply) => {
    const ctx = pageContext(req, reply, true);
    const { t, lang } = ctx;
    const messages = await sink.list();
    const subjects = await Promise.all(
      messages.map(async (m) => {
        const bytes = await sink.read(m.id);
        return bytes ? ((await simpleParser(bytes, { skipHtmlToText: true })).subject ?? "") : "";
      }),
    );
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t("dev.mail")}>
        <h1>{t("dev.mail")}</h1>
        <p>{t("dev.mailIntro", { host: sink.host, port: sink.port })}</p>
        {messages.length === 0 ? (
          <p>{t("dev.mailEmpty")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("dev.mailReceived")}</th>
                <th scope="col">{t("dev.mailTo")}</th>
                <th scope="col">{t("dev.mailSubject")}</th>
                <th scope="col">{t("dev.mailSize")}</th>
              </tr>
            </thead>
            <tbody>
              {messages.map((m, i) => (
                <tr key={m.id}>
                  <td>{formatInstant(lang, m.receivedAt, "UTC")} UTC</td>
                  <td>{m.envelopeTo.join(", ")}</td>
                  <td>
                    <a href={`/dev/mail/${m.id}`}>{subjects[i] || m.id}</a>
                  </td>
                  <td>{m.size}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Layout>,
    );
  });

  app.post<{ Params: { id: string }; Body: { kind?: string } }>(
    "/dev/mail/:id/bounce",
    async (req, reply) => {
      const kind = BounceKindSchema.safeParse(req.body?.kind);
      if (!kind.success) throw new AppError("INVALID_CHOICE");
      const report = await sink.bounce(req.params.id, kind.data);
      if (!report) throw new AppError("NOT_FOUND");
      return reply.redirect(`/dev/mail/${req.params.id}?bounced=1`, 303);
    },
  );

  app.get<{ Params: { id: string }; Querystring: { bounced?: string } }>(
    "/dev/mail/:id",
    async (req, reply) => {
      const bounced = req.query.bounced === "1";
      const bytes = await sink.read(req.params.id);
      const meta = (await sink.list()).find((m) => m.id === req.params.id);
      if (!bytes || !meta) throw new AppError("NOT_FOUND");
      const mail = await simpleParser(bytes, { skipHtmlToText: true });
      const ctx = pageContext(req, reply, true);
      const { t } = ctx;
      const header = (name: string) => {
        const v = mail.headers.get(name);
        return typeof v === "string"
          ? v
          : v instanceof Date
            ? v.toISOString()
            : ((v as { text?: string })?.text ?? "");
      };
      return sendPage(
        reply,
        <Layout ctx={ctx} title={mail.subject ?? t("dev.mail")}>
          <p>
            <a href="/dev/mail">{t("dev.mailBack")}</a>
          </p>
          <h1>{mail.subject ?? meta.id}</h1>
          <dl class="summary">
            <dt>From</dt>
            <dd>{header("from")}</dd>
            <dt>To</dt>
            <dd>{header("to")}</dd>
            <dt>Date</dt>
            <dd>{header("date")}</dd>
            <dt>Message-ID</dt>
            <dd>{mail.messageId ?? ""}</dd>
            <dt>{t("dev.mailEnvelope")}</dt>
            <dd>
              {meta.envelopeFrom} → {meta.envelopeTo.join(", ")}
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <code>{meta.sha256}</code>
            </dd>
          </dl>
          <pre class="pre-line">{mail.text ?? ""}</pre>
          {mail.attachments.length > 0 ? (
            <ul>
              {mail.attachments.map((a) => (
                <li key={a.checksum}>
                  {a.filename ?? a.contentType} ({a.size})
                </li>
              ))}
            </ul>
          ) : null}
          <p>
            <a href={`/dev/mail/${meta.id}/raw`}>{t("dev.mailRaw")}</a>
          </p>
          {meta.envelopeFrom ? (
            <section aria-labelledby="bounce-heading">
              {bounced ? (
                <div class="notice notice-success" role="status">
                  <p>{t("dev.bounced")}</p>
                </div>
              ) : null}
              <h2 id="bounce-heading">{t("dev.bounceTitle")}</h2>
              <p>{t("dev.bounceIntro")}</p>
              <form method="post" action={`/dev/mail/${meta.id}/bounce`}>
                <CsrfField token={ctx.csrfToken} />
                {(["hard", "soft", "relayed"] as const).map((kind) => (
                  <button key={kind} type="submit" name="kind" value={kind} class="secondary">
                    {t(`dev.bounce.${kind}`)}
                  </button>
                ))}
              </form>
            </section>
          ) : null}
        </Layout>,
      );
    },
  );

  app.get<{ Params: { id: string } }>("/dev/mail/:id/raw", async (req, reply) => {
    const bytes = await sink.read(req.params.id);
    if (!bytes) throw new AppError("NOT_FOUND");
    return reply
      .type("message/rfc822")
      .header("content-disposition", `attachment; filename="${req.params.id}.eml"`)
      .send(bytes);
  });
}
