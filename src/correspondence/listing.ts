import { and, asc, eq, gt } from "drizzle-orm";
import type { Executor } from "../db/client.ts";
import { correspondence } from "../db/schema/correspondence.ts";
import { applications } from "../db/schema/files.ts";
import { AppError } from "../errors.ts";
import { fileNumberPattern } from "../files/forms.ts";
import { type CorrespondenceState, correspondenceStates } from "./rules.ts";
import { eventsOfLetters, stateOf } from "./store.ts";

/** One letter as `liaison letters list --json` prints it: a line of JSON each, for operators and scripts. */
export interface LetterLine {
  id: string;
  file: string;
  office: string;
  type: string;
  state: CorrespondenceState;
  channel: string;
  recipient: string;
  createdAt: string;
  sentAt: string | null;
  deadline: string | null;
}

/**
 * Streams every letter (optionally of one file, in one state) page by page, so a listing of a whole
 * agency does not load it into memory.
 */
export async function* listLetters(
  db: Executor,
  filter: { file?: string | undefined; state?: string | undefined },
  pageSize = 500,
): AsyncGenerator<LetterLine> {
  if (filter.file !== undefined && !fileNumberPattern.test(filter.file))
    throw new AppError("MALFORMED_FILE_NUMBER");
  if (filter.state !== undefined && !(correspondenceStates as readonly string[]).includes(filter.state))
    throw new AppError("INVALID_CHOICE");
  let after = "";
  for (;;) {
    const conditions = [
      ...(filter.file ? [eq(applications.number, filter.file)] : []),
      ...(after ? [gt(correspondence.id, after)] : []),
    ];
    const page = await db
      .select({ letter: correspondence, number: applications.number })
      .from(correspondence)
      .innerJoin(applications, eq(applications.id, correspondence.applicationId))
      .where(and(...conditions))
      .orderBy(asc(correspondence.id))
      .limit(pageSize);
    if (page.length === 0) return;
    const events = await eventsOfLetters(
      db,
      page.map((r) => r.letter.id),
    );
    for (const { letter, number } of page) {
      const mine = events.get(letter.id) ?? [];
      const state = stateOf(mine);
      if (filter.state && state !== filter.state) continue;
      const sent = mine.find((e) => e.kind === "sent" || e.kind === "delivered-by-post");
      yield {
        id: letter.id,
        file: number,
        office: letter.officeCode,
        type: letter.letterType,
        state,
        channel: letter.channel,
        recipient: letter.address,
        createdAt: letter.createdAt.toISOString(),
        sentAt: sent ? sent.at.toISOString() : null,
        deadline: letter.deadline,
      };
    }
    after = page.at(-1)!.letter.id;
    if (page.length < pageSize) return;
  }
}
