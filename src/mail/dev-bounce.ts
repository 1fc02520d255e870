import { randomUUID } from "node:crypto";

// The non-delivery report a mail server writes when it cannot deliver (RFC 3464 multipart/report, in
// the form Postfix gives it), for the development sink to play a relay that bounces. Sent back to the
// message's envelope sender (our VERP address), it goes through the same intake as a real one.

export interface DevBounceInput {
  /** The bytes of the message that "failed". */
  original: Buffer;
  /** Its envelope sender: the address the report goes back to. */
  returnPath: string;
  failedRecipient: string;
  /** "hard": 5.1.1 user unknown; "soft": 4.2.2 mailbox full, delayed; "relayed": sent on without a report. */
  kind: "hard" | "soft" | "relayed";
  reportingMta: string;
  arrivalDate: Date;
  now: Date;
}

const outcomes = {
  hard: {
    action: "failed",
    status: "5.1.1",
    diagnostic: "smtp; 550 5.1.1 <{rcpt}>: Recipient address rejected: User unknown in virtual mailbox table",
    subject: "Undelivered Mail Returned to Sender",
    text: "I'm sorry to have to inform you that your message could not\nbe delivered to one or more recipients.",
  },
  soft: {
    action: "delayed",
    status: "4.2.2",
    diagnostic: "smtp; 452 4.2.2 <{rcpt}>: Mailbox full",
    subject: "Delayed Mail (still being retried)",
    text: "This is a warning only; you do not need to resend your message.\nDelivery is still being retried.",
  },
  relayed: {
    action: "relayed",
    status: "2.0.0",
    diagnostic: "smtp; 250 2.0.0 relayed to a system that does not report delivery",
    subject: "Relayed mail: delivery may not be reported",
    text: "Your message was relayed to a system that does not support delivery\nstatus notifications; delivery to the following recipient may not be reported.",
  },
} as const;

export function devBounce(input: DevBounceInput): Buffer {
  const o = outcomes[input.kind];
  const boundary = `dev-bounce-${randomUUID()}`;
  const headerEnd = input.original.indexOf("\r\n\r\n");
  const originalHeaders = input.original
    .subarray(0, headerEnd === -1 ? input.original.length : headerEnd)
    .toString("latin1");
  const lines = [
    `Date: ${input.now.toUTCString().replace("GMT", "+0000")}`,
    `From: MAILER-DAEMON@${input.reportingMta} (Mail Delivery System)`,
    `To: ${input.returnPath}`,
    `Subject: ${o.subject}`,
    `Message-ID: <${randomUUID()}@${input.reportingMta}>`,
    "Auto-Submitted: auto-replied",
    "MIME-Version: 1.0",
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    "",
    "This is a MIME-encapsulated message.",
    "",
    `--${boundary}`,
    "Content-Description: Notification",
    "Content-Type: text/plain; charset=us-ascii",
    "",
    `This is the mail system at host ${input.reportingMta}.`,
    "",
    o.text,
    "",
    `<${input.failedRecipient}>: ${o.diagnostic.replace("{rcpt}", input.failedRecipient).replace(/^smtp; /, "")}`,
    "",
    `--${boundary}`,
    "Content-Description: Delivery report",
    "Content-Type: message/delivery-status",
    "",
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `Arrival-Date: ${input.arrivalDate.toUTCString().replace("GMT", "+0000")}`,
    "",
    `Final-Recipient: rfc822; ${input.failedRecipient}`,
    `Original-Recipient: rfc822;${input.failedRecipient}`,
    `Action: ${o.action}`,
    `Status: ${o.status}`,
    `Diagnostic-Code: ${o.diagnostic.replace("{rcpt}", input.failedRecipient)}`,
    "",
    `--${boundary}`,
    "Content-Description: Undelivered Message Headers",
    "Content-Type: text/rfc822-headers",
    "",
    originalHeaders.replace(/\r\n/g, "\n").split("\n").join("\r\n"),
    "",
    `--${boundary}--`,
    "",
  ];
  return Buffer.from(lines.join("\r\n"), "latin1");
}
