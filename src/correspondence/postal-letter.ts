import type { Language } from "../files/model.ts";
import { formatDate, type Lang } from "../i18n/index.ts";
import { FOOTER_Y, forEachPage, GREY, INCH, openDocument, PAGE } from "../pdf/document.ts";
import { chooseFonts, missingCharacters, prepare, printable } from "../pdf/fonts.ts";
import { lineSetter, type Style } from "../pdf/lines.ts";
import { instantToWallTime } from "../time-zones.ts";

// The printable letter for correspondence that goes by post (SPEC C-4: no consented email address, or a
// message over the outbound limit, C-13). The same rendered subject and body as an email, laid out as a
// Canadian government letter on US Letter paper, folded in three into a #10 window envelope.
//
// Fonts (src/pdf/fonts.ts). Only the PDF standard fonts (Helvetica) when every character of the letter is
// WinAnsi, else Noto Sans embedded for the whole letter: one typeface, never a mix. A name on an official
// letter is printed as on file, not transliterated. A character that no font at hand has is printed as
// "?": `unprintableCharacters` lists them so the caller can warn the agent.
//
// Line breaking is done by src/pdf/lines.ts (breakLines), at spaces only, and pages are added here:
// pdfkit's own wrapping breaks after hyphens, which on paper makes "cpc-montreal@agency.example" ambiguous.
//
// Determinism (checked by a test; src/pdf/document.ts explains). CreationDate = input.date, so the same
// input gives the same bytes; the letter id is in the info's Keywords, so two letters never share an /ID.

// Moved to src/pdf/lines.ts; still exported from here, where its tests import it.
export { breakLines } from "../pdf/lines.ts";

export type PostalLetterLanguage = Language;

export interface PostalLetterInput {
  /** The correspondence record's id, printed in the footer so the paper can be matched to its record. */
  letterId: string;
  fileNumber: string;
  office: {
    nameEn: string;
    nameFr: string;
    genericMailbox: string;
    /** The office's return address, one line each. */
    postalLines?: string[];
  };
  recipientName: string;
  /** The postal address exactly as on file, lines joined by "\n". */
  postalAddress: string;
  language: PostalLetterLanguage;
  /** The letter's date; printed as the calendar date in `timeZone`. */
  date: Date;
  /** The office's IANA time zone. */
  timeZone: string;
  subject: string;
  /** The rendered plain text (templates.ts renderTemplate), bilingual separator included. */
  body: string;
  /** Response deadline (C-6), "YYYY-MM-DD". */
  deadline?: string;
}

// ---------------------------------------------------------------------------------------------------
// Text on paper

/** Every text of the letter that goes on paper, before preparation. */
function textsOf(input: PostalLetterInput): string[] {
  const { office } = input;
  return [
    input.recipientName,
    input.postalAddress,
    input.subject,
    input.body,
    input.fileNumber,
    input.letterId,
    office.nameEn,
    office.nameFr,
    office.genericMailbox,
    ...(office.postalLines ?? []),
  ];
}

/**
 * The characters of the letter that will be printed as "?" because no font at hand has them (a name in
 * Chinese characters or Arabic script, an emoji), each once. [] when the letter prints as written. Lets the
 * composer warn the agent before the letter goes out.
 */
export async function unprintableCharacters(input: PostalLetterInput): Promise<string[]> {
  const texts = textsOf(input).map(prepare);
  const fonts = await chooseFonts(texts);
  return missingCharacters(texts, fonts.covered);
}

// ---------------------------------------------------------------------------------------------------
// Wording

interface Labels {
  fileNumber: string;
  deadline: string;
  email: string;
  letterId: string;
  page: (n: number, of: number) => string;
}

const labels: Record<Lang, Labels> = {
  en: {
    fileNumber: "File number",
    deadline: "Deadline",
    email: "Email",
    letterId: "Letter ID",
    page: (n, of) => `Page ${n} of ${of}`,
  },
  fr: {
    fileNumber: "Numéro de dossier",
    deadline: "Date limite",
    email: "Courriel",
    letterId: "Identifiant de la lettre",
    page: (n, of) => `Page ${n} de ${of}`,
  },
};

