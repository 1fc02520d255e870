// The bounce classification table (C-16, issue "Bounces" item 7). Data, not code: classify.ts walks it
// in order and the first row whose patterns all match gives the reason. Every row carries an example taken
// from (or modelled on) a real report, and test/bounces/classification-table.test.ts checks that each
// example lands on its own row, so a row added too low (shadowed by an earlier one) fails a test.
//
// Order matters and is in four bands:
//   1. definitive enhanced status codes (RFC 3463): the code alone says what happened;
//   2. vendor phrases: wordings of one system, named in the note;
//   3. generic phrases, most specific first (spam before mailbox-full before host before user, ...);
//   4. status-code classes (X.7.x, X.4.x, X.1.x): used only when no phrase said more.
//
// A row names a kind only when the error itself decides permanence (greylisting is always temporary).
// Otherwise the kind comes from the report: the DSN Action, the report's own "permanent"/"delayed"
// wording, then the status class (5.x.x hard, 4.x.x soft) — see classify.ts.
//
// Decision on 5.2.2 / mailbox full: RFC 3463 calls X.2.2 a "persistent transient failure" and many
// senders retry such addresses later. Here `kind` is about the fate of THIS letter, not about whether the
// address is worth keeping: a 5.2.2 (or Action: failed) report means the letter was returned and nobody
// will retry it, so it is "hard" — a tribunal must not be told it arrived. The reason "mailbox-full" tells
// a caller that the address itself is probably fine and a new letter may well go through; a 4.2.2 in a
// delay report stays "soft".
//
// Patterns are plain alternations without nested quantifiers, so they run in linear time on the bounded
// text (parse.ts caps what it reads).

export type Kind = "hard" | "soft" | "not-a-bounce";

export type Reason =
  | "user-unknown"
  | "mailbox-full"
  | "host-unknown"
  | "rejected-as-spam"
  | "policy"
  | "message-too-large"
  | "expired/delayed"
  | "other";

export interface ClassificationRow {
  /** Tested against the enhanced status code (RFC 3463), e.g. "5.1.1". */
  status?: RegExp;
  /** Tested against the diagnostic text (the remote server's reply or the report's own wording). */
  diagnostic?: RegExp;
  /** Only when the error itself decides it; otherwise the action and status class do. */
  kind?: "hard" | "soft";
  reason: Reason;
  /** Where the pattern comes from: the RFC, the system and the report wording. */
  note: string;
  /** A diagnostic (and status) that must be classified by this very row. */
  example: { status?: string; diagnostic: string };
}

