import { parseArgs } from "node:util";
import { batchCommand, batchHelp, batchOptions } from "./batches/cli.ts";
import { classifyFilesCommand } from "./bounces/classify-cli.ts";
import { watchMailboxes } from "./bounces/jobs.ts";
import { type Clock, OffsetClock, systemClock } from "./clock.ts";
import { type Config, ConfigError, readConfig } from "./config.ts";
import { listLetters } from "./correspondence/listing.ts";
import { ensureCorrespondenceDefaults } from "./correspondence/store.ts";
import { type Database, openDatabase } from "./db/client.ts";
import { readSetting } from "./db/settings.ts";
import { loadDemoData } from "./demo/load.ts";
import { demoPortalIdentities } from "./demo/portal.ts";
import { demoStaff } from "./demo/staff.ts";
import { AppError } from "./errors.ts";
import {
  ledgerCommand,
  ledgerHelp,
  proofExportCommand,
  proofHelp,
  proofVerifyCommand,
} from "./evidence/cli.ts";
import { loadOrCreateLedgerKey } from "./evidence/ledger-key.ts";
import { errorKey, translator } from "./i18n/index.ts";
import { allJobs } from "./jobs/all.ts";
import { startScheduler } from "./jobs/scheduler.ts";
import { createLogger } from "./logger.ts";
import { type DevSink, startDevSink } from "./mail/dev-sink.ts";
import { outboundServices } from "./mail/outbound.ts";
import { portalServicesFor } from "./portal/wiring.ts";
import { buildApp } from "./web/app.ts";
import { devClockSetting } from "./web/routes/dev/index.tsx";

