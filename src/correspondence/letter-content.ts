import crypto from "node:crypto";
import { type CanonicalValue, canonicalJson } from "../evidence/canonical.ts";
import type { AttachmentRow, LetterRow } from "./store.ts";

// What a letter says and to whom, as fixed when it was generated. Its SHA-256 goes on the ledger with the
// "generated" event, so a proof package can carry the content and a verifier recompute the hash.

export function letterContent(letter: LetterRow, attachments: readonly AttachmentRow[]): CanonicalValue {
  return {
    correspondence: letter.id,
    application: letter.applicationId,
    office: letter.officeCode,
    letterType: letter.letterType,
    language: letter.language,
    recipient: { party: letter.recipientPartyId, role: letter.recipientRole, name: letter.recipientName },
    channel: letter.channel,
    routingReason: letter.routingReason,
    address: letter.address,
    // C-21: only a transfer notice has a copy; other letters' content (and hash) is as it always was.
    ...(letter.cc ? { cc: letter.cc } : {}),
    contactPoint: letter.contactPointSeq,
    from: letter.fromAddress,
    subject: letter.subject,
    body: letter.body,
    deadline: letter.deadline,
    attachments: attachments.map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      sha256: a.sha256,
      size: a.size,
    })),
  };
}

export function contentSha256(content: CanonicalValue): string {
  return crypto.createHash("sha256").update(canonicalJson(content), "utf8").digest("hex");
}

/** The readable note (C-11) as the ledger fixes it: SHA-256 of the English, a line feed, the French. */
export function noteSha256(note: { en: string; fr: string }): string {
  return crypto.createHash("sha256").update(`${note.en}\n${note.fr}`, "utf8").digest("hex");
}
