import { asc } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { createDevProvider, type DevProvider } from "../../../auth/dev-provider.ts";
import { portalAccounts } from "../../../db/schema/portal.ts";
import { demoPortalIdentities } from "../../../demo/portal.ts";
import { AppError } from "../../../errors.ts";
import type { AppDeps, Urls } from "../../app.ts";
import { pageContext, sendPage } from "../../context.ts";
import { CsrfField } from "../../views/forms.tsx";
import { Layout } from "../../views/layout.tsx";
import { mountDevProvider } from "./oidc.tsx";

// The development stand-in for GCKey and the sign-in partners: a real OpenID Provider, mounted apart from
// the staff one. Like GCKey it knows anyone who made themselves an identity, registered in My Case or not:
// binding an identity to counsel is My Case's job (P-2), not the provider's.

export const portalDevIssuerPath = "/dev/portal-oidc";
export const portalDevClientId = "liaison-portal-dev";
const identityPattern = /^[a-z0-9][a-z0-9.-]{2,39}$/;

const providers = new WeakMap<Urls, Promise<DevProvider>>();

export function portalDevProviderFor(deps: AppDeps & { urls: Urls }): Promise<DevProvider> {
  let p = providers.get(deps.urls);
  if (!p) {
    p = createDevProvider({
      baseUrl: deps.urls.base,
      issuerPath: portalDevIssuerPath,
      clientId: portalDevClientId,
      redirectUri: `${deps.urls.base}/portal/callback`,
      postLogoutRedirectUri: `${deps.urls.base}/portal?signedOut=1`,
      findName: async (subject) => (identityPattern.test(subject) ? subject : undefined),
    });
    providers.set(deps.urls, p);
  }
  return p;
}

export async function registerDevPortalOidc(
  app: FastifyInstance,
  deps: AppDeps & { urls: Urls },
): Promise<void> {
  const db = deps.database.db;

  app.get<{ Params: { uid: string } }>(`${portalDevIssuerPath}/interaction/:uid`, async (req, reply) => {
    const provider = await portalDevProviderFor(deps);
    try {
      await provider.interactionDetails(req.raw, reply.raw);
    } catch {
      throw new AppError("SIGN_IN_FAILED");
    }
    const registered = (
      await db
        .select({ subject: portalAccounts.subject })
        .from(portalAccounts)
        .orderBy(asc(portalAccounts.subject))
    ).map((r) => r.subject);
    const known = [...new Set([...demoPortalIdentities.map((d) => d.subject), ...registered])].filter((s) =>
      identityPattern.test(s),
    );
    const ctx = pageContext(req, reply, true);
    const { t } = ctx;
    const action = `${portalDevIssuerPath}/interaction/${encodeURIComponent(req.params.uid)}`;
    return sendPage(
      reply,
      <Layout ctx={ctx} title={t("devPortal.signInTitle")}>
        <h1>{t("devPortal.signInTitle")}</h1>
        <p>{t("devPortal.signInIntro")}</p>
        <ul class="staff-list">
          {known.map((subject) => (
            <li key={subject}>
              <form method="post" action={`${action}/login`}>
                <CsrfField token={ctx.csrfToken} />
                <input type="hidden" name="subject" value={subject} />
                <button type="submit">{t("dev.signInAs", { name: subject })}</button>
              </form>
            </li>
          ))}
        </ul>
        <h2>{t("devPortal.otherTitle")}</h2>
        <form method="post" action={`${action}/login`}>
          <CsrfField token={ctx.csrfToken} />
          <div class="field">
            <label for="dev-identity">{t("devPortal.identity")}</label>
            <span class="hint" id="dev-identity-hint">
              {t("devPortal.identityHint")}
            </span>
            <input
              id="dev-identity"
              name="subject"
              aria-describedby="dev-identity-hint"
              pattern="[a-z0-9][a-z0-9.\-]{2,39}"
              required
            />
          </div>
          <button type="submit">{t("devPortal.signIn")}</button>
        </form>
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
    `${portalDevIssuerPath}/interaction/:uid/login`,
    async (req, reply) => {
      const subject = typeof req.body?.subject === "string" ? req.body.subject.trim().toLowerCase() : "";
      if (!identityPattern.test(subject)) throw new AppError("INVALID_CHOICE");
      const provider = await portalDevProviderFor(deps);
      reply.hijack();
      await provider.finishLogin(req.raw, reply.raw, subject);
    },
  );
  await mountDevProvider(app, portalDevIssuerPath, () => portalDevProviderFor(deps));
}
