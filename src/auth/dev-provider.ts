import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Configuration } from "oidc-provider";
import { type Lang, translator } from "../i18n/index.ts";

// The development identity provider: a real OpenID Provider (oidc-provider) mounted under /dev/oidc
// when no OIDC_ISSUER is configured, so sign-in runs the same authorization-code flow, with PKCE, as
// against the agency's real provider. It knows the staff table's subjects and nothing else.

export const devIssuerPath = "/dev/oidc";
export const devClientId = "liaison-dev";

export interface DevProvider {
  issuer: string;
  clientSecret: string;
  handle(req: IncomingMessage, res: ServerResponse): void;
  interactionDetails(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ uid: string; prompt: { name: string } }>;
  finishLogin(req: IncomingMessage, res: ServerResponse, subject: string): Promise<void>;
  abort(req: IncomingMessage, res: ServerResponse): Promise<void>;
}

export async function createDevProvider(opts: {
  baseUrl: string;
  /** Where it is mounted and whom it serves; the staff provider's by default. */
  issuerPath?: string;
  clientId?: string;
  redirectUri: string;
  /** Where the provider sends the person after signing them out (RP-initiated logout). */
  postLogoutRedirectUri: string;
  findName(subject: string): Promise<string | undefined>;
}): Promise<DevProvider> {
  // Loaded only when used: the package warns about the Node.js release at import, which a CLI call like
  // `liaison --help` or a production start with a real provider should not print.
  const { default: Provider } = await import("oidc-provider");
  const issuerPath = opts.issuerPath ?? devIssuerPath;
  const clientId = opts.clientId ?? devClientId;
  const issuer = `${opts.baseUrl}${issuerPath}`;
  const clientSecret = randomBytes(24).toString("base64url");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        post_logout_redirect_uris: [opts.postLogoutRedirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...jwk, kid: "dev", use: "sig", alg: "RS256" } as never] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], profile: ["name"] },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: {
        enabled: true,
        // The provider's own confirmation page, in the person's language and the workspace's look.
        async logoutSource(ctx, form) {
          const lang = /(?:^|;\s*)lang=fr(?:;|$)/.test(ctx.get("cookie")) ? "fr" : "en";
          ctx.body = logoutPage(lang, form);
        },
      },
    },
    interactions: { url: (_ctx, interaction) => `${issuerPath}/interaction/${interaction.uid}` },
    // Staff sign in to Liaison itself: there is nothing to consent to, so the grant is implicit.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId });
      grant.addOIDCScope("openid profile");
      await grant.save();
      return grant;
    },
    async findAccount(_ctx, sub) {
      const name = await opts.findName(sub);
      if (name === undefined) return undefined;
      return { accountId: sub, claims: () => ({ sub, name }) };
    },
    pkce: { required: () => true },
    ttl: {
      Session: 3600,
      Interaction: 600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
      AuthorizationCode: 60,
    },
  };
  const provider = new Provider(issuer, configuration);
  // The provider logs to the console through its events; Liaison's own logs say what matters.
  provider.on("server_error", () => {});
  const callback = provider.callback();
  return {
    issuer,
    clientSecret,
    handle(req, res) {
      const r = req as IncomingMessage & { originalUrl?: string };
      r.originalUrl = r.url;
      r.url = r.url?.slice(issuerPath.length) || "/";
      callback(r, res);
    },
    interactionDetails: (req, res) => provider.interactionDetails(req, res),
    async finishLogin(req, res, subject) {
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: subject } },
        { mergeWithLastSubmission: false },
      );
    },
    async abort(req, res) {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: "The person cancelled the sign-in." },
        { mergeWithLastSubmission: false },
      );
    },
  };
}

function logoutPage(lang: Lang, form: string): string {
  const t = translator(lang);
  // `form` is the provider's own hidden form (its id is op.logoutForm); the buttons submit it.
  return `<!DOCTYPE html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${t("dev.signOutTitle")} — Liaison</title><link rel="stylesheet" href="/static/gcds.css"><link rel="stylesheet" href="/static/liaison.css"></head>
<body><main id="main" class="container"><h1>${t("dev.signOutTitle")}</h1><p>${t("dev.signOutIntro")}</p>${form}
<p><button type="submit" form="op.logoutForm" name="logout" value="yes">${t("dev.signOutConfirm")}</button>
<button type="submit" form="op.logoutForm" class="secondary">${t("dev.signOutStay")}</button></p></main></body></html>`;
}