export const CLASSIFICATION_TABLE: readonly ClassificationRow[] = [
  // 1. Definitive status codes.
  {
    status: /^5\.1\.10$/,
    reason: "user-unknown",
    note: "Exchange Online / Office 365: 5.1.10 RESOLVER.ADR.RecipientNotFound (Microsoft's use of X.1.10)",
    example: {
      status: "5.1.10",
      diagnostic:
        "smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup",
    },
  },
  {
    status: /^[45]\.1\.1$/,
    reason: "user-unknown",
    note: "RFC 3463 X.1.1 bad destination mailbox address (Postfix, Sendmail, Exim, Gmail, qmail #5.1.1)",
    example: {
      status: "5.1.1",
      diagnostic:
        "smtp; 550 5.1.1 <ana@example.org>: Recipient address rejected: User unknown in local recipient table",
    },
  },
  {
    status: /^5\.2\.1$/,
    reason: "user-unknown",
    note: "RFC 3463 5.2.1 mailbox disabled (Gmail: 'The email account that you tried to reach is disabled')",
    example: {
      status: "5.2.1",
      diagnostic: "smtp; 550 5.2.1 The email account that you tried to reach is disabled.",
    },
  },
  {
    status: /^[45]\.2\.2$/,
    reason: "mailbox-full",
    note: "RFC 3463 X.2.2 mailbox full (Dovecot quota, Gmail OverQuota); 5.2.2 is hard here, see the header",
    example: {
      status: "5.2.2",
      diagnostic: "lmtp; 552 5.2.2 <ana@example.org> Quota exceeded (mailbox for user is full)",
    },
  },
  {
    status: /^[45]\.(?:3\.4|2\.3)$/,
    reason: "message-too-large",
    note: "RFC 3463 X.3.4 message too big for system, X.2.3 message length exceeds administrative limit",
    example: { status: "5.3.4", diagnostic: "smtp; 552 5.3.4 Message size exceeds fixed limit" },
  },
  {
    status: /^[45]\.1\.2$/,
    reason: "host-unknown",
    note: "RFC 3463 X.1.2 bad destination system address",
    example: { status: "5.1.2", diagnostic: "smtp; 550 5.1.2 Bad destination system address" },
  },
  {
    status: /^[45]\.4\.7$/,
    reason: "expired/delayed",
    note: "RFC 3463 X.4.7 delivery time expired (Exchange 'message expired', Sendmail queue timeout)",
    example: { status: "4.4.7", diagnostic: "smtp;550 4.4.7 QUEUE.Expired; message expired" },
  },

  // 2. Vendor phrases.
  {
    diagnostic: /RESOLVER\.ADR\.(?:Recip(?:ient)?NotFound|ExRecipNotFound|RecipLimit)/i,
    reason: "user-unknown",
    note: "Exchange 2007-2019 / Office 365 categorizer: RESOLVER.ADR.RecipNotFound",
    example: { diagnostic: "#550 RESOLVER.ADR.RecipNotFound; not found ##" },
  },
  {
    diagnostic: /RESOLVER\.RST\.(?:RecipSizeLimit|RecipientSizeLimit|SendSizeLimit)/i,
    reason: "message-too-large",
    note: "Exchange: RESOLVER.RST.RecipSizeLimit",
    example: { diagnostic: "#550 RESOLVER.RST.RecipSizeLimit; message too large for this recipient ##" },
  },
  {
    diagnostic: /RESOLVER\.RST\.(?:AuthRequired|NotAuthorized)/i,
    reason: "policy",
    note: "Exchange: RESOLVER.RST.AuthRequired (the group takes mail only from authenticated senders)",
    example: { diagnostic: "#550 RESOLVER.RST.AuthRequired; authentication required ##" },
  },
  {
    diagnostic: /this user doesn't have an? \S+ account|this mailbox is disabled \(554\.30\)/i,
    reason: "user-unknown",
    note: "Yahoo: 'dd This user doesn't have a yahoo.com account', 'This mailbox is disabled (554.30)'",
    example: {
      diagnostic: "Remote host said: 554: delivery error: dd This user doesn't have a yahoo.com account",
    },
  },
  {
    diagnostic: /no mailbox here by that name|sorry, i couldn't find any host (?:named|by that name)/i,
    reason: "user-unknown",
    note: "qmail-local / qmail-remote: 'Sorry, no mailbox here by that name.'",
    example: { diagnostic: "Sorry, no mailbox here by that name." },
  },
  {
    diagnostic: /not listed in (?:public Name & Address Book|(?:the )?Domino Directory)/i,
    kind: "hard",
    reason: "user-unknown",
    note: "Lotus Notes / HCL Domino: 'User not listed in public Name & Address Book'",
    example: { diagnostic: "User not listed in public Name & Address Book" },
  },
  {
    diagnostic:
      /Google tried to deliver your message, but it was rejected by the (?:server|recipient domain)[\s\S]{0,400}\(state 1[78]\)/i,
    reason: "policy",
    note: "Gmail (legacy text): '(state 17)' / '(state 18)' rejections after DATA",
    example: {
      diagnostic:
        "Google tried to deliver your message, but it was rejected by the recipient domain. 554 554 Header error (state 18).",
    },
  },

  // 3. Generic phrases.
  {
    diagnostic: /\b(?:spam|unsolicited|junk mail|bulk e-?mail|UCE)\b|spamassassin|content filter/i,
    reason: "rejected-as-spam",
    note: "Content filters (SpamAssassin, Gmail 'likely unsolicited mail', Office 365 5.7.350 'detected as spam')",
    example: { status: "5.7.1", diagnostic: "550 5.7.1 Message rejected as spam by Content Filtering." },
  },
  {
    diagnostic:
      /blocked using|\b(?:black|block|deny)-?list(?:ed)?\b|listed (?:at|on|in) |\b(?:DNSBL|RBL)\b|spamhaus|spamcop|barracuda|\bsorbs\b|sender reputation|poor reputation|IP reputation/i,
    reason: "rejected-as-spam",
    note: "DNS blocklists and reputation: Postfix 'Client host [ip] blocked using zen.spamhaus.org'",
    example: {
      status: "5.7.1",
      diagnostic: "554 5.7.1 Service unavailable; Client host [192.0.2.10] blocked using zen.spamhaus.org",
    },
  },
  {
    diagnostic:
      /mailbox (?:is )?full|mailbox quota|over ?quota|quota (?:exceeded|exceed)|exceeded (?:its |the |his |her )?(?:storage|quota|mailbox)|insufficient (?:disk |storage )?space|not enough (?:disk |storage )?space|mailbox size limit|mailfolder is full|too many messages (?:in|on)|bo[iî]te (?:aux lettres |de r[ée]ception )?(?:est )?pleine|postfach (?:ist )?voll|speicherplatz/i,
    reason: "mailbox-full",
    note: "Quota wordings: Exim 'Mailbox quota exceeded', vpopmail 'over quota', French 'boîte pleine', German 'Postfach voll'",
    example: { diagnostic: "mailbox is full: retry timeout exceeded" },
  },
  {
    diagnostic:
      /(?:message|mail|e-?mail) (?:size )?(?:is )?too (?:big|large)|size (?:limit )?exceed|exceeds? (?:the )?(?:fixed |maximum |max |allowed )?(?:message )?size|message length exceeds|too large for|size limit/i,
    reason: "message-too-large",
    note: "Size limits: Postfix 'message size exceeds fixed limit', Exim 'message too big'",
    example: { status: "5.0.0", diagnostic: "552 Message size exceeds maximum permitted" },
  },
  {
    diagnostic:
      /host (?:or domain name )?not found|domain (?:name )?(?:does not exist|not found|is not reachable)|unrout(?:e)?able (?:address|domain)|no such domain|name service error|\bNXDOMAIN\b|host unknown|unknown host|MX lookup fail|no MX (?:record|host)|DNS Error: (?:Domain name not found|DNS server returned answer with no data)|domaine (?:inexistant|introuvable)|Domain (?:existiert nicht|unbekannt)/i,
    reason: "host-unknown",
    note: "DNS failures: Postfix 'Host or domain name not found', Exim 'Unrouteable address', Gmail 'DNS Error'",
    example: {
      status: "5.4.4",
      diagnostic:
        "Host or domain name not found. Name service error for name=example.invalid type=A: Host not found",
    },
  },
  {
    diagnostic:
      /user (?:unknown|not found|not known|does not exist|doesn't exist)|unknown (?:user|recipient|mailbox|local[- ]part|e-?mail address|address)|no such (?:user|recipient|mailbox|address|person)|(?:mailbox|recipient|account|address|e-?mail address|addressee) (?:does not exist|doesn't exist|not found|unknown|unavailable|is unavailable|not available|is disabled|disabled|has been disabled|is inactive|inactive)|recipient address rejected: (?:user unknown|undeliverable address|invalid)|invalid (?:recipient|mailbox|address)|(?:is )?not a (?:valid|known) (?:user|recipient|mailbox)|couldn't be found|could not be found|was not found|wasn't found|does not exist at the organization|no longer (?:accepts mail|active|valid)|utilisateur inconnu|adresse (?:inexistante|introuvable|invalide)|destinataire inconnu|introuvable|Empf[äa]nger unbekannt|unbekannter? (?:Empf[äa]nger|Benutzer)|Benutzer unbekannt|existiert nicht|nicht vorhanden/i,
    reason: "user-unknown",
    note: "Unknown-recipient wordings of many MTAs (list after sisimai's UserUnknown), French and German ones",
    example: { status: "5.0.0", diagnostic: "550 <ana@example.org>: No such user here" },
  },
  {
    diagnostic: /greylist|try again later/i,
    kind: "soft",
    reason: "expired/delayed",
    note: "Greylisting (Postgrey 'Greylisted, see http://postgrey.schweikert.ch/'): temporary by design",
    example: { diagnostic: "Greylisted, please try again later" },
  },
  {
    diagnostic:
      /retry time(?:out)? (?:exceeded|reached|expired)|(?:could not be|not) (?:delivered|sent) for (?:the )?(?:past )?\d+ (?:days?|hours?)|delivery time expired|message expired|too long in (?:the )?queue|(?:been|was) in the queue too long|timed? ?out|connection (?:refused|reset|lost|dropped)|delivery temporarily suspended|still being retried|will (?:be )?retr(?:y|ied)|has been delayed|not yet been delivered|temporar(?:y|ily) (?:failure|unavailable|deferred|rejected|problem)/i,
    reason: "expired/delayed",
    note: "Queue expiry and connection failures: Postfix 'delivery temporarily suspended', qmail 'in the queue too long'",
    example: { diagnostic: "I'm not going to try again; this message has been in the queue too long." },
  },
  {
    diagnostic:
      /\bpolic(?:y|ies)\b|not (?:allowed|permitted|authori[sz]ed)|access denied|relay(?:ing)? (?:access )?(?:denied|not permitted|prohibited)|\b(?:SPF|DMARC|DKIM)\b|unauthenticated|authentication (?:required|failed)|sender (?:address )?(?:rejected|denied|blocked)|prohibited|refused|rejected by (?:the )?(?:recipient|administrator|organi[sz]ation)|\bblocked\b/i,
    reason: "policy",
    note: "Policy refusals: 'Relay access denied', DMARC/SPF failures, 'rejected by the recipient's organization'",
    example: {
      status: "5.0.0",
      diagnostic: "554 <ana@example.org>: Relay access denied",
    },
  },

  // 4. Status-code classes.
  {
    status: /^[45]\.1\.[78]$/,
    reason: "policy",
    note: "RFC 3463 X.1.7 / X.1.8 bad sender address: the refusal is about us, not the recipient",
    example: { status: "5.1.8", diagnostic: "smtp; 553 5.1.8 Bad sender's system address" },
  },
  {
    status: /^[45]\.7\.\d{1,3}$/,
    reason: "policy",
    note: "RFC 3463 X.7.x security or policy status (5.7.1 with no spam wording is a policy refusal)",
    example: { status: "5.7.1", diagnostic: "smtp; 550 5.7.1 Message rejected" },
  },
  {
    status: /^[45]\.4\.4$/,
    reason: "host-unknown",
    note: "RFC 3463 X.4.4 unable to route",
    example: { status: "5.4.4", diagnostic: "smtp; 550 5.4.4 Unable to route" },
  },
  {
    status: /^4\.4\.\d{1,3}$/,
    reason: "expired/delayed",
    note: "RFC 3463 4.4.x network and routing status, temporary (no answer from host, bad connection)",
    example: { status: "4.4.1", diagnostic: "smtp; 421 4.4.1 No answer from host" },
  },
  {
    status: /^[45]\.1\.\d{1,3}$/,
    reason: "user-unknown",
    note: "RFC 3463 X.1.x other addressing status (5.1.0 'Address rejected', 5.1.3 bad syntax, 5.1.6 moved)",
    example: { status: "5.1.6", diagnostic: "smtp; 550 5.1.6 Recipient addresses moved" },
  },
];
