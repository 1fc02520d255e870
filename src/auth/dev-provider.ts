import { generateKeyPairSync, randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Configuration } from "oidc-provider";

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
  redirectUri: string;
  findName(subject: string): Promise<string | undefined>;
}): Promise<DevProvider> {
  // Loaded only when used: the package warns about the Node.js release at import, which a CLI call like
  // `liaison --help` or a production start with a real provider should not print.
  const { default: Provider } = await import("oidc-provider");
  const issuer = `${opts.baseUrl}${devIssuerPath}`;
  const clientSecret = randomBytes(24).toString("base64url");
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const jwk = privateKey.export({ format: "jwk" });
  const configuration: Configuration = {
    clients: [
      {
        client_id: devClientId,
        client_secret: clientSecret,
        redirect_uris: [opts.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [{ ...jwk, kid: "dev", use: "sig", alg: "RS256" } as never] },
    cookies: { keys: [randomBytes(32).toString("base64url")] },
    claims: { openid: ["sub"], profile: ["name"] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `${devIssuerPath}/interaction/${interaction.uid}` },
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
    ttl: { Session: 3600, Interaction: 600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
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
      r.url = r.url?.slice(devIssuerPath.length) || "/";
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
