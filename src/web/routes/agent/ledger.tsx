import path from "node:path";
import { inArray } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { recordAudit } from "../../../audit/record.ts";
import { openLetter } from "../../../correspondence/service.ts";
import { ledgerTimestamps } from "../../../db/schema/evidence.ts";
import { AppError } from "../../../errors.ts";
import { fileBlobStore } from "../../../evidence/blob-store.ts";
import {
  consistencyProof,
  type LedgerSigner,
  signedTreeHeadOf,
  signTreeHead,
} from "../../../evidence/ledger.ts";
import {
  findTreeHead,
  latestTreeHead,
  ledgerSize,
  listTreeHeads,
  queuedEntries,
} from "../../../evidence/ledger-store.ts";
import {
  buildProofPackage,
  ProofExportError,
  packageFolderName,
  zipPackage,
} from "../../../evidence/proof-package.ts";
import { formatInstant } from "../../../i18n/index.ts";
import type { AppDeps } from "../../app.ts";
import { pageContext, requireStaff, sendPage } from "../../context.ts";
import { CsrfField } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

// B-2, B-1: the ledger as staff see it (tree heads, the public key, signing on demand), the published
// key, and the proof package of a letter to download.

type Heads = Awaited<ReturnType<typeof listTreeHeads>>;
const SignedSchema = z.enum(["new", "same", "empty"]).optional().catch(undefined);
const LangSchema = z.enum(["en", "fr"]).catch("en");
const ConsistencySchema = z.object({
  from: z.coerce.number().int().min(1),
  to: z.coerce.number().int().min(1),
});

