import type { transferKinds } from "../db/schema/transfers.ts";
import type { ErrorCode } from "../errors.ts";

// Pure rules of moving a file between offices (SPEC C-21). No I/O.

export type TransferKind = (typeof transferKinds)[number];

/** C-21: a move for processing tells the party at once; a triage move is internal and says nothing. */
export function noticeRequired(kind: TransferKind): boolean {
  switch (kind) {
    case "processing":
      return true;
    case "triage":
      return false;
  }
}

/** A move must go somewhere: to an office other than the one that holds the file now. */
export function checkDestination(current: string, destination: string): ErrorCode | undefined {
  return current === destination ? "TRANSFER_SAME_OFFICE" : undefined;
}
