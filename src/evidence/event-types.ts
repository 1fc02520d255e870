// B-9: the ledger names events as ETSI EN 319 522-1 does where one of its events fits, so a foreign court
// or auditor recognises them; the others carry a `liaison.` prefix so nobody mistakes them for ETSI's.

/** What happened, in our words (the letter's C-12 events, addresses, decisions, inbound reports). */
export type LedgerEventKind =
  | "generated"
  | "sealed"
  | "sent"
  | "smtp-temporary-failure"
  | "smtp-rejected"
  | "routed-to-post"
  | "delivered-by-post"
  | "bounced"
  | "cancelled"
  | "note-written"
  | "deadline-passed"
  | "response-recorded"
  | "extension-recorded"
  | "address-provided"
  | "no-bounce-window-closed"
  | "inbound-report"
  | "decision-made"
  | "content-read"
  | "resent"
  | "file-flagged"
  | "file-transferred"
  | "reconsideration-requested"
  | "portal-document-filed"
  | "portal-document-consigned"
  | "portal-notice-sent"
  | "portal-form-submitted"
  | "delegation-invited"
  | "delegation-granted"
  | "delegation-reminded"
  | "delegation-renewed"
  | "delegation-revoked"
  | "delegation-locked";

export const ledgerEventTypes: Record<LedgerEventKind, string> = {
  // The agency accepted the letter for sending: it is written, checked and scheduled.
  generated: "SubmissionAcceptance",
  sealed: "liaison.MessageSealed",
  // Plain email leaves the trusted system for a mail server that is not an ERDS.
  sent: "RelayToNonERDS",
  "smtp-temporary-failure": "liaison.RelayDeferred",
  "smtp-rejected": "RelayToNonERDSFailure",
  "routed-to-post": "liaison.RoutedToPost",
  "delivered-by-post": "liaison.HandedToPostalService",
  bounced: "ContentConsignmentFailure",
  cancelled: "liaison.SubmissionCancelled",
  "note-written": "liaison.NoteWritten",
  "deadline-passed": "liaison.DeadlinePassed",
  "response-recorded": "liaison.ResponseRecorded",
  "extension-recorded": "liaison.ExtensionRecorded",
  "address-provided": "liaison.AddressProvided",
  "no-bounce-window-closed": "liaison.NoBounceWindowClosed",
  "inbound-report": "liaison.InboundReportReceived",
  "decision-made": "liaison.DecisionMade",
  // An authenticated recipient opened the document in the portal: the strongest evidence of receipt.
  "content-read": "ContentHandover",
  resent: "liaison.ResentToUpdatedAddress",
  "file-flagged": "liaison.FileFlagged",
  // C-21: a file moved to another office (for processing, or triage).
  "file-transferred": "liaison.FileTransferred",
  // C-22: a request for reconsideration or reactivation was received; its decision is "decision-made".
  "reconsideration-requested": "liaison.ReconsiderationRequested",
  // P-5: counsel filed a document through My Case; the agency received it (the confirmation number).
  "portal-document-filed": "liaison.PortalDocumentReceived",
  // P-6: the tribunal put a document in counsel's My Case inbox: made available to the recipient.
  "portal-document-consigned": "ContentConsignment",
  // P-7: the email notice of it (no link, no attachment) was handed to the relay.
  "portal-notice-sent": "liaison.PortalNoticeSent",
  // P-8, P-9: an online form (counsel's or the client's contact details) was received.
  "portal-form-submitted": "liaison.PortalFormReceived",
  // D-1..D-6: who was authorised to act for which counsel, and when: each change of a delegation.
  "delegation-invited": "liaison.DelegateInvited",
  "delegation-granted": "liaison.DelegationGranted",
  "delegation-reminded": "liaison.DelegationRenewalReminded",
  "delegation-renewed": "liaison.DelegationRenewed",
  "delegation-revoked": "liaison.DelegationRevoked",
  "delegation-locked": "liaison.DelegateInvitationLocked",
};