function LedgerPage(props: {
  ctx: PageContext;
  size: number;
  queued: number;
  heads: Heads;
  stamped: Map<number, Date>;
  publicKeyPem: string;
  keyId: string;
  signed: "new" | "same" | "empty" | undefined;
}) {
  const { ctx, heads } = props;
  const { t, lang } = ctx;
  const latest = heads[0];
  return (
    <Layout ctx={ctx} title={t("ledger.title")}>
      <h1>{t("ledger.title")}</h1>
      <p>{t("ledger.intro")}</p>
      {props.signed ? (
        <div class="notice notice-success" role="status">
          <p>
            {props.signed === "empty"
              ? t("ledger.empty")
              : t(props.signed === "new" ? "ledger.signed" : "ledger.alreadySigned", {
                  size: latest?.treeSize ?? 0,
                })}
          </p>
        </div>
      ) : null}
      <dl class="summary">
        <dt>{t("ledger.size")}</dt>
        <dd>{props.size}</dd>
        <dt>{t("ledger.queued")}</dt>
        <dd>{props.queued}</dd>
        <dt>{t("ledger.keyId")}</dt>
        <dd>
          <code class="break">{props.keyId}</code>
        </dd>
        <dt>{t("ledger.keyLink")}</dt>
        <dd>
          <a href="/.well-known/liaison-ledger-key">/.well-known/liaison-ledger-key</a>
        </dd>
      </dl>
      <h2>{t("ledger.key")}</h2>
      <pre>{props.publicKeyPem}</pre>
      <form method="post" action="/agent/ledger/sign">
        <CsrfField token={ctx.csrfToken} />
        <button type="submit">{t("ledger.sign")}</button>
      </form>
      <p>{t("ledger.verifyHint")}</p>
      <h2>{t("ledger.heads")}</h2>
      {heads.length === 0 ? (
        <p>{t("ledger.noHeads")}</p>
      ) : (
        <table>
          <caption>{t("ledger.headsCount", { count: heads.length })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("ledger.colSize")}</th>
              <th scope="col">{t("ledger.colSignedAt")}</th>
              <th scope="col">{t("ledger.colRoot")}</th>
              <th scope="col">{t("ledger.colTimestamp")}</th>
            </tr>
          </thead>
          <tbody>
            {heads.map((h) => {
              const stamped = props.stamped.get(h.treeSize);
              return (
                <tr key={h.treeSize}>
                  <td>{h.treeSize}</td>
                  <td>{formatInstant(lang, h.signedAt, "America/Toronto")}</td>
                  <td>
                    <code class="break">{h.rootHash.toString("hex")}</code>
                  </td>
                  <td>
                    {stamped ? formatInstant(lang, stamped, "America/Toronto") : t("ledger.noTimestamp")}
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

export function registerLedgerRoutes(app: FastifyInstance, deps: AppDeps, signer: LedgerSigner): void {
  const db = deps.database.db;
  const devTools = deps.config.devTools;
  const blobs = fileBlobStore(path.join(deps.config.dataDir, "blobs"));

  // B-3: the key a court checks a package with, published by the agency.
  app.get("/.well-known/liaison-ledger-key", async (_req, reply) =>
    reply
      .type("application/x-pem-file")
      .header("cache-control", "public, max-age=3600")
      .send(signer.key.publicKeyPem),
  );

  // B-8: what an outside witness needs to follow the ledger: the latest signed tree head, and the proof
  // that any signed head extends an earlier one (RFC 9162 2.1.4). Nothing here names a person.
  app.get("/.well-known/liaison-ledger/tree-head", async (_req, reply) => {
    const head = await latestTreeHead(db);
    if (!head) throw new AppError("NOT_FOUND");
    return reply.header("cache-control", "no-store").send(signedTreeHeadOf(head));
  });

  app.get<{ Querystring: { from?: string; to?: string } }>(
    "/.well-known/liaison-ledger/consistency",
    async (req, reply) => {
      const sizes = ConsistencySchema.safeParse(req.query);
      if (!sizes.success || sizes.data.from > sizes.data.to) throw new AppError("INVALID_CHOICE");
      const [older, newer] = await Promise.all([
        findTreeHead(db, sizes.data.from),
        findTreeHead(db, sizes.data.to),
      ]);
      // Only between heads the agency signed: a proof between arbitrary sizes would commit to nothing.
      if (!older || !newer) throw new AppError("NOT_FOUND");
      const proof = await consistencyProof(db, older.treeSize, newer.treeSize);
      return reply.header("cache-control", "public, max-age=3600").send({
        from: signedTreeHeadOf(older),
        to: signedTreeHeadOf(newer),
        proof: proof.map((h) => h.toString("hex")),
      });
    },
  );

  app.get<{ Querystring: { signed?: string } }>("/agent/ledger", async (req, reply) => {
    requireStaff(req);
    const [size, queued, heads] = await Promise.all([
      ledgerSize(db),
      queuedEntries(db, 100_000),
      listTreeHeads(db, 20),
    ]);
    const stamps =
      heads.length === 0
        ? []
        : await db
            .select()
            .from(ledgerTimestamps)
            .where(
              inArray(
                ledgerTimestamps.treeSize,
                heads.map((h) => h.treeSize),
              ),
            );
    return sendPage(
      reply,
      LedgerPage({
        ctx: pageContext(req, reply, devTools),
        size,
        queued: queued.length,
        heads,
        stamped: new Map(stamps.map((s) => [s.treeSize, s.genTime])),
        publicKeyPem: signer.key.publicKeyPem,
        keyId: signer.key.keyId,
        signed: SignedSchema.parse(req.query.signed),
      }),
    );
  });

  app.post("/agent/ledger/sign", async (req, reply) => {
    const staff = requireStaff(req);
    const signed = await signTreeHead(db, deps.clock, signer);
    if (signed?.created)
      await recordAudit(db, { kind: "staff", staffId: staff.staffId, ip: staff.ip }, deps.clock.now(), {
        action: "ledger.sign-requested",
        subjectType: "ledger",
        subjectId: String(signed.head.treeSize),
      });
    return reply.redirect(`/agent/ledger?signed=${!signed ? "empty" : signed.created ? "new" : "same"}`, 303);
  });

  // B-1: the proof package of a letter, as one .zip; only for staff who may read the letter's file.
  app.get<{ Params: { id: string }; Querystring: { lang?: string } }>(
    "/agent/letters/:id/proof",
    async (req, reply) => {
      const staff = requireStaff(req);
      const { letter } = await openLetter({ db, clock: deps.clock }, staff, req.params.id);
      const language = LangSchema.parse(req.query.lang);
      try {
        const files = await buildProofPackage({ db, clock: deps.clock, blobs, signer }, letter.id, {
          language,
          actor: { kind: "staff", staffId: staff.staffId, ip: staff.ip },
        });
        const folder = packageFolderName(letter.id);
        return reply
          .type("application/zip")
          .header("content-disposition", `attachment; filename="${folder}.zip"`)
          .header("cache-control", "no-store")
          .send(zipPackage(files, folder));
      } catch (e) {
        if (e instanceof ProofExportError)
          throw new AppError(e.code === "NOT_FOUND" ? "NOT_FOUND" : "PROOF_NOT_ON_LEDGER");
        throw e;
      }
    },
  );
}
