import path from "node:path";
import type { Clock } from "../clock.ts";
import type { Config } from "../config.ts";
import type { Executor } from "../db/client.ts";
import { AppError } from "../errors.ts";
import { fileBlobStore } from "../evidence/blob-store.ts";
import { type DkimKey, loadOrCreateDkimKey } from "../mail/dkim.ts";
import { queueNotice } from "./notifications.ts";
import type { PortalServices } from "./services.ts";
import { type SmsTransport, smsTransportFor } from "./sms.ts";
import { clamdScanner } from "./virus-scan.ts";

/** The development outbox is no place for a real counsel's code: without GC Notify, production sends none. */
const noSmsService: SmsTransport = {
  name: "gc-notify",
  send: async () => {
    throw new AppError("SMS_NOT_SENT");
  },
};

/** My Case's services from the configuration: blob store, SMS, notices (sealed here, sent by the worker), clamd. */
export function portalServicesFor(config: Config, db: Executor, clock: Clock): PortalServices {
  const blobs = fileBlobStore(path.join(config.dataDir, "blobs"));
  const keys = new Map<string, Promise<DkimKey>>();
  const dkimKeyFor = (domain: string) => {
    let key = keys.get(domain);
    if (!key) {
      key = loadOrCreateDkimKey(config.dataDir, { selector: config.dkimSelector, domain });
      keys.set(domain, key);
    }
    return key;
  };
  const noticeFrom = config.portal?.noticeFrom ?? "no-reply@mycase.tribunal.example";
  return {
    db,
    clock,
    blobs,
    sms: config.sms?.notify || config.devTools ? smsTransportFor(config, db) : noSmsService,
    notices: {
      async queue(tx, n) {
        await queueNotice(tx, { blobs, dkimKeyFor, noticeFrom }, n);
      },
    },
    scanner: config.portal?.clamdSocket ? clamdScanner(config.portal.clamdSocket) : undefined,
  };
}