/** Bilingual texts follow the body's order (templates.ts): French first, then English. */
function languagesOf(language: PostalLetterLanguage): Lang[] {
  return language === "bilingual" ? ["fr", "en"] : [language];
}

/** "Label: value" in English, "Label : value" in French (no-break space), both labels when bilingual. */
function labelled(
  language: PostalLetterLanguage,
  key: "fileNumber" | "deadline" | "email" | "letterId",
  value: string,
): string {
  const label = languagesOf(language)
    .map((l) => labels[l][key])
    .join(" / ");
  return language === "fr" ? `${label}\u00a0: ${value}` : `${label}: ${value}`;
}

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/;

function assertIsoDate(value: string): void {
  const d = new Date(`${value}T00:00:00Z`);
  if (!isoDatePattern.test(value) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value)
    throw new RangeError(`Postal letter deadline must be a date "YYYY-MM-DD", got ${JSON.stringify(value)}`);
}

// ---------------------------------------------------------------------------------------------------
// Layout (points: 72 to the inch)

const MARGIN = { top: 0.75 * INCH, left: 1 * INCH, right: 1 * INCH, bottom: 1 * INCH };
const CONTENT_WIDTH = PAGE.width - MARGIN.left - MARGIN.right;
/** Text goes no lower than this; the footer sits below it. */
const CONTENT_BOTTOM = PAGE.height - MARGIN.bottom;

/**
 * Where the recipient shows through the window of a #10 envelope (window 4.5 in x 1.125 in, 7/8 in from the
 * envelope's left edge) once the page is folded in three: about 2 in from the top of the page. The block
 * is narrower than the window so the letter may slide sideways in the envelope.
 */
const ADDRESS = { left: 0.875 * INCH, top: 2 * INCH, width: 3.5 * INCH, windowHeight: 1.125 * INCH };

/** The sender's block sits above the window and must end before it; the date faces it, on the right. */
const SENDER = { top: 0.5 * INCH, bottom: ADDRESS.top - 0.15 * INCH, width: 3.75 * INCH };
const DATE_BOX = { left: 5 * INCH, right: PAGE.width - MARGIN.right };

const STYLE = {
  body: { font: "regular", size: 10.5 },
  subject: { font: "bold", size: 11 },
  officeName: { font: "bold", size: 10.5 },
  sender: { font: "regular", size: 9 },
  footer: { font: "regular", size: 8 },
} as const satisfies Record<string, Style>;

const scaled = (style: Style, scale: number): Style => ({ ...style, size: style.size * scale });

/**
 * The letter as a printable PDF (SPEC C-4), US Letter, in the letter's language. Deterministic: the same
 * input gives the same bytes (see the notes at the top of this file). Never throws on a character a font
 * cannot print: it prints "?" instead (`unprintableCharacters`). Throws a RangeError on a malformed
 * deadline or an invalid date.
 */
