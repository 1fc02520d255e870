import type { DevSink } from "../mail/dev-sink.ts";
import { type IntakeDeps, type IntakeResult, recordInbound } from "./intake.ts";

// In the embedded default the development sink plays the generic mailboxes: what it received for an
// office's mailbox (or a VERP address of it) is read as if it had come in over IMAP.

export async function pollDevMailbox(
  deps: IntakeDeps,
  sink: DevSink,
  offices: readonly { code: string; genericMailbox: string }[],
): Promise<IntakeResult[]> {
  const results: IntakeResult[] = [];
  const messages = (await sink.list()).reverse();
  for (const m of messages) {
    for (const office of offices) {
      const to = m.envelopeTo.find((rcpt) => baseMailbox(rcpt) === office.genericMailbox.toLowerCase());
      if (!to) continue;
      const raw = await sink.read(m.id);
      if (!raw) continue;
      results.push(
        await recordInbound(deps, {
          officeCode: office.code,
          sourceKey: `sink:${m.id}`,
          raw,
          receivedAt: m.receivedAt,
          envelopeTo: to,
          ourMailboxes: [office.genericMailbox],
        }),
      );
    }
  }
  return results;
}

/** `local+tag@domain` → `local@domain`, lower case. */
function baseMailbox(address: string): string {
  const a = address.toLowerCase();
  const at = a.lastIndexOf("@");
  const local = a.slice(0, at).replace(/\+.*$/, "");
  return `${local}${a.slice(at)}`;
}
