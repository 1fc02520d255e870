import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { create as createFont, type Font } from "fontkit";
import PDFDocument from "pdfkit";
import type { Language } from "../files/model.ts";
import { formatDate, type Lang } from "../i18n/index.ts";
import { instantToWallTime } from "../time-zones.ts";

// The printable letter for correspondence that goes by post (SPEC C-4: no consented email address, or a
// message over the outbound limit, C-13). The same rendered subject and body as an email, laid out as a
// Canadian government letter on US Letter paper, folded in three into a #10 window envelope.
//
// Fonts. The common case uses only the PDF standard fonts (Helvetica, Helvetica-Bold): nothing is embedded
// and nothing is fetched. Standard fonts are WinAnsi-encoded (Windows-1252): every French letter, the
// guillemets and the typographic apostrophe are in it, so a French or English letter to a Latin-1 name
// stays in Helvetica. pdfkit does not check the encoding: a character outside WinAnsi (the "ễ" of
// "Nguyễn", the "Ł" of "Łukasz") is written as garbage bytes, not refused. So this module checks every
// character first: when the letter holds one that WinAnsi lacks, the whole letter is set in Noto Sans
// (Regular and Bold), embedded as a subset, from the npm package @embedpdf/fonts-latin (OFL-1.1; Latin
// including Vietnamese, Greek, Cyrillic). One typeface for the whole letter, never a mix. A name on an
// official letter is printed as on file, not transliterated. A character Noto Sans lacks too (Chinese,
// Arabic, emoji...) is printed as "?": `unprintableCharacters` lists them so the caller can warn the agent.
//
// Line breaking is done here (breakLines), at spaces only, and pages are added here: pdfkit's own wrapping
// breaks after hyphens, which on paper makes "cpc-montreal@agency.example" ambiguous.
//
// Determinism (checked by a test). pdfkit 0.20 takes its creation date from `info.CreationDate` (else
// `new Date()`), and derives the trailer /ID from an MD5 of the info dictionary (CreationDate included); it
// draws random bytes only when encrypting, which letters never are. Embedded font subsets are tagged from
// the font's resource name ("F1"), not at random. So with CreationDate = input.date, the same input gives
// the same bytes; the letter id is in the info's Keywords, so two letters never share an /ID. Streams are
// deflated by Node's zlib: identical bytes hold for one Node build; another zlib could compress differently.

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
// Text preparation and encoding

/** The characters of Windows-1252 above Latin-1's range (0x80-0x9F), by code point. */
const WIN_ANSI_EXTRA = new Set([
  0x152, 0x153, 0x160, 0x161, 0x178, 0x17d, 0x17e, 0x192, 0x2c6, 0x2dc, 0x2013, 0x2014, 0x2018, 0x2019,
  0x201a, 0x201c, 0x201d, 0x201e, 0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203a, 0x20ac, 0x2122,
]);

/** Whether the standard fonts can print the code point ("\n" is a line break, never printed). */
export function isWinAnsi(codePoint: number): boolean {
  return (
    (codePoint >= 0x20 && codePoint <= 0x7e) ||
    (codePoint >= 0xa0 && codePoint <= 0xff) ||
    WIN_ANSI_EXTRA.has(codePoint)
  );
}

/**
 * Typographic equivalents that change nothing a reader sees, so they never force an embedded font: the
 * narrow no-break space that Intl puts in French dates and times, other fixed-width spaces, hyphens.
 */
const EQUIVALENTS: Readonly<Record<string, string>> = {
  "\u202f": "\u00a0", // narrow no-break space (French typography, Intl fr-CA)
  "\u2007": "\u00a0", // figure space
  "\u2011": "-", // non-breaking hyphen
  "\u2010": "-", // hyphen
  "\u2212": "-", // minus sign
  "\u2028": "\n", // line separator
  "\u2029": "\n", // paragraph separator
  "\t": "    ",
};

/**
 * The text as it will be laid out: NFC (a decomposed "é" is the WinAnsi "é"), line breaks as "\n",
 * typographic equivalents replaced, invisible characters (controls, zero-width spaces, byte-order marks)
 * removed.
 */
