import type { FastifyInstance } from "fastify";
import { recordAudit } from "../../../audit/record.ts";
import { markPosted, postalLetterPdf, postalQueue } from "../../../correspondence/post.ts";
import { AppError } from "../../../errors.ts";
import { listOffices } from "../../../files/store.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { formatInstant } from "../../../i18n/index.ts";
import { instantToWallTime } from "../../../time-zones.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { CsrfField, ErrorSummary, type FormState } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

type Queue = Awaited<ReturnType<typeof postalQueue>>;

function PostalQueuePage(props: {
  ctx: PageContext;
  queue: Queue;
  zones: Map<string, string>;
  now: Date;
  state: FormState | undefined;
  posted: boolean;
}) {
  const { ctx, queue, state } = props;
  const { t, lang } = ctx;
  return (
    <Layout ctx={ctx} title={t("post.title")}>
      <p>
        <a href="/agent">{t("file.back")}</a>
      </p>
      <h1>{t("post.title")}</h1>
      <p>{t("post.intro")}</p>
      {props.posted ? (
        <div class="notice notice-success" role="status">
          <p>{t("post.posted")}</p>
        </div>
      ) : null}
      <ErrorSummary t={t} state={state} form="posted" />
      {queue.length === 0 ? (
        <p>{t("post.empty")}</p>
      ) : (
        <table>
          <caption>{t("post.count", { count: queue.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("post.colWritten")}</th>
              <th scope="col">{t("post.colRecipient")}</th>
              <th scope="col">{t("post.colSubject")}</th>
              <th scope="col">{t("post.colWhy")}</th>
              <th scope="col">{t("post.colActions")}</th>
            </tr>
          </thead>
          <tbody>
            {queue.map(({ letter, events }) => {
              const rerouted = events.find((e) => e.kind === "routed-to-post");
              const why = rerouted
                ? `post.why.${String(rerouted.details.reason)}`
                : "post.why.no-consented-email";
              const fieldId = `posted-${letter.id}`;
              const zone = props.zones.get(letter.officeCode) ?? "UTC";
              const today = instantToWallTime(props.now, zone).slice(0, 10);
              return (
                <tr key={letter.id}>
                  <td>{formatInstant(lang, letter.createdAt, zone)}</td>
                  <td>{letter.recipientName}</td>
                  <td>{letter.subject}</td>
                  <td>{t(why as MessageKey)}</td>
                  <td>
                    <p>
                      <a href={`/agent/letters/${letter.id}/pdf`}>{t("post.pdf")}</a>
                    </p>
                    <form method="post" action={`/agent/letters/${letter.id}/posted`}>
                      <CsrfField token={ctx.csrfToken} />
                      <label for={fieldId}>{t("post.postedOn")}</label>{" "}
                      <input type="date" id={fieldId} name="postedOn" value={today} max={today} required />{" "}
                      <button type="submit" class="secondary">
                        {t("post.markPosted")}
                      </button>
                    </form>
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

/** The postal queue: print and mail what cannot, or may not, go by email (C-4, C-13). */
export function registerPostRoutes(app: FastifyInstance, deps: AppDeps): void {
  const services = { db: deps.database.db, clock: deps.clock };
  const devTools = deps.config.devTools;
  const zones = async () => new Map((await listOffices(services.db)).map((o) => [o.code, o.timeZone]));

  app.get<{ Querystring: { posted?: string } }>("/agent/post", async (req, reply) => {
    const staff = requireStaff(req);
    const queue = await postalQueue(services, staff);
    return sendPage(
      reply,
      PostalQueuePage({
        ctx: pageContext(req, reply, devTools),
        queue,
        zones: await zones(),
        now: deps.clock.now(),
        state: undefined,
        posted: req.query.posted === "1",
      }),
    );
  });

  app.get<{ Params: { id: string } }>("/agent/letters/:id/pdf", async (req, reply) => {
    const staff = requireStaff(req);
    const pdf = await postalLetterPdf(services, staff, req.params.id);
    await recordAudit(services.db, { kind: "staff", staffId: staff.staffId, ip: req.ip }, deps.clock.now(), {
      action: "letter.printed",
      subjectType: "correspondence",
      subjectId: req.params.id,
    });
    return reply
      .type("application/pdf")
      .header("content-disposition", `attachment; filename="${req.params.id}.pdf"`)
      .send(pdf);
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> }>(
    "/agent/letters/:id/posted",
    async (req, reply) => {
      const staff = requireStaff(req);
      try {
        await markPosted(services, staff, req.params.id, req.body ?? {});
      } catch (e) {
        if (!(e instanceof AppError) || e.problems.length === 0) throw e;
        const queue = await postalQueue(services, staff);
        const state: FormState = { form: "posted", problems: e.problems, values: {} };
        const ctx = pageContext(req, reply, devTools, "/agent/post");
        return sendPage(
          reply,
          PostalQueuePage({ ctx, queue, zones: await zones(), now: deps.clock.now(), state, posted: false }),
          e.status,
        );
      }
      return reply.redirect("/agent/post?posted=1", 303);
    },
  );
}
