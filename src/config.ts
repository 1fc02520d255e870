import path from "node:path";
import { z } from "zod";

// One place reads the environment; everything else receives a Config.
const uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
/** P-2: a GC Notify API key, `{key name}-{service id}-{secret key}`: a name, then two UUIDs. */
const notifyApiKeyForm = new RegExp(`^.+-${uuid}-${uuid}$`, "i");

const EnvSchema = z.object({
  HOST: z.string().default("127.0.0.1"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().default("./data"),
  DATABASE_URL: z.string().url().optional(),
  PUBLIC_URL: z.string().url().optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().optional(),
  OIDC_CLIENT_SECRET: z.string().optional(),
  // Staff accounts are matched on this claim of the ID token.
  OIDC_SUBJECT_CLAIM: z.string().default("sub"),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  // The agency's SMTP relay, e.g. smtp://relay.internal:25. Unset: the development sink receives mail.
  SMTP_URL: z.string().url().optional(),
  DKIM_SELECTOR: z
    .string()
    .regex(/^[a-z0-9-]{1,63}$/i)
    .default("liaison"),
  // C-13: a sealed message above this size is not emailed; it goes by post.
  OUTBOUND_LIMIT_MB: z.coerce.number().positive().default(10),
  // B-2: how often the worker signs a tree head (when the ledger grew), in seconds.
  LEDGER_SIGN_EVERY_SECONDS: z.coerce.number().int().positive().default(300),
  // B-8: an RFC 3161 time-stamping authority that countersigns each tree head; unset: none.
  LEDGER_TSA_URL: z.string().url().optional(),
  // B-6: how long after sending with no bounce matched the ledger closes a letter's bounce window.
  BOUNCE_WINDOW_HOURS: z.coerce.number().positive().default(72),
  // C-16: how often the worker reads the generic mailboxes, in seconds.
  MAILBOX_POLL_SECONDS: z.coerce.number().positive().default(30),
  DISPATCH_LOOPS: z.coerce.number().int().min(1).max(32).default(4),
  DISPATCH_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(300),
  // P-2: GC Notify sends access codes by SMS; both or neither. Unset: the development outbox (/dev/sms).
  GC_NOTIFY_API_KEY: z.string().optional(),
  GC_NOTIFY_SMS_TEMPLATE_ID: z
    .string()
    .regex(new RegExp(`^${uuid}$`, "i"), "expected a template id (a UUID)")
    .optional(),
  GC_NOTIFY_URL: z.string().url().default("https://api.notification.canada.ca"),
  // P-3: the external identity provider of My Case (GCKey, a sign-in partner). Unset: the development one.
  PORTAL_OIDC_ISSUER: z.string().url().optional(),
  PORTAL_OIDC_CLIENT_ID: z.string().optional(),
  PORTAL_OIDC_CLIENT_SECRET: z.string().optional(),
  // P-7: the no-reply sender of My Case's email notices.
  PORTAL_NOTICE_FROM: z.string().email().default("no-reply@mycase.tribunal.example"),
  // P-5: clamd's socket (a path, or tcp://host:port); unset: documents are recorded as not scanned.
  CLAMD_SOCKET: z.string().optional(),
  DEMO_APPLICATIONS: z.coerce.number().int().min(0).max(100_000).default(600),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Development tools (/dev: clock, identity provider) are on only when no external identity provider is set.
  DEV_TOOLS: z.enum(["auto", "on", "off"]).default("auto"),
});

/** P-2: GC Notify's API, from GC_NOTIFY_API_KEY, GC_NOTIFY_SMS_TEMPLATE_ID and GC_NOTIFY_URL. */
export type GcNotifyConfig = { apiKey: string; templateId: string; baseUrl: string };

export type Config = {
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Base URL people reach the app on; derived from HOST:PORT when unset. */
  publicUrl: string | undefined;
  oidc:
    | { issuer: string; clientId: string; clientSecret: string | undefined; subjectClaim: string }
    | undefined;
  sessionTtlHours: number;
  smtpUrl: string | undefined;
  dkimSelector: string;
  outboundLimitBytes: number;
  ledger: { signEveryMs: number; timestampAuthorityUrl: string | undefined; bounceWindowMs: number };
  /** C-16: each office's generic mailbox over IMAP, from IMAP_URL_<OFFICE CODE> (its own credentials). */
  mailboxes: Record<string, string>;
  mailboxPollMs: number;
  /** How many dispatch loops a worker runs at once. */
  dispatchLoops: number;
  /** How long a claimed letter is held by its dispatcher before another may take it (a crash). */
  dispatchLeaseMs: number;
  /** How many demo files `liaison start` loads into an empty development database. */
  demoApplications: number;
  logLevel: z.infer<typeof EnvSchema>["LOG_LEVEL"];
  devTools: boolean;
  /**
   * P-2: how access codes are sent by SMS: GC Notify when `notify` is set, otherwise the development
   * outbox. Optional so that a Config written by hand (tests) means the outbox.
   */
  sms?: { notify?: GcNotifyConfig | undefined };
  /** My Case (SPEC section 4). */
  portal?: {
    oidc: { issuer: string; clientId: string; clientSecret: string | undefined } | undefined;
    noticeFrom: string;
    clamdSocket: string | undefined;
  };
};

export class ConfigError extends Error {}

export function readConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`DATABASE_URL=` in a shell or an .env file) means "not set".
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ""));
  const parsed = EnvSchema.safeParse(set);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const mailboxes: Record<string, string> = {};
  for (const [key, value] of Object.entries(set)) {
    const office = /^IMAP_URL_([A-Z0-9]+)$/.exec(key)?.[1];
    if (!office || value === undefined) continue;
    if (!/^imaps?:\/\/[^@/]+@[^/]+/.test(value))
      throw new ConfigError(
        `Invalid configuration:\n  ${key}: expected imap://user:password@host:port or imaps://…`,
      );
    mailboxes[office] = value;
  }
  if (e.PORTAL_OIDC_ISSUER && !e.PORTAL_OIDC_CLIENT_ID) {
    throw new ConfigError(
      "Invalid configuration:\n  PORTAL_OIDC_CLIENT_ID: required when PORTAL_OIDC_ISSUER is set",
    );
  }
  if (e.CLAMD_SOCKET && !e.CLAMD_SOCKET.startsWith("/") && !/^tcp:\/\/[^/]+:\d+$/.test(e.CLAMD_SOCKET)) {
    throw new ConfigError(
      "Invalid configuration:\n  CLAMD_SOCKET: expected a socket path or tcp://host:port",
    );
  }
  if (e.OIDC_ISSUER && !e.OIDC_CLIENT_ID) {
    throw new ConfigError("Invalid configuration:\n  OIDC_CLIENT_ID: required when OIDC_ISSUER is set");
  }
  if (Boolean(e.GC_NOTIFY_API_KEY) !== Boolean(e.GC_NOTIFY_SMS_TEMPLATE_ID)) {
    const missing = e.GC_NOTIFY_API_KEY ? "GC_NOTIFY_SMS_TEMPLATE_ID" : "GC_NOTIFY_API_KEY";
    throw new ConfigError(
      `Invalid configuration:\n  ${missing}: GC_NOTIFY_API_KEY and GC_NOTIFY_SMS_TEMPLATE_ID go together`,
    );
  }
  // The message says what a key looks like, never what was given: the key is a secret.
  const notifyApiKey = e.GC_NOTIFY_API_KEY?.trim();
  if (notifyApiKey && !notifyApiKeyForm.test(notifyApiKey)) {
    throw new ConfigError(
      "Invalid configuration:\n  GC_NOTIFY_API_KEY: expected {key name}-{service id}-{secret key}, as GC Notify shows it",
    );
  }
  const oidc = e.OIDC_ISSUER
    ? {
        issuer: e.OIDC_ISSUER,
        clientId: e.OIDC_CLIENT_ID ?? "",
        clientSecret: e.OIDC_CLIENT_SECRET,
        subjectClaim: e.OIDC_SUBJECT_CLAIM,
      }
    : undefined;
  return {
    host: e.HOST,
    port: e.PORT,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ""),
    oidc,
    sessionTtlHours: e.SESSION_TTL_HOURS,
    smtpUrl: e.SMTP_URL,
    dkimSelector: e.DKIM_SELECTOR,
    outboundLimitBytes: Math.round(e.OUTBOUND_LIMIT_MB * 1024 * 1024),
    ledger: {
      signEveryMs: e.LEDGER_SIGN_EVERY_SECONDS * 1000,
      timestampAuthorityUrl: e.LEDGER_TSA_URL,
      bounceWindowMs: e.BOUNCE_WINDOW_HOURS * 3_600_000,
    },
    mailboxes,
    mailboxPollMs: e.MAILBOX_POLL_SECONDS * 1000,
    dispatchLoops: e.DISPATCH_LOOPS,
    dispatchLeaseMs: e.DISPATCH_LEASE_SECONDS * 1000,
    demoApplications: e.DEMO_APPLICATIONS,
    logLevel: e.LOG_LEVEL,
    devTools: e.DEV_TOOLS === "on" || (e.DEV_TOOLS === "auto" && !oidc),
    portal: {
      oidc: e.PORTAL_OIDC_ISSUER
        ? {
            issuer: e.PORTAL_OIDC_ISSUER,
            clientId: e.PORTAL_OIDC_CLIENT_ID ?? "",
            clientSecret: e.PORTAL_OIDC_CLIENT_SECRET,
          }
        : undefined,
      noticeFrom: e.PORTAL_NOTICE_FROM,
      clamdSocket: e.CLAMD_SOCKET,
    },
    sms: {
      notify:
        notifyApiKey && e.GC_NOTIFY_SMS_TEMPLATE_ID
          ? {
              apiKey: notifyApiKey,
              templateId: e.GC_NOTIFY_SMS_TEMPLATE_ID,
              baseUrl: e.GC_NOTIFY_URL.replace(/\/+$/, ""),
            }
          : undefined,
    },
  };
}