function prepare(text: string): string {
  let out = "";
  for (const ch of text.normalize("NFC").replace(/\r\n?/g, "\n")) {
    const mapped = EQUIVALENTS[ch];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    const cp = ch.codePointAt(0)!;
    if (ch === "\n") out += ch;
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) continue;
    else if (cp >= 0x2000 && cp <= 0x200a) out += " ";
    else if ((cp >= 0x200b && cp <= 0x200f) || cp === 0x2060 || cp === 0xfeff) continue;
    else out += ch;
  }
  return out;
}

/** The Unicode fallback font: Noto Sans from @embedpdf/fonts-latin, read once, only when needed. */
interface FallbackFont {
  regular: Buffer;
  bold: Buffer;
  /** For glyph coverage; Regular and Bold cover the same characters. */
  font: Font;
}

let fallbackFont: Promise<FallbackFont> | undefined;

function loadFallbackFont(): Promise<FallbackFont> {
  fallbackFont ??= (async () => {
    // The package exports only its metadata module (dist/); the font files sit beside dist/, in fonts/.
    const packageMain = createRequire(import.meta.url).resolve("@embedpdf/fonts-latin");
    const fontsDir = join(dirname(packageMain), "..", "fonts");
    const [regular, bold] = await Promise.all([
      readFile(join(fontsDir, "NotoSans-Regular.ttf")),
      readFile(join(fontsDir, "NotoSans-Bold.ttf")),
    ]);
    const font = createFont(regular);
    if (!("hasGlyphForCodePoint" in font)) throw new Error("NotoSans-Regular.ttf is a font collection");
    return { regular, bold, font };
  })().catch((e: unknown) => {
    fallbackFont = undefined; // a failed read is not cached: the next letter tries again
    throw e;
  });
  return fallbackFont;
}

type Coverage = (codePoint: number) => boolean;

/** The characters of `texts` that `covered` lacks, each once, in order of appearance. */
function missingCharacters(texts: readonly string[], covered: Coverage): string[] {
  const missing: string[] = [];
  for (const text of texts)
    for (const ch of text)
      if (ch !== "\n" && !covered(ch.codePointAt(0)!) && !missing.includes(ch)) missing.push(ch);
  return missing;
}

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

type TextOptions = PDFKit.Mixins.TextOptions;

interface FontChoice {
  regular: string | Buffer;
  bold: string | Buffer;
  covered: Coverage;
  /** Added to the options of every text drawn or measured. */
  textOptions: TextOptions;
}

const standardFonts: FontChoice = {
  regular: "Helvetica",
  bold: "Helvetica-Bold",
  covered: isWinAnsi,
  textOptions: {},
};

/**
 * Noto Sans's "ccmp" feature splits some letters in two, "ị" into "i" and a combining dot below. fontkit
 * then gives the plain "i" glyph the code point of "ị", and pdfkit's ToUnicode map keeps the first code
 * point it saw for a glyph: every "i" of the letter, or the "ị", would copy and search wrongly. With ccmp
 * off, "ị" is its own precomposed glyph (the text is NFC). fontkit takes features as an object of
 * on/off switches; @types/pdfkit only knows the array form (switches on), hence the cast.
 */
const embeddedTextOptions: TextOptions = {
  features: { ccmp: false } as unknown as TextOptions["features"],
};