const help: Record<string, string> = {
  main: `Usage: liaison <command> [options]

Commands:
  start     web server and worker in one process (the default of npm start)
  serve     web server only
  worker    background jobs only
  migrate   apply database migrations and exit
  demo      load the demo data into an empty database and exit
  letters   list letters (letters list [--file N] [--state S] [--json])
  ledger    the tamper-evident ledger: key, sign, verify
  bounces   bounces classify FILE.eml…: parse and classify reports, one JSON line per recipient
  proof     proof packages: export one letter's, verify one offline
  batch     batches of letters (C-19, C-20): create and send one with a progress bar, its account

Run "liaison <command> --help" for a command's options.
Configuration comes from the environment: HOST, PORT, DATA_DIR, DATABASE_URL, OIDC_ISSUER,
OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, PUBLIC_URL, LOG_LEVEL (see README.md).`,
  start: `Usage: liaison start

Migrates the database, loads the demo data when the database is empty and no external identity
provider is configured, then serves the web interface on HOST:PORT (default 127.0.0.1:3000) and runs
the background jobs in the same process.`,
  serve: `Usage: liaison serve

Serves the web interface only (scale out: several of these behind a load balancer, one database).
Needs DATABASE_URL: the embedded database belongs to a single process.`,
  worker: `Usage: liaison worker

Runs the background jobs only. Needs DATABASE_URL: the embedded database belongs to a single process.`,
  migrate: `Usage: liaison migrate

Applies the SQL migrations to the database (PGlite in DATA_DIR, or PostgreSQL at DATABASE_URL).`,
  letters: `Usage: liaison letters list [--file NUMBER] [--state STATE] [--json]

Lists the letters, oldest id first. With --json, one JSON object per line: id, file, office, type,
state, channel, recipient, createdAt, sentAt, deadline. STATE is one of: draft, generated, sent,
bounced, delivered-by-post, cancelled.`,
  ledger: ledgerHelp,
  bounces: `Usage: liaison bounces classify FILE.eml [FILE.eml…]

Parses each message as a non-delivery report (RFC 3464 and the common non-standard forms) and prints,
without touching any database, one JSON line per failed recipient in the order the report lists them:
{"file","kind","reason","recipient","status","action","diagnostic","originalMessageId"}. kind is hard,
soft or not-a-bounce; a message that is not a report gives one line with kind not-a-bounce. Exit 1 if a
file could not be read (the others are still classified).`,
  proof: proofHelp,
  batch: batchHelp,
  demo: `Usage: liaison demo

Loads the demo offices, staff and DEMO_APPLICATIONS applications (600), if the database has no office yet.`,
};

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      json: { type: "boolean" },
      file: { type: "string" },
      state: { type: "string" },
      out: { type: "string" },
      key: { type: "string" },
      lang: { type: "string" },
      ...batchOptions,
    },
    strict: false,
  });
  const command = positionals[0] ?? "help";
  if (command === "help" || !(command in help) || command === "main") {
    console.log(help.main);
    return command === "help" || values.help ? 0 : 2;
  }
  if (values.help) {
    console.log(help[command]);
    return 0;
  }
  // Offline by design (B-3): no configuration, no database.
  if (command === "proof" && positionals[1] === "verify") return proofVerifyCommand(positionals, values);
  if (command === "bounces") {
    if (positionals[1] !== "classify" || positionals.length < 3) {
      console.error(help.bounces);
      return 2;
    }
    return classifyFilesCommand(
      positionals.slice(2),
      (line) => console.log(line),
      (line) => console.error(line),
    );
  }
  let config: Config;
  try {
    config = readConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      return 2;
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  if ((command === "serve" || command === "worker") && !config.databaseUrl) {
    console.error(
      `liaison ${command} needs DATABASE_URL: the embedded database can only be opened by one process. Use "liaison start".`,
    );
    return 2;
  }
  const database = await openDatabase({
    ...config,
    onConnectionLost: (err) =>
      logger.warn(
        { code: (err as { code?: string }).code },
        "database connection lost; the pool opens another",
      ),
  });
  await database.migrate();
  await ensureCorrespondenceDefaults(database.db, new Date());
  if (command === "migrate") {
    console.log(`Migrations applied (${database.engine}).`);
    await database.close();
    return 0;
  }
  const { clock, devClock } = await clockFor(config, database);
  if (command === "letters") {
    const code = await printLetters(database, positionals[1], values);
    await database.close();
    return code;
  }
  if (command === "ledger" || command === "proof") {
    const code =
      command === "ledger"
        ? await ledgerCommand(database, config, clock, positionals, values)
        : await proofExportCommand(database, config, clock, positionals, values);
    await database.close();
    return code;
  }
  if (command === "batch") {
    // Sends as the worker does: to SMTP_URL, or to a development sink when none is set (read at /dev/mail).
    const devSink =
      config.devTools && !config.smtpUrl ? await startDevSink({ dataDir: config.dataDir, clock }) : undefined;
    const outbound = outboundServices(config, devSink);
    try {
      return await batchCommand(
        {
          db: database.db,
          clock,
          dispatch: { ...outbound, logger },
          out: (line) => console.log(line),
          stdout: process.stdout,
          err: process.stderr,
        },
        positionals,
        values,
      );
    } finally {
      outbound.close();
      await devSink?.close();
      await database.close();
    }
  }
  if (command === "demo") {
    const r = await loadDemoData(database.db, clock, { applications: config.demoApplications });
    console.log(
      r.loaded
        ? `Demo data loaded: ${r.applications} applications.`
        : "The database already has data; nothing loaded.",
    );
    await database.close();
    return 0;
  }
  // Listened for before anything starts: a SIGTERM that arrives while the server is already answering
  // but the worker is still starting (a supervisor, a test) used to kill the process outright, the
  // embedded database with it. Now it waits for the start to finish, then stops cleanly.
  const stopRequested = new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
  const stops: (() => Promise<void>)[] = [];
  if (command === "start" && config.devTools)
    await loadDemoData(database.db, clock, { applications: config.demoApplications });
  // With no relay configured, a development SMTP sink receives the mail (read it at /dev/mail).
  const devSink =
    command === "start" && config.devTools && !config.smtpUrl
      ? await startDevSink({ dataDir: config.dataDir, clock })
      : undefined;
  if (devSink) stops.push(() => devSink.close());
  if (command === "start" || command === "serve") {
    const { app, urls } = await buildApp({ config, database, clock, devClock, devSink, logger });
    await app.listen({ host: config.host, port: config.port });
    stops.push(() => app.close());
    printBanner(config, database, urls.base, devSink);
  }
  if (command === "start" || command === "worker") {
    const outbound = outboundServices(config, devSink);
    const jobs = allJobs({
      dispatch: outbound,
      dispatchLoops: config.dispatchLoops,
      dispatchLeaseMs: config.dispatchLeaseMs,
      ledger: {
        key: await loadOrCreateLedgerKey(config.dataDir),
        timestampAuthorityUrl: config.ledger.timestampAuthorityUrl,
        signEveryMs: config.ledger.signEveryMs,
        bounceWindowMs: config.ledger.bounceWindowMs,
      },
      mailboxes: watchMailboxes(config, devSink),
      notices: portalServicesFor(config, database.db, clock).notices,
    });
    const scheduler = startScheduler(jobs, { db: database.db, clock, logger });
    stops.push(async () => {
      await scheduler.stop();
      outbound.close();
    });
    if (command === "worker") console.log(`Liaison worker running ${jobs.length} job(s).`);
  }
  await stopRequested;
  for (const s of stops.reverse()) await s();
  await database.close();
  return 0;
}

