import type { Logger } from "pino";
import type { Clock } from "../clock.ts";
import type { Executor } from "../db/client.ts";

export interface JobContext {
  db: Executor;
  clock: Clock;
  logger: Logger;
}

/** A periodic sweep: idempotent, so two workers running it at once, or one running it twice, is harmless. */
export interface Job {
  name: string;
  everyMs: number;
  run(ctx: JobContext): Promise<{ done: number }>;
}

/**
 * The in-process scheduler of `liaison worker`: runs each job at start and then every period, one run
 * of a job at a time, and stops cleanly.
 */
export function startScheduler(jobs: readonly Job[], ctx: JobContext): { stop(): Promise<void> } {
  const timers: NodeJS.Timeout[] = [];
  const running = new Set<Promise<unknown>>();
  let stopped = false;
  for (const job of jobs) {
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      const p = job
        .run(ctx)
        .then((r) => ctx.logger.debug({ job: job.name, done: r.done }, "job ran"))
        .catch((e: unknown) =>
          ctx.logger.error({ job: job.name, err: { type: (e as Error).name } }, "job failed"),
        )
        .finally(() => {
          busy = false;
          running.delete(p);
        });
      running.add(p);
    };
    tick();
    timers.push(setInterval(tick, job.everyMs));
  }
  return {
    async stop() {
      stopped = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(running);
    },
  };
}
