import {
  type AttachmentKind,
  type AttachmentProblem,
  acceptedExtensions,
  attachmentKinds,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_ATTACHMENTS_TOTAL_BYTES,
} from "../../../correspondence/attachments.ts";
import { deadlineInForce } from "../../../correspondence/deadlines.ts";
import { letterTypes } from "../../../correspondence/letter-types.ts";
import type { CorrespondenceState } from "../../../correspondence/rules.ts";
import type { LetterPreview } from "../../../correspondence/service.ts";
import type {
  AttachmentRow,
  findSealed,
  LetterEvent,
  LetterRow,
  lettersOfApplication,
  notesOfApplication,
} from "../../../correspondence/store.ts";
import type { ErrorCode } from "../../../errors.ts";
import type { Routing } from "../../../files/rules.ts";
import type { FileView } from "../../../files/service.ts";
import { en, type MessageKey } from "../../../i18n/en.ts";
import { errorKey, formatDate, formatInstant, type Lang, type Translate } from "../../../i18n/index.ts";
import { CsrfField, ErrorSummary, Field, type FormState } from "../../views/forms.tsx";
import { Layout, type PageContext } from "../../views/layout.tsx";

// The pages of a file's letters (SPEC C-4..C-15): the list on the file page, the compose page with its
// preview, and the letter page with its history, note and sealed message. Views only: the routes in
// letters.tsx load the data and call the correspondence service.

export type FileLetters = Awaited<ReturnType<typeof lettersOfApplication>>;
type NoteRow = Awaited<ReturnType<typeof notesOfApplication>>[number];
type SealedRow = NonNullable<Awaited<ReturnType<typeof findSealed>>>;

/** The form's name on the compose page: field ids are `letter-<field>`. */
export const composeForm = "letter";

const letterTypeLabel = (t: Translate, type: string) => t(`letterType.${type}` as MessageKey);
const stateLabel = (t: Translate, state: CorrespondenceState) => t(`letterState.${state}` as MessageKey);
const channelLabel = (t: Translate, channel: string) => t(`letterChannel.${channel}` as MessageKey);
const roleLabel = (t: Translate, role: string) => t(`role.${role}` as MessageKey);

/** The words for a sniffed type, from its kind or its media type as stored. */
function attachmentTypeLabel(t: Translate, kindOrType: string): string {
  const kind = (Object.keys(attachmentKinds) as AttachmentKind[]).find(
    (k) => k === kindOrType || attachmentKinds[k].contentType === kindOrType,
  );
  return kind ? t(`attachmentType.${kind}`) : kindOrType;
}

/** A size as people read it: "12 bytes", "340 kB", "1.2 MB" ("1,2 Mo"); 1 kB = 1024 bytes, as the limits. */
export function formatSize(lang: Lang, bytes: number): string {
  const locale = lang === "fr" ? "fr-CA" : "en-CA";
  const unit = (unit: string, value: number, digits: number) =>
    new Intl.NumberFormat(locale, {
      style: "unit",
      unit,
      unitDisplay: unit === "byte" ? "long" : "short",
      maximumFractionDigits: digits,
    }).format(value);
  if (bytes < 1024) return unit("byte", bytes, 0);
  if (bytes < 1024 * 1024) return unit("kilobyte", bytes / 1024, 0);
  return unit("megabyte", bytes / (1024 * 1024), 1);
}

/** Where correspondence goes and why, in the words of the file page (C-1..C-4). */
function routingTexts(t: Translate, lang: Lang, zone: string, routing: Routing) {
  const when = (d: Date) => formatInstant(lang, d, zone);
  if (routing.channel === "none") return { answer: "", why: t("file.why.no-address") };
  return {
    answer: t(`file.routing.${routing.reason}` as MessageKey, {
      name: routing.recipient.name,
      address: routing.address,
    }),
    why: t(`file.why.${routing.reason}` as MessageKey, {
      since: routing.representedSince ? when(routing.representedSince) : "",
      provided: when(routing.contactPoint.providedAt),
      source: t(`source.${routing.contactPoint.source}` as MessageKey),
    }),
  };
}

