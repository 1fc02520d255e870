import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { findStaffBySubject } from "../auth/store.ts";
import type { Clock } from "../clock.ts";
import { type DispatchDeps, dispatchDue } from "../correspondence/dispatcher.ts";
import type { Executor } from "../db/client.ts";
import { AppError } from "../errors.ts";
import type { StaffContext } from "../files/service.ts";
import type { MessageKey } from "../i18n/en.ts";
import { errorKey, type Lang, translator } from "../i18n/index.ts";
import { accountCsv } from "./account.ts";
import { type BatchCounts, batchOutcomes, isFinished } from "./rules.ts";
import { createBatch, generatePendingBatches, stopBatch } from "./service.ts";
import { countOutcomes, findBatch } from "./store.ts";

export const batchHelp = `Usage: liaison batch create --as SUBJECT --letter-type TYPE [criteria] [values] [--no-send] [--lang en|fr]
       liaison batch status <batch id> [--json]
       liaison batch account <batch id> [--out FILE.csv]
       liaison batch stop <batch id> --as SUBJECT

  create   chooses the files (C-19), writes one letter to each, and sends them (C-20) with a progress
           bar on stderr until every letter is accounted for; prints the batch id on stdout. As the staff
           member SUBJECT (their offices and role decide, as on the web page). With --no-send, only
           creates it: the worker writes and sends its letters.
           criteria: --office CODE --line-of-business immigration|citizenship|refugee --status STATUS
                     --received-from YYYY-MM-DD --received-to YYYY-MM-DD --represented yes|no
           letter:   --letter-type request-documents|interview-convocation|general
                     --deadline-days N | --deadline-date YYYY-MM-DD
                     --documents-list TEXT --interview-time HH:MM --interview-place TEXT
                     --next-steps TEXT --agent-note TEXT
  status   the batch's account: how many letters are waiting, sent, returned, to the post, failed
  account  the account as CSV, one line per file (stdout, or FILE.csv)
  stop     stops the batch as SUBJECT, as its page's "Stop the batch" does: the letters not yet sent are
           cancelled, the files not written to yet get none; prints what it did`;

/** The options of `liaison batch` (main.ts parses them with the others). */
export const batchOptions = {
  as: { type: "string" },
  office: { type: "string" },
  "line-of-business": { type: "string" },
  status: { type: "string" },
  "received-from": { type: "string" },
  "received-to": { type: "string" },
  represented: { type: "string" },
  "letter-type": { type: "string" },
  "deadline-days": { type: "string" },
  "deadline-date": { type: "string" },
  "documents-list": { type: "string" },
  "interview-time": { type: "string" },
  "interview-place": { type: "string" },
  "next-steps": { type: "string" },
  "agent-note": { type: "string" },
  "no-send": { type: "boolean" },
} as const;

type Values = Record<string, string | boolean | undefined>;

