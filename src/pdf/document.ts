import PDFDocument from "pdfkit";
import type { FontChoice } from "./fonts.ts";

// A US Letter PDF as the postal letter and the proof summary are printed: fonts registered as "regular" and
// "bold", pages buffered so footers can count them, the bytes collected into one Buffer.
//
// Determinism (checked by the tests of both documents). pdfkit 0.20 takes its creation date from
// `info.CreationDate` (else `new Date()`), and derives the trailer /ID from an MD5 of the info dictionary
// (CreationDate included); it draws random bytes only when encrypting, which these documents never are.
// Embedded font subsets are tagged from the font's resource name ("F1"), not at random. So with a
// CreationDate taken from the input, the same input gives the same bytes; an id in the info's Keywords
// keeps two documents from sharing an /ID. Streams are deflated by Node's zlib: identical bytes hold for
// one Node build; another zlib could compress differently.

/** Points to the inch: pdfkit's unit. */
export const INCH = 72;
/** US Letter, as `size: "LETTER"`. */
export const PAGE = { width: 8.5 * INCH, height: 11 * INCH };
/** The footer's line, below a 1-inch bottom margin. */
export const FOOTER_Y = PAGE.height - 0.6 * INCH;
export const BLACK = "#000000";
export const GREY = "#4d4d4d";

export interface DocumentSettings {
  margins: { top: number; left: number; right: number; bottom: number };
  /** The document's language tag, for screen readers. */
  lang: string;
  /** The info dictionary, in this order; Creator is "Liaison". */
  info: { Title: string; Author: string; Subject: string; Keywords: string };
  /** Fixes the bytes (see above): never the time of rendering. */
  creationDate: Date;
  fonts: FontChoice;
}

/** A new document, text in black, and its bytes once `doc.end()` is called. */
export function openDocument(settings: DocumentSettings): {
  doc: PDFKit.PDFDocument;
  bytes: Promise<Buffer>;
} {
  const doc = new PDFDocument({
    size: "LETTER",
    margins: settings.margins,
    bufferPages: true, // the footer needs the page count
    lang: settings.lang,
    displayTitle: true,
    info: { ...settings.info, Creator: "Liaison", CreationDate: settings.creationDate },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Uint8Array) => chunks.push(Buffer.from(chunk)));
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  doc.registerFont("regular", settings.fonts.regular);
  doc.registerFont("bold", settings.fonts.bold);
  doc.fillColor(BLACK);
  return { doc, bytes };
}

/** Calls `draw` on every page, numbered from 1, once all are laid out: for footers that say "Page n of count". */
export function forEachPage(doc: PDFKit.PDFDocument, draw: (n: number, count: number) => void): void {
  const { start, count } = doc.bufferedPageRange();
  for (let i = 0; i < count; i++) {
    doc.switchToPage(start + i);
    draw(i + 1, count);
  }
}
