import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { create as createFont, type Font } from "fontkit";

// Which font prints a document's text, and the text as it will be printed: shared by the postal letter
// (correspondence/postal-letter.ts) and the proof summary (evidence/proof-summary.ts).
//
// The common case uses only the PDF standard fonts (Helvetica, Helvetica-Bold): nothing is embedded and
// nothing is fetched. Standard fonts are WinAnsi-encoded (Windows-1252): every French letter, the
// guillemets and the typographic apostrophe are in it, so a French or English document to a Latin-1 name
// stays in Helvetica. pdfkit does not check the encoding: a character outside WinAnsi (the "ễ" of
// "Nguyễn", the "Ł" of "Łukasz") is written as garbage bytes, not refused. So every character is checked
// first (chooseFonts): when the document holds one that WinAnsi lacks, the whole document is set in Noto
// Sans (Regular and Bold), embedded as a subset, from the npm package @embedpdf/fonts-latin (OFL-1.1; Latin
// including Vietnamese, Greek, Cyrillic). One typeface for the whole document, never a mix. A name on an
// official document is printed as on file, not transliterated. A character Noto Sans lacks too (Chinese,
// Arabic, emoji...) is printed as "?" (printable); missingCharacters lists them so a caller can warn.

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
export function prepare(text: string): string {
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
    fallbackFont = undefined; // a failed read is not cached: the next document tries again
    throw e;
  });
  return fallbackFont;
}

export type Coverage = (codePoint: number) => boolean;

/** The characters of `texts` that `covered` lacks, each once, in order of appearance. */
export function missingCharacters(texts: readonly string[], covered: Coverage): string[] {
  const missing: string[] = [];
  for (const text of texts)
    for (const ch of text)
      if (ch !== "\n" && !covered(ch.codePointAt(0)!) && !missing.includes(ch)) missing.push(ch);
  return missing;
}

export type TextOptions = PDFKit.Mixins.TextOptions;

/** The fonts a document is set in, registered under the names "regular" and "bold". */
export interface FontChoice {
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
 * point it saw for a glyph: every "i" of the document, or the "ị", would copy and search wrongly. With ccmp
 * off, "ị" is its own precomposed glyph (the text is NFC). fontkit takes features as an object of
 * on/off switches; @types/pdfkit only knows the array form (switches on), hence the cast.
 */
const embeddedTextOptions: TextOptions = {
  features: { ccmp: false } as unknown as TextOptions["features"],
};

/** The fonts for a document holding `texts` (already prepared): Helvetica if it can, else Noto Sans. */
export async function chooseFonts(texts: readonly string[]): Promise<FontChoice> {
  const beyondWinAnsi = missingCharacters(texts, isWinAnsi);
  if (beyondWinAnsi.length === 0) return standardFonts;
  const noto = await loadFallbackFont();
  const covered: Coverage = (cp) => noto.font.hasGlyphForCodePoint(cp);
  // Characters that Noto Sans cannot print either do not justify embedding it: Helvetica prints "?" as well.
  if (!beyondWinAnsi.some((ch) => covered(ch.codePointAt(0)!))) return standardFonts;
  return { regular: noto.regular, bold: noto.bold, covered, textOptions: embeddedTextOptions };
}

/** `text` prepared, and what `fonts` cannot print replaced by "?". Every text on paper goes through here. */
export function printable(fonts: FontChoice, text: string): string {
  let out = "";
  for (const ch of prepare(text)) out += ch === "\n" || fonts.covered(ch.codePointAt(0)!) ? ch : "?";
  return out;
}
