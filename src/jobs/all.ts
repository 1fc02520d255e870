import { purgeExpiredSessions } from "../auth/jobs.ts";
import { deadlineSweep } from "../correspondence/deadlines.ts";
import { type DispatchDeps, dispatchDue } from "../correspondence/dispatcher.ts";
import type { Job } from "./scheduler.ts";

export interface WorkerServices {
  dispatch: Omit<DispatchDeps, "db" | "clock" | "logger">;
}

/** Sends the letters that are due: a pass every few seconds, until the outbox has nothing due. */
export function dispatchLetters(services: WorkerServices): Job {
  return {
    name: "dispatch-letters",
    everyMs: 2_000,
    async run(ctx) {
      const batch = 50;
      let total = 0;
      for (;;) {
        const { done, claimed } = await dispatchDue({ ...services.dispatch, ...ctx }, { batch });
        total += done;
        if (claimed < batch) return { done: total };
      }
    },
  };
}

/** Every periodic job `liaison worker` runs. A job not listed here never runs (a test checks each has a handler). */
export function allJobs(services: WorkerServices): readonly Job[] {
  return [purgeExpiredSessions, dispatchLetters(services), deadlineSweep];
}
