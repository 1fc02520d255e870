import path from "node:path";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { pollDevMailbox } from "../../src/bounces/mailbox-dev.ts";
import { readConfig } from "../../src/config.ts";
import { dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { createLetter, readComposeInput } from "../../src/correspondence/service.ts";
import { demoShowcase } from "../../src/demo/load.ts";
import { fileBlobStore } from "../../src/evidence/blob-store.ts";
import { openFile } from "../../src/files/service.ts";
import { listOffices } from "../../src/files/store.ts";
import { createLogger } from "../../src/logger.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import type { TestApp } from "./app.ts";

// What HTTP and browser tests of sent letters share: a letter written by agent.mtl through the service
// on a demo file and dispatched to the app's development sink, and one pass of the mailbox watcher.

export async function sendDemoLetter(
  t: TestApp,
  scenario: string,
  fields: Record<string, string> = { letterType: "general", agentNote: "Votre dossier est à l’étude." },
): Promise<{ id: string; number: string }> {
  const agent = { ...(await findStaffBySubject(t.database.db, "agent.mtl"))!, ip: "127.0.0.1" };
  const number = demoShowcase.find((s) => s.scenario === scenario)!.number;
  const services = { db: t.database.db, clock: t.clock };
  const file = await openFile(services, agent, number);
  const recipient = file.routing.channel === "email" ? file.routing.address : "";
  const id = await createLetter(services, agent, number, readComposeInput({ recipient, ...fields }), "send");
  await dispatchDemoLetters(t);
  return { id, number };
}

/** One pass of the dispatcher, as `liaison worker` runs it, to the app's development sink. */
export async function dispatchDemoLetters(t: TestApp) {
  const outbound = outboundServices({ ...readConfig({}), dataDir: t.dataDir }, t.devSink);
  try {
    return await dispatchDue({
      ...outbound,
      db: t.database.db,
      clock: t.clock,
      logger: createLogger("silent"),
    });
  } finally {
    outbound.close();
  }
}

/** What `liaison worker` does every few seconds in the embedded default: read the sink as the mailboxes. */
export async function watchDevMailbox(t: TestApp) {
  return pollDevMailbox(
    {
      db: t.database.db,
      clock: t.clock,
      blobs: fileBlobStore(path.join(t.dataDir, "blobs")),
      logger: createLogger("silent"),
    },
    t.devSink!,
    await listOffices(t.database.db),
  );
}
