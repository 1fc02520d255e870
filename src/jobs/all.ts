import { purgeExpiredSessions } from "../auth/jobs.ts";
import type { Job } from "./scheduler.ts";

/** Every periodic job `liaison worker` runs. A job not listed here never runs (a test checks each has a handler). */
export const allJobs: readonly Job[] = [purgeExpiredSessions];
