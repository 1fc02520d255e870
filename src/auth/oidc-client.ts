import * as oidc from "openid-client";

// Staff sign-in as an OpenID Connect relying party: authorization code with PKCE, state and nonce.

export interface SignInStart {
  url: string;
  /** Kept in a short-lived signed cookie until the provider sends the person back. */
  pending: PendingSignIn;
}

export interface PendingSignIn {
  verifier: string;
  state: string;
  nonce: string;
  next: string;
}

export interface RelyingParty {
  start(next: string): Promise<SignInStart>;
  /** Exchanges the code and returns the claim that identifies staff. Throws on any mismatch. */
  finish(callbackUrl: URL, pending: PendingSignIn): Promise<{ subject: string }>;
  /**
   * Where to send the person so the provider ends its own session too (OIDC RP-Initiated Logout), or
   * undefined when the provider offers no such endpoint. Without it, "sign out" would be undone by the
   * next sign-in, which the provider would grant silently.
   */
  endSessionUrl(postLogoutRedirectUri: string): Promise<string | undefined>;
}

export function createRelyingParty(opts: {
  issuer: string;
  clientId: string;
  clientSecret: string | undefined;
  redirectUri: string;
  subjectClaim: string;
}): RelyingParty {
  let discovered: Promise<oidc.Configuration> | undefined;
  const configuration = () => {
    discovered ??= oidc
      .discovery(
        new URL(opts.issuer),
        opts.clientId,
        opts.clientSecret,
        undefined,
        // Plain HTTP is allowed only for a provider on this machine (the development one, or tests).
        isLoopback(opts.issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((e: unknown) => {
        discovered = undefined;
        throw e;
      });
    return discovered;
  };
  return {
    async start(next) {
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: opts.redirectUri,
        scope: "openid profile",
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: "S256",
        state,
        nonce,
      });
      return { url: url.href, pending: { verifier, state, nonce, next } };
    },
    async finish(callbackUrl, pending) {
      const config = await configuration();
      const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
        pkceCodeVerifier: pending.verifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      const subject = claims?.[opts.subjectClaim];
      if (typeof subject !== "string" || subject === "")
        throw new Error("ID token without the subject claim");
      return { subject };
    },
    async endSessionUrl(postLogoutRedirectUri) {
      const config = await configuration();
      if (!config.serverMetadata().end_session_endpoint) return undefined;
      return oidc.buildEndSessionUrl(config, {
        post_logout_redirect_uri: postLogoutRedirectUri,
        client_id: opts.clientId,
      }).href;
    },
  };
}

function isLoopback(url: string): boolean {
  const host = new URL(url).hostname;
  return host === "127.0.0.1" || host === "localhost" || host === "[::1]";
}
