import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { findStaffBySubject } from "../../src/auth/store.ts";
import { OffsetClock, systemClock } from "../../src/clock.ts";
import { readConfig } from "../../src/config.ts";
import { type DispatchDeps, dispatchDue } from "../../src/correspondence/dispatcher.ts";
import { createLetter, readComposeInput } from "../../src/correspondence/service.ts";
import { ensureCorrespondenceDefaults } from "../../src/correspondence/store.ts";
import { demoShowcase, loadDemoData } from "../../src/demo/load.ts";
import { type LedgerKey, loadOrCreateLedgerKey } from "../../src/evidence/ledger-key.ts";
import { openFile, type StaffContext } from "../../src/files/service.ts";
import { createLogger } from "../../src/logger.ts";
import { type DevSink, startDevSink } from "../../src/mail/dev-sink.ts";
import { outboundServices } from "../../src/mail/outbound.ts";
import { instantToWallTime } from "../../src/time-zones.ts";
import { openTestDatabase, type TestDatabase } from "./database.ts";

// What tests of letters share: a database with the demo data and the shipped templates, a movable clock,
// a development SMTP sink, the dispatcher wired to it, the ledger's key, and an agent of Montréal.

export interface LetterDesk {
  database: TestDatabase;
  clock: OffsetClock;
  dataDir: string;
  sink: DevSink;
  dispatch: DispatchDeps;
  ledgerKey: LedgerKey;
  agent: StaffContext;
  services(): { db: TestDatabase["db"]; clock: OffsetClock };
  /** The file number of a demo showcase scenario (src/demo/load.ts). */
  showcase(scenario: string): string;
  /** "YYYY-MM-DD", n days after today in Montréal. */
  inDays(n: number): string;
  /** Writes a letter on `number` through the service, as "Send" does, to the address routed now. */
  send(number: string, fields?: Record<string, string>): Promise<string>;
  /** Runs the dispatcher until nothing is due. */
  dispatchAll(): Promise<number>;
  dispose(): Promise<void>;
}

export async function openLetterDesk(): Promise<LetterDesk> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "liaison-letters-"));
  const clock = new OffsetClock(systemClock);
  const database = await openTestDatabase({ migrate: true });
  await loadDemoData(database.db, clock);
  await ensureCorrespondenceDefaults(database.db, clock.now());
  const sink = await startDevSink({ dataDir, clock });
  const staff = await findStaffBySubject(database.db, "agent.mtl");
  const agent: StaffContext = { ...staff!, ip: "127.0.0.1" };
  const dispatch: DispatchDeps = {
    ...outboundServices({ ...readConfig({}), dataDir }, sink),
    db: database.db,
    clock,
    logger: createLogger("silent"),
  };
  const services = () => ({ db: database.db, clock });
  const inDays = (n: number) => {
    const d = new Date(`${instantToWallTime(clock.now(), "America/Toronto").slice(0, 10)}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  };
  return {
    database,
    clock,
    dataDir,
    sink,
    dispatch,
    ledgerKey: await loadOrCreateLedgerKey(dataDir),
    agent,
    services,
    showcase: (scenario) => demoShowcase.find((s) => s.scenario === scenario)!.number,
    inDays,
    async send(number, fields = { letterType: "general", agentNote: "Please call us." }) {
      const file = await openFile(services(), agent, number);
      const recipient = file.routing.channel === "none" ? "" : file.routing.address;
      return createLetter(services(), agent, number, readComposeInput({ recipient, ...fields }), "send");
    },
    async dispatchAll() {
      let total = 0;
      for (;;) {
        const { done, claimed } = await dispatchDue(dispatch);
        total += done;
        if (claimed === 0) return total;
      }
    },
    async dispose() {
      dispatch.transport.close();
      await sink.close();
      await database.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
