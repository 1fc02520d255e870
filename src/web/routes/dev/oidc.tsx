import { asc } from "drizzle-orm";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { createDevProvider, type DevProvider, devIssuerPath } from "../../../auth/dev-provider.ts";
import { findStaffBySubject } from "../../../auth/store.ts";
import { staff } from "../../../db/schema/offices.ts";
import { AppError } from "../../../errors.ts";
import type { AppDeps, Urls } from "../../app.ts";
import { pageContext, sendPage } from "../../context.ts";
import { CsrfField } from "../../views/forms.tsx";
import { Layout } from "../../views/layout.tsx";

const providers = new WeakMap<Urls, Promise<DevProvider>>();

/** One development provider per running app, made once its URL is known. */
export function devProviderFor(deps: AppDeps & { urls: Urls }): Promise<DevProvider> {
  let p = providers.get(deps.urls);
  if (!p) {
    p = createDevProvider({
      baseUrl: deps.urls.base,
      redirectUri: `${deps.urls.base}/auth/callback`,
      postLogoutRedirectUri: `${deps.urls.base}/agent?signedOut=1`,
      findName: async (subject) => (await findStaffBySubject(deps.database.db, subject))?.name,
    });
    providers.set(deps.urls, p);
  }
  return p;
}

export async function registerDevOidc(app: FastifyInstance, deps: AppDeps & { urls: Urls }): Promise<void> {
  const db = deps.database.db;

  // The sign-in page of the development provider: pick a demo staff member.
  app.get<{ Params: { uid: string } }>(`${devIssuerPath}/interaction/:uid`, async (req, reply) => {
    const provider = await devProviderFor(deps);
    try {
      await provider.interactionDetails(req.raw, reply.raw);
    } catch {
      throw new AppError("SIGN_IN_FAILED");
    }
    const people = await db.select().from(staff).orderBy(asc(staff.name));
    const ctx = pageContext(req, reply, true);
    const { t } = ctx;
    const action = `${devIssuerPath}/interaction/${encodeURIComponent(req.params.uid)}`;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t("dev.signInTitle")}>
        <h1>{t("dev.signInTitle")}</h1>
        <p>{t("dev.signInIntro")}</p>
        <ul class="staff-list">
          {people.map((p) => (
            <li key={p.id}>
              <form method="post" action={`${action}/login`}>
                <CsrfField token={ctx.csrfToken} />
                <input type="hidden" name="subject" value={p.subject} />
                <button type="submit">{t("dev.signInAs", { name: p.name })}</button> <code>{p.subject}</code>
              </form>
            </li>
          ))}
        </ul>
        <form method="post" action={`${action}/abort`}>
          <CsrfField token={ctx.csrfToken} />
          <button type="submit" class="secondary">
            {t("dev.cancel")}
          </button>
        </form>
      </Layout>,
    );
  });

  app.post<{ Params: { uid: string }; Body: { subject?: string } }>(
    `${devIssuerPath}/interaction/:uid/login`,
    async (req, reply) => {
      const subject = typeof req.body?.subject === "string" ? req.body.subject : "";
      if (!(await findStaffBySubject(db, subject))) throw new AppError("NOT_STAFF");
      const provider = await devProviderFor(deps);
      reply.hijack();
      await provider.finishLogin(req.raw, reply.raw, subject);
    },
  );
  await mountDevProvider(app, devIssuerPath, () => devProviderFor(deps));
}

/**
 * A development provider's own routes: the sign-in page's cancel button, then everything else under the
 * issuer, handed to the provider with its request bodies left unread for it. The staff provider and My
 * Case's sign-in partner are mounted the same way.
 */
export async function mountDevProvider(
  app: FastifyInstance,
  issuerPath: string,
  providerFor: () => Promise<DevProvider>,
): Promise<void> {
  app.post<{ Params: { uid: string } }>(`${issuerPath}/interaction/:uid/abort`, async (req, reply) => {
    const provider = await providerFor();
    reply.hijack();
    await provider.abort(req.raw, reply.raw);
  });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", (_req, _payload, done) => done(null));
    const forward = async (req: FastifyRequest, reply: FastifyReply) => {
      const provider = await providerFor();
      reply.hijack();
      provider.handle(req.raw, reply.raw);
    };
    scope.all(`${issuerPath}/*`, forward);
    scope.all(issuerPath, forward);
  });
}
