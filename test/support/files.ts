import { and, eq } from "drizzle-orm";
import type { Executor } from "../../src/db/client.ts";
import { applications } from "../../src/db/schema/files.ts";
import type { ApplicationStatus, LineOfBusiness } from "../../src/files/model.ts";

/** The first Montréal file (by number) of this line of business in this status, from the demo data. */
export async function firstMontrealFile(db: Executor, line: LineOfBusiness, status: ApplicationStatus) {
  const [file] = await db
    .select()
    .from(applications)
    .where(
      and(
        eq(applications.officeCode, "MTL"),
        eq(applications.lineOfBusiness, line),
        eq(applications.status, status),
      ),
    )
    .orderBy(applications.number)
    .limit(1);
  if (!file) throw new Error(`the demo has no ${status} ${line} file in Montréal`);
  return file;
}