export async function renderPostalLetter(input: PostalLetterInput): Promise<Buffer> {
  if (Number.isNaN(input.date.getTime())) throw new RangeError("Postal letter date is not a valid date");
  if (input.deadline !== undefined) assertIsoDate(input.deadline);
  const langs = languagesOf(input.language);

  const fonts = await chooseFonts(textsOf(input).map(prepare));
  const t = (text: string): string => printable(fonts, text);

  const officeName = langs.map((l) => (l === "fr" ? input.office.nameFr : input.office.nameEn));
  const { doc, bytes } = openDocument({
    margins: MARGIN,
    lang: input.language === "en" ? "en-CA" : "fr-CA",
    info: {
      Title: input.subject,
      Author: officeName.join(" / "),
      Subject: input.fileNumber,
      Keywords: `${input.fileNumber} ${input.letterId}`,
    },
    creationDate: input.date,
    fonts,
  });
  // All text is placed line by line, here and by lineSetter: pdfkit never wraps nor adds a page on its own.
  const { use, drawLine, linesOf, rightAligned } = lineSetter(doc, fonts, STYLE.body.size);

  /** Draws `text` from y down, adding pages as it fills them; returns the y below it. */
  const block = (
    text: string,
    style: Style,
    x: number,
    y: number,
    width: number,
    paginate = true,
  ): number => {
    const lines = linesOf(text, style, width);
    const height = use(style);
    let atPageTop = false;
    for (const line of lines) {
      if (paginate && y + height > CONTENT_BOTTOM) {
        doc.addPage();
        use(style);
        y = MARGIN.top;
        atPageTop = true;
      }
      if (atPageTop && line.trim() === "") continue; // no blank line to open a page
      atPageTop = false;
      drawLine(line, x, y);
      y += height;
    }
    return y;
  };

  // Sender: the office's name(s), return address and generic mailbox (C-7), above the window. A long
  // return address is set smaller rather than run into the window.
  const senderNames = officeName.join("\n");
  const senderLines = [
    ...(input.office.postalLines ?? []),
    labelled(input.language, "email", input.office.genericMailbox),
  ].join("\n");
  const senderHeight = (scale: number): number =>
    linesOf(senderNames, scaled(STYLE.officeName, scale), SENDER.width).length *
      use(scaled(STYLE.officeName, scale)) +
    4 * scale +
    linesOf(senderLines, scaled(STYLE.sender, scale), SENDER.width).length * use(scaled(STYLE.sender, scale));
  let scale = 1;
  while (scale > 0.7 && SENDER.top + senderHeight(scale) > SENDER.bottom) scale -= 0.05;
  let y = block(senderNames, scaled(STYLE.officeName, scale), MARGIN.left, SENDER.top, SENDER.width, false);
  block(senderLines, scaled(STYLE.sender, scale), MARGIN.left, y + 4 * scale, SENDER.width, false);

  // Date, top right: the calendar date where the office is.
  const localDate = instantToWallTime(input.date, input.timeZone).slice(0, 10);
  const dates = langs.map((l) => formatDate(l, localDate));
  rightAligned(dates.join(" / "), STYLE.body, DATE_BOX.right, SENDER.top);

  // Recipient, in the envelope's window: the name, then the address exactly as on file.
  y = block(
    `${input.recipientName}\n${input.postalAddress}`,
    STYLE.body,
    ADDRESS.left,
    ADDRESS.top,
    ADDRESS.width,
  );

  // Reference, subject, body.
  const reference = [labelled(input.language, "fileNumber", input.fileNumber)];
  if (input.deadline !== undefined) {
    const deadline = input.deadline;
    const deadlines = langs.map((l) => formatDate(l, deadline));
    reference.push(labelled(input.language, "deadline", deadlines.join(" / ")));
  }
  const blankLine = use(STYLE.body);
  y = Math.max(y, ADDRESS.top + ADDRESS.windowHeight) + 0.3 * INCH;
  y = block(reference.join("\n"), STYLE.body, MARGIN.left, y, CONTENT_WIDTH);
  y = block(input.subject, STYLE.subject, MARGIN.left, y + blankLine, CONTENT_WIDTH);
  block(input.body.replace(/\s+$/, ""), STYLE.body, MARGIN.left, y + blankLine, CONTENT_WIDTH);

  // Footer on every page: file number and letter id (to match the paper to its record), page X of Y.
  const footer = `${labelled(input.language, "fileNumber", input.fileNumber)} · ${labelled(input.language, "letterId", input.letterId)}`;
  forEachPage(doc, (n, count) => {
    // A colour belongs to the page it is set on: set on each, or only the last page's footer is grey.
    doc.fillColor(GREY);
    use(STYLE.footer);
    drawLine(t(footer), MARGIN.left, FOOTER_Y);
    rightAligned(
      langs.map((l) => labels[l].page(n, count)).join(" / "),
      STYLE.footer,
      DATE_BOX.right,
      FOOTER_Y,
    );
  });

  doc.end();
  return bytes;
}
