import path from "node:path";
import type { Config } from "../config.ts";
import { fileBlobStore } from "../evidence/blob-store.ts";
import type { WorkerServices } from "../jobs/all.ts";
import type { DevSink } from "./dev-sink.ts";
import { type DkimKey, loadOrCreateDkimKey } from "./dkim.ts";
import { smtpTransport } from "./transport.ts";

/**
 * What the dispatcher sends with: the configured relay (or the development sink), the blob store in
 * DATA_DIR/blobs, and one DKIM key per sending domain in DATA_DIR/dkim (created on first use; publish
 * its record, printed by the dev pages, in DNS).
 */
export function outboundServices(
  config: Config,
  devSink: DevSink | undefined,
): WorkerServices["dispatch"] & { close(): void } {
  const url = config.smtpUrl ?? (devSink ? `smtp://${devSink.host}:${devSink.port}` : undefined);
  if (!url) throw new Error("SMTP_URL is required: no relay is configured and the development sink is off");
  const transport = smtpTransport(url);
  const keys = new Map<string, Promise<DkimKey>>();
  return {
    transport,
    blobs: fileBlobStore(path.join(config.dataDir, "blobs")),
    dkimKeyFor(domain) {
      let key = keys.get(domain);
      if (!key) {
        key = loadOrCreateDkimKey(config.dataDir, { selector: config.dkimSelector, domain });
        keys.set(domain, key);
      }
      return key;
    },
    outboundLimitBytes: config.outboundLimitBytes,
    maxAttempts: 8,
    close: () => transport.close(),
  };
}
