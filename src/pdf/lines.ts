import { type FontChoice, printable } from "./fonts.ts";

// Our own line breaking and line placing, for every document set with pdfkit here. All text is placed line
// by line: pdfkit never wraps nor adds a page on its own (lineBreak: false, and no width), so what is on
// paper is what breakLines decided, and pages are added by the caller. pdfkit's own wrapping breaks after
// hyphens, which on paper makes "cpc-montreal@agency.example" ambiguous.

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

/** A font ("regular" or "bold", as registered by openDocument) and a size in points. */
export interface Style {
  font: "regular" | "bold";
  size: number;
}

/** Leading added to a line at body size, in points; in proportion at other sizes. */
const LINE_GAP = 1.5;

/** Lines measured and drawn on one document, in its fonts. */
export interface LineSetter {
  /** Makes `style` the current font; returns the height of one of its lines, leading included. */
  use(style: Style): number;
  /** The width of `s` in the current font. */
  measure(s: string): number;
  /** One line, as given (already printable), at (x, y), in the current font. */
  drawLine(line: string, x: number, y: number): void;
  /** `text` made printable and broken into lines no wider than `width` in `style`. */
  linesOf(text: string, style: Style, width: number): string[];
  /** `text` made printable, on one line that ends at `right`. */
  rightAligned(text: string, style: Style, right: number, y: number): void;
}

/** The line setter of `doc`, set in `fonts`, whose body text is `bodySize` points. */
export function lineSetter(doc: PDFKit.PDFDocument, fonts: FontChoice, bodySize: number): LineSetter {
  const use = (style: Style): number => {
    doc.font(style.font).fontSize(style.size);
    return doc.currentLineHeight(true) + LINE_GAP * (style.size / bodySize);
  };
  const measure = (s: string): number => doc.widthOfString(s, fonts.textOptions);
  const drawLine = (line: string, x: number, y: number): void => {
    if (line !== "") doc.text(line, x, y, { ...fonts.textOptions, lineBreak: false });
  };
  return {
    use,
    measure,
    drawLine,
    linesOf: (text, style, width) => {
      use(style);
      return breakLines(printable(fonts, text), width, measure);
    },
    rightAligned: (text, style, right, y) => {
      use(style);
      const line = printable(fonts, text);
      drawLine(line, right - measure(line), y);
    },
  };
}
