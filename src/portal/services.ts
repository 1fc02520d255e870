import type { AnyActor } from "../audit/record.ts";
import type { Clock } from "../clock.ts";
import type { Executor } from "../db/client.ts";
import type { notificationKinds } from "../db/schema/portal.ts";
import type { BlobStore } from "../evidence/blob-store.ts";
import type { SmsTransport } from "./sms.ts";
import type { VirusScanner } from "./virus-scan.ts";

export type NoticeKind = (typeof notificationKinds)[number];

export interface NoticeRequest {
  kind: NoticeKind;
  to: string;
  counselId?: string | undefined;
  delegateId?: string | undefined;
  params?: { confirmationNumber?: string };
  at: Date;
  actor: AnyActor;
}

/** What My Case's use cases run with; the web app and the tests build it once (portal/wiring.ts). */
export interface PortalServices {
  db: Executor;
  clock: Clock;
  sms: SmsTransport;
  blobs: BlobStore;
  /** P-7: queues an email notice in the caller's transaction (sealed now, sent by the worker). */
  notices: { queue(tx: Executor, n: NoticeRequest): Promise<void> };
  /** P-5: clamd, when CLAMD_SOCKET is set; absent, documents are recorded as not scanned. */
  scanner: VirusScanner | undefined;
}