export interface BatchCliDeps {
  db: Executor;
  clock: Clock;
  /** The dispatcher's services; absent when nothing may be sent from here. */
  dispatch: Omit<DispatchDeps, "db" | "clock" | "logger"> & { logger: DispatchDeps["logger"] };
  out(line: string): void;
  stdout: NodeJS.WritableStream;
  err: NodeJS.WritableStream & { isTTY?: boolean };
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

/** The web form's fields, from the command line's options. */
function formOf(values: Values): Record<string, string> {
  const deadlineRule = values["deadline-days"] ? "days" : values["deadline-date"] ? "date" : "none";
  return {
    office: str(values.office),
    lineOfBusiness: str(values["line-of-business"]),
    status: str(values.status),
    receivedFrom: str(values["received-from"]),
    receivedTo: str(values["received-to"]),
    represented: str(values.represented),
    letterType: str(values["letter-type"]),
    deadlineRule,
    deadlineDays: str(values["deadline-days"]),
    deadlineDate: str(values["deadline-date"]),
    documentsList: str(values["documents-list"]),
    interviewTime: str(values["interview-time"]),
    interviewPlace: str(values["interview-place"]),
    nextSteps: str(values["next-steps"]),
    agentNote: str(values["agent-note"]),
  };
}

const optionOf: Record<string, string> = {
  lineOfBusiness: "--line-of-business",
  receivedFrom: "--received-from",
  receivedTo: "--received-to",
  letterType: "--letter-type",
  deadlineDays: "--deadline-days",
  deadlineDate: "--deadline-date",
  documentsList: "--documents-list",
  interviewTime: "--interview-time",
  interviewPlace: "--interview-place",
  nextSteps: "--next-steps",
  agentNote: "--agent-note",
  deadline: "--deadline-days/--deadline-date",
};

export async function batchCommand(
  deps: BatchCliDeps,
  positionals: readonly string[],
  values: Values,
): Promise<number> {
  const lang: Lang = values.lang === "fr" ? "fr" : "en";
  const t = translator(lang);
  const sub = positionals[1];
  try {
    if (sub === "create") return await create(deps, values, lang);
    const id = positionals[2];
    if (sub === "stop" && id) return await stop(deps, id, values, lang);
    if ((sub === "status" || sub === "account") && id) {
      const batch = await findBatch(deps.db, id);
      if (!batch) throw new AppError("NOT_FOUND");
      if (sub === "account") return await writeAccount(deps, id, str(values.out));
      const counts = await countOutcomes(deps.db, batch);
      if (values.json)
        deps.out(JSON.stringify({ batch: id, members: batch.members, counts, finished: isFinished(counts) }));
      else for (const line of summary(t, counts)) deps.out(line);
      return 0;
    }
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    const problems = e.problems.length > 0 ? e.problems : [{ field: "", code: e.code }];
    for (const p of problems) {
      const option = p.field ? `${optionOf[p.field] ?? `--${p.field}`}: ` : "";
      deps.err.write(`${option}${t(errorKey(p.code))}\n`);
    }
    return 2;
  }
  deps.err.write(`${batchHelp}\n`);
  return 2;
}

/** The staff member of `--as`, or undefined once the person was told there is none. */
async function staffOf(deps: BatchCliDeps, values: Values, lang: Lang): Promise<StaffContext | undefined> {
  const subject = str(values.as);
  const staff = subject ? await findStaffBySubject(deps.db, subject) : undefined;
  if (!staff) deps.err.write(`--as: ${translator(lang)("batchCli.unknownStaff")}\n`);
  return staff && { ...staff, ip: undefined };
}

/** C-20: the page's "Stop the batch", for an operator (the command is the confirmation). */
async function stop(deps: BatchCliDeps, id: string, values: Values, lang: Lang): Promise<number> {
  const staff = await staffOf(deps, values, lang);
  if (!staff) return 2;
  const done = await stopBatch({ db: deps.db, clock: deps.clock }, staff, id, { confirm: "yes" });
  deps.out(
    translator(lang)("batchCli.stopped", {
      cancelled: done.cancelled,
      notWritten: done.notWritten,
    }),
  );
  return 0;
}

async function create(deps: BatchCliDeps, values: Values, lang: Lang): Promise<number> {
  const t = translator(lang);
  const context = await staffOf(deps, values, lang);
  if (!context) return 2;
  const services = { db: deps.db, clock: deps.clock };
  const id = await createBatch(services, context, formOf(values));
  deps.out(id);
  if (values["no-send"]) return 0;
  const batch = await findBatch(deps.db, id);
  if (!batch) throw new Error("the batch just created is gone");
  const bar = progressBar(deps.err, t, batch.members);
  // The worker's two jobs, here: write the letters, and send what is due, until all are accounted for.
  let generating = true;
  const writing = (async () => {
    while ((await generatePendingBatches(services)) > 0);
    generating = false;
  })();
  const dispatch: DispatchDeps = { ...deps.dispatch, db: deps.db, clock: deps.clock };
  const sending = Array.from({ length: 4 }, async () => {
    for (;;) {
      const { claimed } = await dispatchDue(dispatch, { batch: 50 });
      if (claimed === 0 && !generating) return;
      if (claimed === 0) await new Promise((r) => setTimeout(r, 200));
    }
  });
  let counts = await countOutcomes(deps.db, batch);
  const timer = setInterval(() => {
    void countOutcomes(deps.db, batch).then((c) => {
      counts = c;
      bar.draw(c);
    });
  }, 1000);
  try {
    await writing;
    await Promise.all(sending);
  } finally {
    clearInterval(timer);
  }
  counts = await countOutcomes(deps.db, batch);
  bar.done(counts);
  for (const line of summary(t, counts)) deps.err.write(`${line}\n`);
  // Letters waiting on a retry (a relay's temporary failure) are the worker's from here.
  if (!isFinished(counts)) deps.err.write(`${t("batchCli.leftToWorker")}\n`);
  return 0;
}

function summary(t: (k: MessageKey, v?: Record<string, string | number>) => string, counts: BatchCounts) {
  return batchOutcomes.map((o) => `${t(`batches.outcome.${o}` as MessageKey)}: ${counts[o]}`);
}

/**
 * A progress bar on a terminal (redrawn in place), or a line every ten percent when stderr is a file or
 * a pipe (a log stays readable).
 */
export function progressBar(
  err: NodeJS.WritableStream & { isTTY?: boolean },
  t: (k: MessageKey, v?: Record<string, string | number>) => string,
  total: number,
) {
  const started = Date.now();
  let lastTenth = -1;
  const line = (c: BatchCounts) => {
    const done = total - c.waiting - c.pending;
    const share = total === 0 ? 1 : done / total;
    const width = 30;
    const filled = Math.round(share * width);
    const seconds = (Date.now() - started) / 1000;
    const rate = seconds > 0 ? Math.round(done / seconds) : 0;
    return {
      tenth: Math.floor(share * 10),
      text: `[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.floor(share * 100)}% ${t(
        "batchCli.progress",
        {
          done,
          total,
          sent: c.sent,
          rate,
        },
      )}`,
    };
  };
  return {
    draw(c: BatchCounts) {
      const { tenth, text } = line(c);
      if (err.isTTY) err.write(`\r${text}`);
      else if (tenth !== lastTenth) {
        err.write(`${text}\n`);
        lastTenth = tenth;
      }
    },
    done(c: BatchCounts) {
      const { text } = line(c);
      err.write(err.isTTY ? `\r${text}\n` : `${text}\n`);
    },
  };
}

async function writeAccount(deps: BatchCliDeps, id: string, out: string): Promise<number> {
  const target = out ? createWriteStream(out) : deps.stdout;
  for await (const chunk of accountCsv(deps.db, id)) {
    if (!target.write(chunk)) await once(target, "drain");
  }
  if (out) {
    target.end();
    await once(target, "finish");
  }
  return 0;
}
