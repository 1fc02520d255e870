import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkAttachments,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS,
  MAX_ATTACHMENTS_TOTAL_BYTES,
  MAX_FILENAME_LENGTH,
  sanitiseFilename,
  sniffAttachment,
  type UploadedFile,
} from "../../src/correspondence/attachments.ts";
import { exeFile, jpegFile, pdfFile, pdfOfSize, pngFile, tiffFile } from "../support/attachment-files.ts";

// A letter's attachments (SPEC issue "attachments (PDF, images; size-limited)", section 8 "an
// attachment of the wrong type (checked by content, not name) or over the limit"): pure checks.

const upload = (filename: string, content: Buffer): UploadedFile => ({
  filename,
  content,
  size: content.length,
});
const codes = (files: UploadedFile[]) => checkAttachments(files).problems.map((p) => p.code);

describe("the type is decided by the content", () => {
  it("recognises a PDF, a PNG, a JPEG and a TIFF by their first bytes", () => {
    expect(sniffAttachment(pdfFile())).toBe("pdf");
    expect(sniffAttachment(pngFile())).toBe("png");
    expect(sniffAttachment(jpegFile())).toBe("jpeg");
    expect(sniffAttachment(tiffFile())).toBe("tiff");
  });

  it("refuses what is none of them, or only starts like one", () => {
    for (const bytes of [
      exeFile(),
      Buffer.alloc(0),
      Buffer.from("<!doctype html><script>alert(1)</script>"),
      Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
      Buffer.from("GIF89a\x01\x00\x01\x00", "latin1"),
      Buffer.from("PK\x03\x04word/document.xml", "latin1"),
      // A PDF header on something that does not end as a PDF.
      Buffer.concat([Buffer.from("%PDF-1.4\n"), exeFile()]),
      Buffer.from("%PDF-9.9\n%%EOF\n"),
      // A PNG signature without its IHDR chunk.
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]),
      Buffer.from([0xff, 0xd8, 0xff]),
    ])
      expect(sniffAttachment(bytes), bytes.subarray(0, 12).toString("latin1")).toBeUndefined();
  });

  it("a .exe renamed .pdf is refused as a type not allowed", () => {
    const result = checkAttachments([upload("Passeport.pdf", exeFile())]);
    expect(result.attachments).toEqual([]);
    expect(result.problems).toEqual([
      { index: 0, filename: "Passeport.pdf", code: "ATTACHMENT_TYPE_NOT_ALLOWED" },
    ]);
  });

  it("a real PDF named .png is accepted as a PDF and renamed .pdf", () => {
    const bytes = pdfFile();
    const result = checkAttachments([upload("scan.png", bytes)]);
    expect(result.problems).toEqual([]);
    expect(result.attachments).toHaveLength(1);
    const [a] = result.attachments;
    expect(a).toMatchObject({
      filename: "scan.pdf",
      kind: "pdf",
      contentType: "application/pdf",
      size: bytes.length,
    });
    expect(a!.content.equals(bytes)).toBe(true);
  });

  it("an empty file is refused", () => {
    expect(codes([upload("empty.pdf", Buffer.alloc(0))])).toEqual(["ATTACHMENT_TYPE_NOT_ALLOWED"]);
  });

  it("every file is judged, and each refusal names its file", () => {
    const result = checkAttachments([
      upload("ok.pdf", pdfFile()),
      upload("virus.jpg", exeFile()),
      upload("photo.jpg", jpegFile()),
    ]);
    expect(result.attachments.map((a) => a.filename)).toEqual(["ok.pdf", "photo.jpg"]);
    expect(result.problems).toEqual([
      { index: 1, filename: "virus.jpg", code: "ATTACHMENT_TYPE_NOT_ALLOWED" },
    ]);
  });
});

