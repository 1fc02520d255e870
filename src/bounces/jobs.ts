import path from "node:path";
import type { Config } from "../config.ts";
import { fileBlobStore } from "../evidence/blob-store.ts";
import { listOffices } from "../files/store.ts";
import type { Job } from "../jobs/scheduler.ts";
import type { DevSink } from "../mail/dev-sink.ts";
import { pollDevMailbox } from "./mailbox-dev.ts";
import { pollImapMailbox } from "./mailbox-imap.ts";

/**
 * C-16: reads every office's generic mailbox: over IMAP where IMAP_URL_<OFFICE> is set, else, in the
 * embedded default, from the development sink. One office failing (its server down) does not stop the
 * others; it is logged and tried again next time.
 */
export function watchMailboxes(
  config: Pick<Config, "dataDir" | "mailboxes" | "mailboxPollMs">,
  devSink: DevSink | undefined,
): Job {
  const blobs = fileBlobStore(path.join(config.dataDir, "blobs"));
  return {
    name: "watch-mailboxes",
    // The development sink is read more often: a person bouncing a message on /dev/mail waits for it.
    everyMs: devSink ? Math.min(config.mailboxPollMs, 5_000) : config.mailboxPollMs,
    async run(ctx) {
      const deps = { ...ctx, blobs };
      const offices = await listOffices(ctx.db);
      let done = 0;
      for (const office of offices) {
        const url = config.mailboxes[office.code];
        if (!url) continue;
        try {
          done += (
            await pollImapMailbox(deps, {
              officeCode: office.code,
              url,
              ourMailboxes: [office.genericMailbox],
            })
          ).recorded;
        } catch (e) {
          ctx.logger.warn({ office: office.code, err: { type: (e as Error).name } }, "mailbox not read");
        }
      }
      if (devSink) {
        const unwatched = offices.filter((o) => !config.mailboxes[o.code]);
        done += (await pollDevMailbox(deps, devSink, unwatched)).filter(
          (r) => r.status !== "duplicate",
        ).length;
      }
      return { done };
    },
  };
}
