import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// PDFs read back with poppler's pdftotext and pdfinfo (Debian package poppler-utils): what a reader, or a
// search over the archive, gets from the paper. Without them these tests fail, they do not skip.

export function poppler(tool: "pdftotext" | "pdfinfo", args: string[], pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), "liaison-pdf-"));
  const path = join(dir, "document.pdf");
  writeFileSync(path, pdf);
  try {
    return execFileSync(tool, [...args, path, ...(tool === "pdftotext" ? ["-"] : [])], {
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error(
        `${tool} is not installed: these tests read the PDF back with poppler. Install Debian's poppler-utils (apt-get install -y poppler-utils).`,
      );
    throw e;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The text as extracted, spaces (no-break ones too) and line breaks folded. Layout mode: in its default
 * mode pdftotext joins a line ending in "-" to the next one, taking it for a hyphenated word.
 */
export const textOf = (pdf: Buffer): string =>
  poppler("pdftotext", ["-layout", "-enc", "UTF-8"], pdf)
    .replace(/[\s\u00a0]+/g, " ")
    .trim();

/** pdfinfo's "Key: value" lines. */
export function infoOf(pdf: Buffer): Record<string, string> {
  const info: Record<string, string> = {};
  for (const line of poppler("pdfinfo", ["-isodates"], pdf).split("\n")) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[m[1]!] = m[2]!;
  }
  return info;
}