async function chooseFonts(texts: readonly string[]): Promise<FontChoice> {
  const beyondWinAnsi = missingCharacters(texts, isWinAnsi);
  if (beyondWinAnsi.length === 0) return standardFonts;
  const noto = await loadFallbackFont();
  const covered: Coverage = (cp) => noto.font.hasGlyphForCodePoint(cp);
  // Characters that Noto Sans cannot print either do not justify embedding it: Helvetica prints "?" as well.
  if (!beyondWinAnsi.some((ch) => covered(ch.codePointAt(0)!))) return standardFonts;
  return { regular: noto.regular, bold: noto.bold, covered, textOptions: embeddedTextOptions };
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
// Line breaking

/**
 * The lines of `text` no wider than `maxWidth`, by `measure`. Lines break at spaces only, never at a
 * hyphen: pdfkit's own wrapping (Unicode line breaking) would cut "cpc-montreal@agency.example" after
 * "cpc-", and a reader could not tell whether the hyphen is part of the address. A line that fits is kept
 * as written, its spaces included (an address "exactly as on file"); a word wider than a line, which
 * nothing else can do, is cut where it reaches the margin.
 */
export function breakLines(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  for (const source of text.split("\n")) {
    const line = source.trimEnd();
    if (measure(line) <= maxWidth) {
      lines.push(line);
      continue;
    }
    let current = "";
    for (const token of line.match(/\s*\S+/g) ?? []) {
      if (measure(current + token) <= maxWidth) {
        current += token;
        continue;
      }
      // The token starts a new line: its leading spaces go, unless it is the line's first (an indent).
      let word = current === "" ? token : token.trimStart();
      if (current !== "") lines.push(current);
      while (measure(word) > maxWidth) {
        const chars = Array.from(word);
        let n = 1;
        while (n < chars.length && measure(chars.slice(0, n + 1).join("")) <= maxWidth) n++;
        lines.push(chars.slice(0, n).join(""));
        word = chars.slice(n).join("");
      }
      current = word;
    }
    lines.push(current);
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------------
// Layout (points: 72 to the inch)

const INCH = 72;
const PAGE = { width: 8.5 * INCH, height: 11 * INCH };
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

const LINE_GAP = 1.5;
const FOOTER_Y = PAGE.height - 0.6 * INCH;
const GREY = "#4d4d4d";
const BLACK = "#000000";

interface Style {
  font: "regular" | "bold";
  size: number;
}

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
  // Every text goes through here: prepared, and what the chosen font cannot print becomes "?".
  const t = (text: string): string => {
    let out = "";
    for (const ch of prepare(text)) out += ch === "\n" || fonts.covered(ch.codePointAt(0)!) ? ch : "?";
    return out;
  };

  const officeName = langs.map((l) => (l === "fr" ? input.office.nameFr : input.office.nameEn));
  const doc = new PDFDocument({
    size: "LETTER",
    margins: MARGIN,
    bufferPages: true, // the footer needs the page count
    lang: input.language === "en" ? "en-CA" : "fr-CA",
    displayTitle: true,
    info: {
      Title: input.subject,
      Author: officeName.join(" / "),
      Subject: input.fileNumber,
      Keywords: `${input.fileNumber} ${input.letterId}`,
      Creator: "Liaison",
      CreationDate: input.date,
    },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Uint8Array) => chunks.push(Buffer.from(chunk)));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.registerFont("regular", fonts.regular);
  doc.registerFont("bold", fonts.bold);
  doc.fillColor(BLACK);

  // All text is placed line by line, here: pdfkit never wraps nor adds a page on its own
  // (lineBreak: false, and no width), so what is on paper is what breakLines decided.
  const use = (style: Style): number => {
    doc.font(style.font).fontSize(style.size);
    return doc.currentLineHeight(true) + LINE_GAP * (style.size / STYLE.body.size);
  };
  const measure = (s: string): number => doc.widthOfString(s, fonts.textOptions);
  const drawLine = (line: string, x: number, y: number): void => {
    if (line !== "") doc.text(line, x, y, { ...fonts.textOptions, lineBreak: false });
  };
  const linesOf = (text: string, style: Style, width: number): string[] => {
    use(style);
    return breakLines(t(text), width, measure);
  };
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
  const rightAligned = (text: string, style: Style, right: number, y: number): void => {
    use(style);
    const line = t(text);
    drawLine(line, right - measure(line), y);
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
  const { start, count } = doc.bufferedPageRange();
  doc.fillColor(GREY);
  for (let i = 0; i < count; i++) {
    doc.switchToPage(start + i);
    use(STYLE.footer);
    drawLine(t(footer), MARGIN.left, FOOTER_Y);
    rightAligned(
      langs.map((l) => labels[l].page(i + 1, count)).join(" / "),
      STYLE.footer,
      DATE_BOX.right,
      FOOTER_Y,
    );
  }

  doc.end();
  return finished;
}
