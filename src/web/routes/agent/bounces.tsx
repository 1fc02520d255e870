import path from "node:path";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { dismissReport, matchReportByHand } from "../../../bounces/review.ts";
import { findInbound, matchedReports, reviewQueue } from "../../../bounces/store.ts";
import { eventsOfLetters } from "../../../correspondence/store.ts";
import { AppError } from "../../../errors.ts";
import { fileBlobStore } from "../../../evidence/blob-store.ts";
import { canReadFilesOf, readableOffices } from "../../../files/access.ts";
import type { OfficeCode } from "../../../files/model.ts";
import type { MessageKey } from "../../../i18n/en.ts";
import { formatInstant } from "../../../i18n/index.ts";
import { createLogger } from "../../../logger.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { CsrfField, ErrorSummary, type FormState, fieldId } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

// /agent/bounces (C-16, C-17): the review queue of reports no letter was found for, with "match to this
// letter" and "set aside", and the reports matched to letters with what each did.

type Review = Awaited<ReturnType<typeof reviewQueue>>;
type Matched = Awaited<ReturnType<typeof matchedReports>>;
type Line = { recipient?: string | null; diagnostic?: string | null; status?: string | null };

const DoneSchema = z.enum(["matched", "dismissed"]).optional().catch(undefined);
const firstLine = (report: Record<string, unknown>): Line =>
  ((report.recipients as Line[] | undefined) ?? [])[0] ?? {};