async function printLetters(
  database: Database,
  sub: string | undefined,
  values: Record<string, string | boolean | undefined>,
): Promise<number> {
  if (sub !== "list") {
    console.error(help.letters);
    return 2;
  }
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  try {
    for await (const line of listLetters(database.db, { file: str(values.file), state: str(values.state) })) {
      console.log(
        values.json
          ? JSON.stringify(line)
          : [
              line.createdAt,
              line.file,
              line.type,
              line.state,
              line.channel,
              line.recipient.split("\n")[0],
            ].join("  "),
      );
    }
  } catch (e) {
    if (e instanceof AppError) {
      console.error(translator("en")(errorKey(e.code)));
      return 2;
    }
    throw e;
  }
  return 0;
}

async function clockFor(
  config: Config,
  database: Database,
): Promise<{ clock: Clock; devClock: OffsetClock | undefined }> {
  if (!config.devTools) return { clock: systemClock, devClock: undefined };
  const offset = Number((await readSetting(database.db, devClockSetting)) ?? 0);
  const devClock = new OffsetClock(systemClock, Number.isFinite(offset) && offset > 0 ? offset : 0);
  return { clock: devClock, devClock };
}

function printBanner(config: Config, database: Database, base: string, devSink: DevSink | undefined): void {
  const lines = [
    "",
    `Liaison is running at ${base}/agent`,
    `  My Case, the counsel portal: ${base}/portal`,
    `  database: ${database.engine === "pglite" ? `embedded PostgreSQL (PGlite) in ${config.dataDir}` : "PostgreSQL"}`,
  ];
  if (config.devTools) {
    lines.push(`  developer tools: ${base}/dev (clock, identity provider, mail)`);
    if (devSink)
      lines.push(
        `  mail: development SMTP sink on ${devSink.host}:${devSink.port}, read at ${base}/dev/mail`,
      );
    lines.push("", "Demo sign-ins (choose one on the sign-in page):");
    for (const s of demoStaff) lines.push(`  ${s.subject.padEnd(14)} ${s.name} — ${s.description.en}`);
    lines.push("", "My Case demo identities (development sign-in partner; access codes at /dev/sms):");
    for (const d of demoPortalIdentities)
      lines.push(
        `  ${d.subject.padEnd(22)} ${d.registered ? `${d.counsel}, registered` : d.counsel ? `${d.counsel}, not registered yet` : "no counsel: registration is refused"}`,
      );
  } else {
    lines.push(`  sign-in: ${config.oidc?.issuer}`);
  }
  console.log(`${lines.join("\n")}\n`);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : e);
    process.exit(1);
  },
);
