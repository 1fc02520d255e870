import { strToU8, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { checkDocument, MAX_SUBMISSION_BYTES, sniffDocument } from "../../src/portal/documents.ts";
import { exeFile, jpegFile, pdfFile, pngFile, tiffFile } from "../support/attachment-files.ts";

const types = (main: string, extra = "") =>
  `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="${main}"/>${extra}</Types>`;

function officeFile(main: string, entries: Record<string, string> = {}, level: 0 | 6 = 6): Buffer {
  const files: Record<string, Uint8Array> = { "[Content_Types].xml": strToU8(types(main)) };
  for (const [name, body] of Object.entries(entries)) files[name] = strToU8(body);
  return Buffer.from(zipSync(files, { level }));
}

const docx = () =>
  officeFile("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", {
    "word/document.xml": "<w:document/>",
  });
const xlsx = () =>
  officeFile(
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    { "xl/workbook.xml": "<workbook/>" },
    0,
  );
const upload = (filename: string, content: Buffer) => ({ filename, content, size: content.length });

describe("P-5: what counsel may file, judged by content", () => {
  it("P-5: PDF, PNG, JPEG, TIFF, Word and Excel are recognised from their bytes", () => {
    expect(sniffDocument(pdfFile())).toBe("pdf");
    expect(sniffDocument(pngFile())).toBe("png");
    expect(sniffDocument(jpegFile())).toBe("jpeg");
    expect(sniffDocument(tiffFile())).toBe("tiff");
    expect(sniffDocument(docx())).toBe("docx");
    expect(sniffDocument(xlsx())).toBe("xlsx");
  });

  it("P-5: a macro-enabled document, a plain ZIP, an executable and an empty file are refused", () => {
    expect(
      sniffDocument(officeFile("application/vnd.ms-word.document.macroEnabled.main+xml")),
    ).toBeUndefined();
    expect(
      sniffDocument(
        officeFile("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml", {
          "word/vbaProject.bin": "x",
        }),
      ),
    ).toBeUndefined();
    expect(sniffDocument(Buffer.from(zipSync({ "a.txt": strToU8("hello") })))).toBeUndefined();
    expect(sniffDocument(exeFile())).toBeUndefined();
    expect(sniffDocument(Buffer.alloc(0))).toBeUndefined();
    // A truncated ZIP: the central directory is gone.
    const cut = docx().subarray(0, 40);
    expect(sniffDocument(cut)).toBeUndefined();
  });

  it("P-5: the name is rewritten to the type found; a file named .pdf that is Word is filed as .docx", () => {
    const checked = checkDocument([upload("brief.pdf", docx())]);
    expect(checked).toMatchObject({ ok: true, document: { kind: "docx", filename: "brief.docx" } });
    const pdf = checkDocument([upload("../../etc/notes.PDF", pdfFile())]);
    expect(pdf).toMatchObject({ ok: true, document: { kind: "pdf" } });
    if (pdf.ok) expect(pdf.document.filename).not.toContain("/");
  });

  it("P-5: one document, of 10 MB at most; none at all is a missing field", () => {
    expect(checkDocument([])).toMatchObject({ ok: false, code: "REQUIRED" });
    expect(checkDocument([upload("a.pdf", pdfFile()), upload("b.pdf", pdfFile())])).toMatchObject({
      ok: false,
      code: "TOO_MANY_ATTACHMENTS",
    });
    expect(
      checkDocument([{ filename: "big.pdf", content: Buffer.alloc(0), size: MAX_SUBMISSION_BYTES + 1 }]),
    ).toMatchObject({
      ok: false,
      code: "ATTACHMENT_TOO_LARGE",
    });
    expect(checkDocument([upload("evil.pdf", exeFile())])).toMatchObject({
      ok: false,
      code: "ATTACHMENT_TYPE_NOT_ALLOWED",
      filename: "evil.pdf",
    });
  });
});