function BouncesPage(props: {
  ctx: PageContext;
  review: Review;
  matched: Matched;
  outcomes: Map<string, string>;
  done: "matched" | "dismissed" | undefined;
  state: FormState | undefined;
}) {
  const { ctx, review, matched } = props;
  const { t, lang } = ctx;
  const when = (d: Date) => formatInstant(lang, d, "America/Toronto");
  return (
    <Layout ctx={ctx} title={t("bounces.title")}>
      <h1>{t("bounces.title")}</h1>
      <p>{t("bounces.intro")}</p>
      {props.done ? (
        <div class="notice notice-success" role="status">
          <p>{t(`bounces.done.${props.done}`)}</p>
        </div>
      ) : null}
      <h2 id="review-heading">{t("bounces.review")}</h2>
      {review.length === 0 ? (
        <p>{t("bounces.reviewEmpty")}</p>
      ) : (
        <table aria-labelledby="review-heading">
          <caption>{t("bounces.reviewCount", { count: review.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("bounces.colReceived")}</th>
              <th scope="col">{t("bounces.colOffice")}</th>
              <th scope="col">{t("bounces.colKind")}</th>
              <th scope="col">{t("bounces.colRecipient")}</th>
              <th scope="col">{t("bounces.colDiagnostic")}</th>
              <th scope="col">{t("bounces.colActions")}</th>
            </tr>
          </thead>
          <tbody>
            {review.map((r) => {
              const line = firstLine(r.report);
              const form = `match-${r.id}`;
              return (
                <tr key={r.id}>
                  <td>{when(r.receivedAt)}</td>
                  <td>{r.officeCode}</td>
                  <td>{t(`bounces.kind.${r.kind}` as MessageKey)}</td>
                  <td class="break">{line.recipient ?? "—"}</td>
                  <td class="break">
                    {[line.status, line.diagnostic].filter(Boolean).join(" — ")}{" "}
                    <a href={`/agent/bounces/${r.id}/raw`}>{t("bounces.raw")}</a>
                  </td>
                  <td>
                    <ErrorSummary t={t} state={props.state} form={form} />
                    <form method="post" action={`/agent/bounces/${r.id}/match`}>
                      <CsrfField token={ctx.csrfToken} />
                      <label for={fieldId(form, "letter")}>{t("bounces.letterId")}</label>{" "}
                      <input id={fieldId(form, "letter")} name="letter" type="text" size={38} required />{" "}
                      <button type="submit">{t("bounces.match")}</button>
                    </form>
                    <form method="post" action={`/agent/bounces/${r.id}/dismiss`}>
                      <CsrfField token={ctx.csrfToken} />
                      <button type="submit" class="secondary">
                        {t("bounces.dismiss")}
                      </button>
                    </form>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <h2 id="matched-heading">{t("bounces.matched")}</h2>
      {matched.length === 0 ? (
        <p>{t("bounces.matchedEmpty")}</p>
      ) : (
        <table aria-labelledby="matched-heading">
          <thead>
            <tr>
              <th scope="col">{t("bounces.colReceived")}</th>
              <th scope="col">{t("bounces.colLetter")}</th>
              <th scope="col">{t("bounces.colKind")}</th>
              <th scope="col">{t("bounces.colDiagnostic")}</th>
              <th scope="col">{t("bounces.colOutcome")}</th>
            </tr>
          </thead>
          <tbody>
            {matched.map(({ report, letter }) => {
              const line = firstLine(report.report);
              const outcome = props.outcomes.get(report.id) ?? "record";
              return (
                <tr key={report.id}>
                  <td>{when(report.receivedAt)}</td>
                  <td>
                    <a href={`/agent/letters/${letter.id}`}>{letter.subject}</a>
                  </td>
                  <td>{t(`bounces.kind.${report.kind}` as MessageKey)}</td>
                  <td class="break">
                    {[line.status, line.diagnostic].filter(Boolean).join(" — ")}{" "}
                    <a href={`/agent/bounces/${report.id}/raw`}>{t("bounces.raw")}</a>
                  </td>
                  <td>{t(`bounces.outcome.${outcome}` as MessageKey)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </Layout>
  );
}

export function registerBounceRoutes(app: FastifyInstance, deps: AppDeps): void {
  const devTools = deps.config.devTools;
  const intake = {
    db: deps.database.db,
    clock: deps.clock,
    blobs: fileBlobStore(path.join(deps.config.dataDir, "blobs")),
    logger: createLogger("silent"),
  };

  /** What each matched report did to its letter, read from the letter's events that name it. */
  async function outcomesOf(matched: Matched): Promise<Map<string, string>> {
    const events = await eventsOfLetters(
      intake.db,
      matched.map((m) => m.letter.id),
    );
    const out = new Map<string, string>();
    for (const { report, letter } of matched) {
      const mine = (events.get(letter.id) ?? []).filter((e) => e.details.inboundReport === report.id);
      const after = (events.get(letter.id) ?? []).slice(
        (events.get(letter.id) ?? []).findIndex((e) => e.details.inboundReport === report.id),
      );
      out.set(
        report.id,
        mine.some((e) => e.kind === "bounced")
          ? after.some((e) => e.kind === "resent")
            ? "resent"
            : "post"
          : mine.some((e) => e.details.kind === "soft" || e.details.action === "relayed")
            ? "warning"
            : "record",
      );
    }
    return out;
  }

  async function page(
    req: Parameters<typeof requireStaff>[0],
    reply: Parameters<typeof sendPage>[0],
    state?: FormState,
    status = 200,
  ) {
    const staff = requireStaff(req);
    const offices = readableOffices(staff.postings);
    const [review, matched] = await Promise.all([
      reviewQueue(intake.db, offices),
      matchedReports(intake.db, offices),
    ]);
    const done = DoneSchema.parse((req.query as { done?: string }).done);
    return sendPage(
      reply,
      BouncesPage({
        ctx: pageContext(req, reply, devTools, "/agent/bounces"),
        review,
        matched,
        outcomes: await outcomesOf(matched),
        done: state ? undefined : done,
        state,
      }),
      status,
    );
  }

  app.get("/agent/bounces", (req, reply) => page(req, reply));

  app.get<{ Params: { id: string } }>("/agent/bounces/:id/raw", async (req, reply) => {
    const staff = requireStaff(req);
    const report = /^[0-9a-f-]{36}$/.test(req.params.id)
      ? await findInbound(intake.db, req.params.id)
      : undefined;
    if (!report || !canReadFilesOf(staff.postings, report.officeCode as OfficeCode))
      throw new AppError("NOT_FOUND");
    const bytes = await intake.blobs.get(report.sha256);
    if (!bytes) throw new Error("inbound message missing from the blob store");
    // Shown as text, never rendered: a report is mail from outside.
    return reply.type("text/plain; charset=utf-8").header("cache-control", "no-store").send(bytes);
  });

  app.post<{ Params: { id: string }; Body: { letter?: string } }>(
    "/agent/bounces/:id/match",
    async (req, reply) => {
      const staff = requireStaff(req);
      if (!/^[0-9a-f-]{36}$/.test(req.params.id)) throw new AppError("NOT_FOUND");
      try {
        await matchReportByHand(intake, staff, req.params.id, String(req.body?.letter ?? ""));
      } catch (e) {
        if (!(e instanceof AppError) || e.problems.length === 0) throw e;
        return page(
          req,
          reply,
          { form: `match-${req.params.id}`, problems: e.problems, values: {} },
          e.status,
        );
      }
      return reply.redirect("/agent/bounces?done=matched", 303);
    },
  );

  app.post<{ Params: { id: string } }>("/agent/bounces/:id/dismiss", async (req, reply) => {
    const staff = requireStaff(req);
    if (!/^[0-9a-f-]{36}$/.test(req.params.id)) throw new AppError("NOT_FOUND");
    await dismissReport(intake, staff, req.params.id);
    return reply.redirect("/agent/bounces?done=dismissed", 303);
  });
}