describe("limits, at their edges", () => {
  it(`a file of exactly ${MAX_ATTACHMENT_BYTES} bytes is accepted; one byte more is too large`, () => {
    expect(codes([upload("a.pdf", pdfOfSize(MAX_ATTACHMENT_BYTES))])).toEqual([]);
    expect(codes([upload("a.pdf", pdfOfSize(MAX_ATTACHMENT_BYTES + 1))])).toEqual(["ATTACHMENT_TOO_LARGE"]);
  });

  it("a file counted past the limit but not kept (the upload stopped keeping it) is too large", () => {
    const cut: UploadedFile = {
      filename: "big.pdf",
      content: pdfOfSize(1024),
      size: MAX_ATTACHMENT_BYTES + 1,
    };
    expect(checkAttachments([cut]).problems).toEqual([
      { index: 0, filename: "big.pdf", code: "ATTACHMENT_TOO_LARGE" },
    ]);
  });

  it(`${MAX_ATTACHMENTS_TOTAL_BYTES} bytes in all are accepted; one byte more is too large`, () => {
    const half = MAX_ATTACHMENTS_TOTAL_BYTES / 2;
    expect(codes([upload("a.pdf", pdfOfSize(half)), upload("b.pdf", pdfOfSize(half))])).toEqual([]);
    const over = checkAttachments([
      upload("a.pdf", pdfOfSize(half)),
      upload("b.pdf", pdfOfSize(half - 1024)),
      upload("c.pdf", pdfOfSize(1025)),
    ]);
    expect(over.problems).toEqual([{ index: undefined, filename: "", code: "ATTACHMENT_TOO_LARGE" }]);
  });

  it(`${MAX_ATTACHMENTS} files are accepted; one more is too many`, () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => upload(`f${i}.png`, pngFile(i + 1)));
    expect(checkAttachments(files(MAX_ATTACHMENTS)).attachments).toHaveLength(MAX_ATTACHMENTS);
    expect(codes(files(MAX_ATTACHMENTS + 1))).toEqual(["TOO_MANY_ATTACHMENTS"]);
    // Files past the number are counted, not kept: still too many, and not judged on empty content.
    const extra: UploadedFile = { filename: "f5.png", content: Buffer.alloc(0), size: 2048 };
    expect(codes([...files(MAX_ATTACHMENTS), extra])).toEqual(["TOO_MANY_ATTACHMENTS"]);
  });

  it("the limits are those the hint and the error texts give", () => {
    expect([MAX_ATTACHMENTS, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS_TOTAL_BYTES]).toEqual([
      5,
      5 * 1024 * 1024,
      10 * 1024 * 1024,
    ]);
  });
});

describe("the file name", () => {
  it("keeps a right extension as written, fixes a wrong one, appends a missing one", () => {
    expect(sanitiseFilename("photo.JPEG", "jpeg")).toBe("photo.JPEG");
    expect(sanitiseFilename("scan.png", "jpeg")).toBe("scan.jpg");
    expect(sanitiseFilename("lettre.docx", "pdf")).toBe("lettre.pdf");
    expect(sanitiseFilename("Passport 2024.03", "pdf")).toBe("Passport 2024.03.pdf");
    expect(sanitiseFilename("README", "tiff")).toBe("README.tif");
    expect(sanitiseFilename("scan.tiff", "tiff")).toBe("scan.tiff");
  });

  it("has no directory, no control or invisible characters, no reserved characters, no leading dot", () => {
    expect(sanitiseFilename("C:\\Users\\agent\\Documents\\scan.pdf", "pdf")).toBe("scan.pdf");
    expect(sanitiseFilename("../../etc/passwd", "pdf")).toBe("passwd.pdf");
    expect(sanitiseFilename("a\u0000b\r\nc\u0007.pdf", "pdf")).toBe("abc.pdf");
    // A right-to-left override would show "invoice‮fdp.exe" as "invoiceexe.pdf".
    expect(sanitiseFilename("invoice\u202efdp.exe", "pdf")).toBe("invoicefdp.pdf");
    expect(sanitiseFilename('what?<"is">|this*:.pdf', "pdf")).toBe("what___is___this__.pdf");
    expect(sanitiseFilename(".hidden.pdf", "pdf")).toBe("hidden.pdf");
    expect(sanitiseFilename("", "png")).toBe("attachment.png");
    expect(sanitiseFilename(" .. ", "png")).toBe("attachment.png");
    expect(sanitiseFilename("e\u0301te\u0301.pdf", "pdf")).toBe("été.pdf");
  });

  it(`is at most ${MAX_FILENAME_LENGTH} characters, extension kept, no character cut in half`, () => {
    const long = sanitiseFilename(`${"😀".repeat(200)}.pdf`, "pdf");
    expect([...long]).toHaveLength(MAX_FILENAME_LENGTH);
    expect(long.endsWith("😀.pdf")).toBe(true);
    expect(sanitiseFilename(`${"a".repeat(149)}.png`, "pdf")).toBe(`${"a".repeat(146)}.pdf`);
  });

  it("whatever the name sent, the result is a safe one-line name with the type's extension", () => {
    const extensions = {
      pdf: ["pdf"],
      png: ["png"],
      jpeg: ["jpg", "jpeg", "jpe", "jfif"],
      tiff: ["tif", "tiff"],
    };
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 400 }),
        fc.constantFrom("pdf", "png", "jpeg", "tiff") as fc.Arbitrary<"pdf" | "png" | "jpeg" | "tiff">,
        (name, kind) => {
          const out = sanitiseFilename(name, kind);
          expect([...out].length).toBeLessThanOrEqual(MAX_FILENAME_LENGTH);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: checking there is none.
          expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f/\\<>:"|?*\u202a-\u202e\u2066-\u2069]/);
          expect(out.startsWith(".")).toBe(false);
          const ext = out.slice(out.lastIndexOf(".") + 1).toLowerCase();
          expect(extensions[kind]).toContain(ext);
          expect(out.slice(0, out.lastIndexOf(".")).trim()).not.toBe("");
        },
      ),
      { numRuns: 500 },
    );
  });
});