// ---------------------------------------------------------------------------------------------------
// On the file page

/** The file's letters, newest first, and the way to write one (only for those who may record). */
export function LettersSection(props: { ctx: PageContext; view: FileView; letters: FileLetters }) {
  const { ctx, view, letters } = props;
  const { t, lang } = ctx;
  const zone = view.office.timeZone;
  // B-5, C-17: what came back and needs someone: a bounce, or a report that is not proof of receipt.
  const followUps = letters.filter(({ events }) =>
    events.some(
      (e) =>
        e.kind === "bounced" ||
        (e.kind === "inbound-report" &&
          (e.details.kind === "soft" || e.details.action === "relayed" || e.details.action === "delayed")),
    ),
  );
  return (
    <section aria-labelledby="letters-heading">
      <h2 id="letters-heading">{t("letters.title")}</h2>
      {followUps.length > 0 ? (
        <div class="notice notice-warning" id="letters-follow-up">
          <p>{t("letters.followUp")}</p>
          <ul>
            {followUps.map(({ letter, state }) => (
              <li key={letter.id}>
                <a href={`/agent/letters/${letter.id}`}>{letterTypeLabel(t, letter.letterType)}</a> —{" "}
                {stateLabel(t, state)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {view.canRecord ? (
        <p>
          <a class="button" href={`/agent/files/${view.application.number}/letters/new`}>
            {t("letters.write")}
          </a>
        </p>
      ) : null}
      {letters.length === 0 ? (
        <p>{t("letters.none")}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t("letters.colDate")}</th>
              <th scope="col">{t("letters.colType")}</th>
              <th scope="col">{t("letters.colRecipient")}</th>
              <th scope="col">{t("letters.colChannel")}</th>
              <th scope="col">{t("letters.colState")}</th>
            </tr>
          </thead>
          <tbody>
            {letters.map(({ letter, state }) => (
              <tr key={letter.id}>
                <td>{formatInstant(lang, letter.createdAt, zone)}</td>
                <td>
                  <a href={`/agent/letters/${letter.id}`}>{letterTypeLabel(t, letter.letterType)}</a>
                </td>
                <td>
                  {letter.recipientName} <span class="tag">{roleLabel(t, letter.recipientRole)}</span>
                </td>
                <td>{channelLabel(t, letter.channel)}</td>
                <td>{stateLabel(t, state)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------
// Compose

export interface ComposePageProps {
  ctx: PageContext;
  file: FileView;
  /** What the fields show: as typed, or a new letter's defaults (the routed address, C-5). */
  values: Record<string, string>;
  /** The problems of the last submission, field by field. */
  state: FormState | undefined;
  /** The letter as it would be, when the agent asked for a preview and it could be prepared. */
  preview: LetterPreview | undefined;
  /** C-6: the deadline offered for the type shown, when that type needs one. */
  offeredDeadline: string | undefined;
  /** The type was changed and the letter is shown again before anything is written. */
  typeChanged: boolean;
  /** What became of the files of the last submission; undefined on a new letter. */
  attachments: ComposeAttachments | undefined;
}

/** The files of the last submission, as the compose page shown again speaks of them. */
export interface ComposeAttachments {
  /** The names of the files sent with it: gone from the form, since a browser never keeps them. */
  sent: string[];
  /** Each file refused, and why, to show beside the file input. */
  refused: AttachmentProblem[];
  /** The names of files sent with the page before that did not come back this time. */
  missing: string | undefined;
  /** The names the next post is expected to bring back (the hidden field "attachedBefore"). */
  carry: string;
}

export function ComposePage(props: ComposePageProps) {
  const { ctx, file, values, state, preview } = props;
  const { t, lang } = ctx;
  const sent = props.attachments?.sent ?? [];
  const number = file.application.number;
  const zone = file.office.timeZone;
  const routing = file.routing;
  const v = (name: string) => values[name] ?? "";
  const chosenType = v("letterType");
  const title = `${t("compose.title")} — ${t("file.title", { number })}`;
  const common = { t, form: composeForm, state };
  const textarea = (name: string, label: MessageKey, hint: MessageKey, rows = 4) => (
    <Field {...common} name={name} label={t(label)} hint={t(hint)}>
      {(a) => <textarea {...a} rows={rows} value={v(name)} />}
    </Field>
  );
  const input = (name: string, label: MessageKey, hint: MessageKey, type: "text" | "date" | "time") => (
    <Field {...common} name={name} label={t(label)} hint={t(hint)}>
      {(a) => <input type={type} {...a} value={v(name)} />}
    </Field>
  );

  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href={`/agent/files/${number}`}>{t("compose.back", { number })}</a>
      </p>
      <h1>{title}</h1>
      <p>{t("compose.intro")}</p>
      {routing.channel === "none" ? (
        <div class="notice notice-warning">
          <p>{t("compose.noAddress", { name: routing.recipient.name })}</p>
        </div>
      ) : (
        <>
          {props.typeChanged ? (
            <div class="notice notice-warning" role="status">
              <p>{t("compose.typeChanged")}</p>
            </div>
          ) : null}
          {props.attachments?.missing ? (
            <div class="notice notice-warning" role="status">
              <p>{t("compose.attachmentsMissing", { names: props.attachments.missing })}</p>
            </div>
          ) : null}
          <ErrorSummary t={t} state={state} form={composeForm}>
            {sent.length > 0 ? (
              <li>
                <a href={`#${composeForm}-attachments`}>
                  {t("compose.attachmentsAgain", { names: sent.join(" / ") })}
                </a>
              </li>
            ) : null}
          </ErrorSummary>
          {preview ? <PreviewPanel ctx={ctx} zone={zone} preview={preview} /> : null}
          <section class="routing" aria-labelledby="compose-routing">
            <h2 id="compose-routing">{t("compose.goesTo")}</h2>
            <p class="answer">{routingTexts(t, lang, zone, routing).answer}</p>
            <p>
              {t("compose.language", {
                language: t(`lang.${routing.recipient.preferredLanguage}` as MessageKey),
              })}
            </p>
          </section>
          <form
            method="post"
            action={`/agent/files/${number}/letters`}
            enctype="multipart/form-data"
            noValidate
          >
            <CsrfField token={ctx.csrfToken} />
            <input type="hidden" name="shownType" value={chosenType} />
            <input type="hidden" name="attachedBefore" value={props.attachments?.carry ?? ""} />
            <Field
              {...common}
              name="letterType"
              label={t("compose.letterType")}
              hint={t("compose.letterTypeHint")}
              required
            >
              {(a) => (
                <select {...a}>
                  {letterTypes.map((type) => (
                    <option key={type} value={type} selected={chosenType === type}>
                      {letterTypeLabel(t, type)}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {routing.channel === "email" ? (
              <Field
                {...common}
                name="recipient"
                label={t("compose.recipient")}
                hint={t("compose.recipientHint")}
                required
              >
                {(a) => (
                  <input type="email" {...a} value={v("recipient")} autoComplete="off" spellcheck={false} />
                )}
              </Field>
            ) : (
              <PostalRecipient ctx={ctx} state={state} address={routing.address} />
            )}
            <Field
              {...common}
              name="deadline"
              label={t("compose.deadline")}
              hint={
                props.offeredDeadline
                  ? t("compose.deadlineHint", { date: formatDate(lang, props.offeredDeadline) })
                  : t("compose.deadlineHintNone")
              }
            >
              {(a) => (
                <input
                  type="date"
                  {...a}
                  value={v("deadline")}
                  {...(props.offeredDeadline ? { min: props.offeredDeadline } : {})}
                />
              )}
            </Field>
            {input("interviewTime", "compose.interviewTime", "compose.interviewTimeHint", "time")}
            {textarea("interviewPlace", "compose.interviewPlace", "compose.interviewPlaceHint", 3)}
            {textarea("documentsList", "compose.documentsList", "compose.documentsListHint", 5)}
            {textarea("decisionReasons", "compose.decisionReasons", "compose.decisionReasonsHint", 5)}
            {textarea("nextSteps", "compose.nextSteps", "compose.nextStepsHint")}
            {input("requestDate", "compose.requestDate", "compose.requestDateHint", "date")}
            {input("decisionOutcome", "compose.decisionOutcome", "compose.decisionOutcomeHint", "text")}
            {textarea("agentNote", "compose.agentNote", "compose.agentNoteHint")}
            {input("newOfficeName", "compose.newOfficeName", "compose.newOfficeNameHint", "text")}
            {input("newOfficeMailbox", "compose.newOfficeMailbox", "compose.newOfficeMailboxHint", "text")}
            <AttachmentsField ctx={ctx} state={state} attachments={props.attachments} />
            <h2>{t("compose.actions")}</h2>
            <p class="hint">{t("compose.actionsHint")}</p>
            {/* The first button is the one Enter presses: a preview, which records nothing. */}
            <div>
              <button type="submit" name="intent" value="preview" class="secondary">
                {t("compose.preview")}
              </button>{" "}
              <button type="submit" name="intent" value="draft" class="secondary">
                {t("compose.draft")}
              </button>{" "}
              <button type="submit" name="intent" value="send">
                {t("compose.send")}
              </button>
            </div>
          </form>
        </>
      )}
    </Layout>
  );
}

/** The types and limits of files a person may upload (a letter's attachments, a request's documents). */
export function UploadLimitsHint(props: { ctx: PageContext; id: string }) {
  const { t, lang } = props.ctx;
  return (
    <span class="hint" id={props.id}>
      {t("compose.attachmentsHint", {
        count: MAX_ATTACHMENTS,
        fileSize: formatSize(lang, MAX_ATTACHMENT_BYTES),
        totalSize: formatSize(lang, MAX_ATTACHMENTS_TOTAL_BYTES),
      })}
    </span>
  );
}

/**
 * The files to attach. Their type is judged by content when the form is sent; the hint gives the types
 * and limits beforehand, and a refused file is named with the reason. After any submission the input is
 * empty (a browser never keeps chosen files), which the field says.
 */
function AttachmentsField(props: {
  ctx: PageContext;
  state: FormState | undefined;
  attachments: ComposeAttachments | undefined;
}) {
  const { t } = props.ctx;
  const id = `${composeForm}-attachments`;
  const problems =
    props.state?.form === composeForm ? props.state.problems.filter((p) => p.field === "attachments") : [];
  const refused = (props.attachments?.refused ?? []).filter((p) => p.index !== undefined);
  const sent = props.attachments?.sent ?? [];
  const described = [
    `${id}-hint`,
    problems.length > 0 ? `${id}-error` : "",
    sent.length > 0 ? `${id}-again` : "",
  ]
    .filter(Boolean)
    .join(" ");
  return (
    <div class={problems.length > 0 ? "field field-error" : "field"}>
      <label for={id}>{t("compose.attachments")}</label>
      <UploadLimitsHint ctx={props.ctx} id={`${id}-hint`} />
      {problems.length > 0 ? (
        // A block, not a span: it may hold the list of the files refused.
        <div class="error-message" id={`${id}-error`}>
          {problems.map((p) => t(errorKey(p.code))).join(" ")}
          {refused.length > 0 ? (
            <ul>
              {refused.map((p) => (
                <li key={p.index}>
                  {t("compose.attachmentRefused", { name: p.filename, reason: t(errorKey(p.code)) })}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      {sent.length > 0 ? (
        <p class="hint" id={`${id}-again`}>
          {t("compose.attachmentsAgain", { names: sent.join(" / ") })}
        </p>
      ) : null}
      <input
        type="file"
        id={id}
        name="attachments"
        multiple
        accept={acceptedExtensions}
        aria-describedby={described}
        {...(problems.length > 0 ? { "aria-invalid": true } : {})}
      />
    </div>
  );
}

/** A letter for the post goes to the postal address on file; nothing to type (C-4, C-5). */
function PostalRecipient(props: { ctx: PageContext; state: FormState | undefined; address: string }) {
  const { t } = props.ctx;
  const id = `${composeForm}-recipient`;
  const problem =
    props.state?.form === composeForm ? props.state.problems.find((p) => p.field === "recipient") : undefined;
  return (
    <div class={problem ? "field field-error" : "field"} id={id} tabIndex={-1}>
      <p>
        <strong>{t("compose.recipientPost")}</strong>
      </p>
      <span class="hint">{t("compose.recipientPostHint")}</span>
      {problem ? <span class="error-message">{t(errorKey(problem.code))}</span> : null}
      <p class="pre-line">{props.address}</p>
    </div>
  );
}

/** The letter as it would leave, with nothing recorded yet. */
function PreviewPanel(props: { ctx: PageContext; zone: string; preview: LetterPreview }) {
  const { ctx, zone, preview } = props;
  const { t, lang } = ctx;
  const { routing } = preview;
  return (
    <section class="routing" aria-labelledby="preview-heading" id="preview">
      <h2 id="preview-heading">{t("compose.previewTitle")}</h2>
      <dl class="summary">
        <dt>{t("compose.previewRecipient")}</dt>
        <dd>
          {t("compose.previewRecipientValue", {
            name: routing.recipient.name,
            role: roleLabel(t, routing.recipient.role),
          })}
        </dd>
        <dt>{t("compose.previewChannel")}</dt>
        <dd>{channelLabel(t, routing.channel)}</dd>
        <dt>{t("compose.previewAddress")}</dt>
        <dd class="pre-line">{routing.address}</dd>
        <dt>{t("compose.previewWhy")}</dt>
        <dd>{routingTexts(t, lang, zone, routing).why}</dd>
        <dt>{t("compose.previewFrom")}</dt>
        <dd>{t("compose.previewFromValue", { mailbox: preview.from })}</dd>
        <dt>{t("compose.previewLanguage")}</dt>
        <dd>{t(`lang.${preview.language}` as MessageKey)}</dd>
        <dt>{t("compose.previewDeadline")}</dt>
        <dd>{preview.deadline ? formatDate(lang, preview.deadline) : t("compose.none")}</dd>
        <dt>{t("compose.previewSubject")}</dt>
        <dd>{preview.subject}</dd>
        <dt>{t("compose.previewAttachments")}</dt>
        <dd>
          {preview.attachments.length === 0 ? (
            t("compose.none")
          ) : (
            <ul>
              {preview.attachments.map((a, i) => (
                <li key={i}>
                  {t("compose.attachmentValue", {
                    name: a.filename,
                    type: attachmentTypeLabel(t, a.kind),
                    size: formatSize(lang, a.size),
                  })}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
      {preview.attachments.length > 0 ? (
        <p class="notice notice-warning">{t("compose.previewAttachmentsAgain")}</p>
      ) : null}
      <h3>{t("compose.previewBody")}</h3>
      <pre class="pre-line" lang={bodyLang(preview.language)}>
        {preview.body}
      </pre>
    </section>
  );
}

/** The language of a letter's text, for screen readers; a bilingual letter has no single one. */
function bodyLang(language: string): string | undefined {
  return language === "en" || language === "fr" ? language : undefined;
}

// ---------------------------------------------------------------------------------------------------
// The letter page

export interface LetterPageData {
  letter: LetterRow;
  events: LetterEvent[];
  state: CorrespondenceState;
  canAct: boolean;
  fileNumber: string;
  timeZone: string;
  /** The readable notes written on the file about this letter (C-11, C-14). */
  notes: NoteRow[];
  sealed: SealedRow | undefined;
  /** The files the letter carries, in order. */
  attachments: AttachmentRow[];
  /** Names of the staff members who acted on the letter, by id. */
  staffNames: ReadonlyMap<string, string>;
}

export type LetterAction = "draft" | "send" | "cancel";

export function LetterPage(props: {
  ctx: PageContext;
  data: LetterPageData;
  /** What the person just did, for the success notice. */
  done: LetterAction | undefined;
  /** Why the action the person just tried was refused. */
  failure: ErrorCode | undefined;
}) {
  const { ctx, data } = props;
  const { t, lang } = ctx;
  const { letter, state, timeZone: zone, sealed } = data;
  const when = (d: Date) => formatInstant(lang, d, zone);
  const base = `/agent/letters/${letter.id}`;
  const title = t("letter.title", { type: letterTypeLabel(t, letter.letterType), number: data.fileNumber });
  const inForce = deadlineInForce(letter, data.events);
  const deadlineText = !letter.deadline
    ? t("compose.none")
    : inForce?.stoppedBy === "response"
      ? t("letter.deadlineStopped", { deadline: formatDate(lang, inForce.deadline) })
      : inForce && inForce.deadline !== letter.deadline
        ? t("letter.deadlineExtended", {
            deadline: formatDate(lang, inForce.deadline),
            original: formatDate(lang, letter.deadline),
          })
        : formatDate(lang, letter.deadline);
  const canSend = data.canAct && state === "draft";
  const canCancel = data.canAct && (state === "draft" || state === "generated");

  return (
    <Layout ctx={ctx} title={title}>
      <p>
        <a href={`/agent/files/${data.fileNumber}`}>{t("letter.back", { number: data.fileNumber })}</a>
      </p>
      <h1>{title}</h1>
      {props.done ? (
        <div class="notice notice-success" role="status">
          <p>{t(`letter.done.${props.done}`)}</p>
        </div>
      ) : null}
      {props.failure ? (
        <div class="error-summary" role="alert" tabIndex={-1} id="letter-errors">
          <h2>{t("letter.actionFailed")}</h2>
          <p>{t(errorKey(props.failure))}</p>
        </div>
      ) : null}

      <dl class="summary">
        <dt>{t("letter.type")}</dt>
        <dd>{letterTypeLabel(t, letter.letterType)}</dd>
        <dt>{t("letter.state")}</dt>
        <dd>
          <strong data-state={state}>{stateLabel(t, state)}</strong>
        </dd>
        <dt>{t("letter.channel")}</dt>
        <dd>{channelLabel(t, letter.channel)}</dd>
        <dt>{t("letter.recipient")}</dt>
        <dd>
          {t("compose.previewRecipientValue", {
            name: letter.recipientName,
            role: roleLabel(t, letter.recipientRole),
          })}
        </dd>
        <dt>{t("letter.address")}</dt>
        <dd class="pre-line">
          <code>{letter.address}</code>
        </dd>
        <dt>{t("letter.from")}</dt>
        <dd>{letter.fromAddress}</dd>
        <dt>{t("letter.language")}</dt>
        <dd>{t(`lang.${letter.language}` as MessageKey)}</dd>
        <dt>{t("letter.subject")}</dt>
        <dd>{letter.subject}</dd>
        <dt>{t("letter.deadline")}</dt>
        <dd>{deadlineText}</dd>
        <dt>{t("letter.written")}</dt>
        <dd>{when(letter.createdAt)}</dd>
      </dl>

      {canSend || canCancel ? (
        <section aria-labelledby="letter-actions">
          <h2 id="letter-actions">{t("letter.actions")}</h2>
          {canSend ? (
            <form method="post" action={`${base}/send`}>
              <CsrfField token={ctx.csrfToken} />
              <p class="hint">{t("letter.sendDraftHint")}</p>
              <button type="submit">{t("letter.sendDraft")}</button>
            </form>
          ) : null}
          {canCancel ? (
            <form method="post" action={`${base}/cancel`}>
              <CsrfField token={ctx.csrfToken} />
              <p class="hint">{t("letter.cancelHint")}</p>
              <button type="submit" class="secondary">
                {t("letter.cancel")}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}

      <h2>{t("letter.body")}</h2>
      <pre class="pre-line" lang={bodyLang(letter.language)}>
        {letter.body}
      </pre>

      <LetterAttachments ctx={ctx} data={data} />

      <h2 id="letter-history">{t("letter.history")}</h2>
      <p class="hint">{t("letter.historyZone", { zone })}</p>
      <table aria-labelledby="letter-history">
        <thead>
          <tr>
            <th scope="col">{t("letter.colWhen")}</th>
            <th scope="col">{t("letter.colWhat")}</th>
            <th scope="col">{t("letter.colWho")}</th>
            <th scope="col">{t("letter.colDetails")}</th>
          </tr>
        </thead>
        <tbody>
          {data.events.map((e) => (
            <tr key={e.seq} data-kind={e.kind}>
              <td>{when(e.at)}</td>
              <td>{t(`letterEvent.${e.kind}` as MessageKey)}</td>
              <td>
                {e.actorKind === "staff"
                  ? (data.staffNames.get(e.actorId) ?? t("letter.byStaff"))
                  : t("letter.byLiaison")}
              </td>
              <td class="pre-line">{eventDetails(t, lang, e)}</td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t("letter.notes")}</h2>
      {data.notes.length === 0 ? (
        <p>{t("letter.notesNone")}</p>
      ) : (
        data.notes.map((n) => (
          <section key={n.seq} aria-labelledby={`note-${n.seq}`}>
            <h3 id={`note-${n.seq}`}>{t(`letter.noteKind.${n.kind}` as MessageKey)}</h3>
            <h4>{t("letter.noteEn")}</h4>
            <p class="pre-line" lang="en">
              {n.textEn}
            </p>
            <h4>{t("letter.noteFr")}</h4>
            <p class="pre-line" lang="fr">
              {n.textFr}
            </p>
          </section>
        ))
      )}

      <h2>{t("letter.sealed")}</h2>
      {sealed ? (
        <>
          <dl class="summary">
            <dt>{t("letter.messageId")}</dt>
            <dd>
              <code>{sealed.messageId}</code>
            </dd>
            <dt>{t("letter.sha256")}</dt>
            <dd>
              <code>{sealed.sha256}</code>
            </dd>
            <dt>{t("letter.size")}</dt>
            <dd>{t("letter.sizeValue", { size: sealed.size })}</dd>
            <dt>{t("letter.sealedAt")}</dt>
            <dd>{when(sealed.sealedAt)}</dd>
            <dt>{t("letter.envelope")}</dt>
            <dd>
              {sealed.envelopeFrom} → {sealed.envelopeTo}
            </dd>
          </dl>
          <p>
            <a href={`${base}/eml`} download={`${letter.id}.eml`}>
              {t("letter.download")}
            </a>
          </p>
        </>
      ) : (
        <p>{t("letter.notSealed")}</p>
      )}

      <h2>{t("proof.title")}</h2>
      {state === "draft" ? (
        <p>{t("proof.notYet")}</p>
      ) : (
        <>
          <p>{t("proof.intro")}</p>
          <form method="get" action={`${base}/proof`}>
            <label for="proof-lang">{t("proof.language")}</label>{" "}
            <select id="proof-lang" name="lang">
              <option value="en" selected={ctx.lang === "en"}>
                {t("lang.en")}
              </option>
              <option value="fr" selected={ctx.lang === "fr"}>
                {t("lang.fr")}
              </option>
            </select>{" "}
            <button type="submit">{t("proof.export")}</button>
          </form>
        </>
      )}
    </Layout>
  );
}

/**
 * The letter's files, each to download as stored. A letter that goes by post (written for it, or sent
 * there by C-13 or a refusal) is mailed with them printed, which the page says.
 */
function LetterAttachments(props: { ctx: PageContext; data: LetterPageData }) {
  const { t, lang } = props.ctx;
  const { letter, attachments, events } = props.data;
  const byPost = letter.channel === "post" || events.some((e) => e.kind === "routed-to-post");
  return (
    <section aria-labelledby="letter-attachments">
      <h2 id="letter-attachments">{t("letter.attachments")}</h2>
      {attachments.length === 0 ? (
        <p>{t("letter.attachmentsNone")}</p>
      ) : (
        <>
          {byPost ? <p class="notice notice-warning">{t("letter.attachmentsPost")}</p> : null}
          <table aria-labelledby="letter-attachments">
            <thead>
              <tr>
                <th scope="col">{t("letter.attachmentFile")}</th>
                <th scope="col">{t("letter.attachmentType")}</th>
                <th scope="col">{t("letter.size")}</th>
                <th scope="col">{t("letter.sha256")}</th>
              </tr>
            </thead>
            <tbody>
              {attachments.map((a) => (
                <tr key={a.position}>
                  <td>
                    <a href={`/agent/letters/${letter.id}/attachments/${a.position}`} download={a.filename}>
                      {a.filename}
                    </a>
                  </td>
                  <td>{attachmentTypeLabel(t, a.contentType)}</td>
                  <td>{formatSize(lang, a.size)}</td>
                  <td>
                    <code>{a.sha256}</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The catalogue's words for a code recorded in an event, or the code itself if it has none. */
const wordsFor = (t: Translate, key: string, code: string) =>
  Object.hasOwn(en, key) ? t(key as MessageKey) : code;

const detailText = (v: unknown) => (typeof v === "string" || typeof v === "number" ? String(v) : "");

/** What an event's details say, in words; SMTP replies are quoted as the server gave them (B-5). */
function eventDetails(t: Translate, lang: Lang, e: LetterEvent): string {
  const d = e.details;
  const date = (v: unknown) => (typeof v === "string" && v ? formatDate(lang, v) : "");
  switch (e.kind) {
    case "draft":
      return d.templateVersion === undefined
        ? ""
        : t("letter.detail.draft", { version: detailText(d.templateVersion) });
    case "generated":
      if (typeof d.copyOf === "string") return t("letter.detail.copyOf");
      return d.channel === "email" || d.channel === "post" ? t(`letter.detail.generated.${d.channel}`) : "";
    case "sealed":
      return t("letter.detail.sealed", { size: detailText(d.size), sha256: detailText(d.sha256) });
    case "sent":
      return t("letter.detail.sent", { reply: detailText(d.smtpReply) });
    case "smtp-temporary-failure":
      return t("letter.detail.temporary", {
        attempts: detailText(d.attempts),
        reply: detailText(d.response),
      });
    case "smtp-rejected":
      return t("letter.detail.rejected", { reply: detailText(d.response) });
    case "routed-to-post":
      return typeof d.reason === "string"
        ? t("letter.detail.routedToPost", {
            reason: wordsFor(t, `letterPostReason.${d.reason}`, d.reason),
          })
        : "";
    case "cancelled":
      return typeof d.reason === "string"
        ? t("letter.detail.cancelled", { reason: wordsFor(t, `error.${d.reason}`, d.reason) })
        : "";
    case "extension-recorded":
      return t("letter.detail.extension", { deadline: date(d.newDeadline) });
    case "deadline-passed":
      return t("letter.detail.deadlinePassed", { deadline: date(d.deadline) });
    case "inbound-report":
      return t("letter.detail.report", {
        action: detailText(d.action) || "—",
        status: detailText(d.status) || "—",
        diagnostic: detailText(d.diagnostic),
      });
    case "resent":
      return t("letter.detail.resent", { address: detailText(d.address) });
    case "no-bounce-window-closed":
      return t("letter.detail.windowClosed", { hours: detailText(d.windowHours) });
    case "note-written":
    case "bounced":
    case "delivered-by-post":
    case "response-recorded":
      return "";
  }
}
