import { purgeExpiredSessions } from "../auth/jobs.ts";
import { generatePendingBatches } from "../batches/service.ts";
import { bounceWindowSweep } from "../correspondence/bounce-window.ts";
import { deadlineSweep } from "../correspondence/deadlines.ts";
import { type DispatchDeps, dispatchDue } from "../correspondence/dispatcher.ts";
import { keepPlannerStatistics } from "../db/maintenance.ts";
import { delegationReminders } from "../delegation/service.ts";
import { type LedgerSigner, sequenceLedger, signTreeHead } from "../evidence/ledger.ts";
import { sendPortalNotices } from "../portal/notifications.ts";
import type { PortalServices } from "../portal/services.ts";
import type { Job } from "./scheduler.ts";

export interface WorkerServices {
  dispatch: Omit<DispatchDeps, "db" | "clock" | "logger">;
  /** How many dispatch loops run at once (DISPATCH_LOOPS). */
  dispatchLoops?: number;
  /** DISPATCH_LEASE_SECONDS, in milliseconds. */
  dispatchLeaseMs?: number;
  ledger: Omit<LedgerSigner, "logger"> & { signEveryMs: number; bounceWindowMs: number };
  /** C-16: the generic mailboxes' watcher (absent: not watched by this worker). */
  mailboxes?: Job | undefined;
  /** D-2: My Case's notices, for the delegation reminders (absent: no reminders from this worker). */
  notices?: PortalServices["notices"] | undefined;
}

/**
 * Sends the letters that are due: a pass every few seconds, until the outbox has nothing due. Several
 * loops run at once (`DISPATCH_LOOPS`), so one loop's SMTP round trips overlap another's database work.
 */
export function dispatchLetters(services: WorkerServices): Job {
  return {
    name: "dispatch-letters",
    everyMs: 2_000,
    async run(ctx) {
      const batch = 50;
      const loop = async () => {
        let total = 0;
        for (;;) {
          const { done, claimed } = await dispatchDue(
            { ...services.dispatch, ...ctx },
            { batch, ...(services.dispatchLeaseMs ? { leaseMs: services.dispatchLeaseMs } : {}) },
          );
          total += done;
          if (claimed < batch) return total;
        }
      };
      const done = await Promise.all(Array.from({ length: services.dispatchLoops ?? 1 }, loop));
      return { done: done.reduce((a, b) => a + b, 0) };
    },
  };
}

/** C-19: writes the letters of batches, a few hundred per transaction, as soon as a batch is created. */
export const generateBatchLetters: Job = {
  name: "generate-batch-letters",
  everyMs: 2_000,
  async run(ctx) {
    return { done: await generatePendingBatches(ctx) };
  },
};

/** B-2: gives queued ledger entries their place in the tree, every second (one writer: a lock). */
export const sequenceLedgerEntries: Job = {
  name: "sequence-ledger",
  everyMs: 1_000,
  async run(ctx) {
    let total = 0;
    for (;;) {
      const n = await sequenceLedger(ctx.db);
      total += n;
      if (n === 0) return { done: total };
    }
  },
};

/** B-2: signs a tree head when the ledger grew since the last one. */
export function signTreeHeads(services: WorkerServices): Job {
  return {
    name: "sign-tree-head",
    everyMs: services.ledger.signEveryMs,
    async run(ctx) {
      const signed = await signTreeHead(ctx.db, ctx.clock, { ...services.ledger, logger: ctx.logger });
      return { done: signed?.created ? 1 : 0 };
    },
  };
}

/** The planner's statistics and the busiest tables' dead rows (db/maintenance.ts): every minute. */
export const keepStatistics: Job = {
  name: "keep-planner-statistics",
  everyMs: 60_000,
  async run(ctx) {
    return { done: (await keepPlannerStatistics(ctx.db)).length };
  },
};

/** Every periodic job `liaison worker` runs. A job not listed here never runs (a test checks each has a handler). */
export function allJobs(services: WorkerServices): readonly Job[] {
  return [
    purgeExpiredSessions,
    generateBatchLetters,
    dispatchLetters(services),
    sendPortalNotices({ transport: services.dispatch.transport, blobs: services.dispatch.blobs }),
    deadlineSweep,
    sequenceLedgerEntries,
    keepStatistics,
    signTreeHeads(services),
    bounceWindowSweep(services.ledger.bounceWindowMs),
    ...(services.mailboxes ? [services.mailboxes] : []),
    ...(services.notices ? [delegationReminders({ notices: services.notices })] : []),
  ];
}
