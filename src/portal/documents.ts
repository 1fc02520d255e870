import { inflateRawSync } from "node:zlib";
import {
  attachmentKinds,
  displayName,
  MAX_FILENAME_LENGTH,
  sanitiseFilename,
  sniffAttachment,
  type UploadedFile,
} from "../correspondence/attachments.ts";
import type { ErrorCode } from "../errors.ts";

// P-5: what counsel may file, judged by content, never by the name or the browser's declared type.
//
// Decided here:
// - PDF and the images a letter may carry (PNG, JPEG, TIFF: correspondence/attachments.ts), plus the
//   office formats a law office sends: Word (.docx) and Excel (.xlsx) in their Office Open XML form.
// - An OOXML file is a ZIP whose `[Content_Types].xml` declares the main part; we read that part's
//   declaration (not the file name) to tell a document from a workbook. A macro-enabled document or
//   workbook (its content types name macroEnabled, or it holds a vbaProject.bin) is refused: it runs code.
// - The old binary formats (.doc, .xls) are refused: they carry macros with no way to tell from outside,
//   and every office program saves the newer form.
// - One document per submission, 10 MB at most (1 MB = 1 048 576 bytes), as the tribunal's practice
//   notice sets for My Case.

export const MAX_SUBMISSION_BYTES = 10 * 1024 * 1024;

export type DocumentKind = "pdf" | "png" | "jpeg" | "tiff" | "docx" | "xlsx";

export const documentTypes: Record<DocumentKind, { contentType: string; extension: string }> = {
  pdf: attachmentKinds.pdf,
  png: attachmentKinds.png,
  jpeg: attachmentKinds.jpeg,
  tiff: attachmentKinds.tiff,
  docx: {
    contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    extension: "docx",
  },
  xlsx: {
    contentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    extension: "xlsx",
  },
};

/** For the file input's `accept`: a hint to the picker only. */
export const acceptedDocumentExtensions = ".pdf,.png,.jpg,.jpeg,.tif,.tiff,.docx,.xlsx";

/** The entries of a ZIP's central directory: name, method, sizes and where the data starts. */
function zipEntries(
  bytes: Buffer,
): Map<string, { method: number; compressed: number; offset: number }> | undefined {
  // The end-of-central-directory record is in the last 64 KiB + 22 bytes.
  const from = Math.max(0, bytes.length - 65_557);
  const eocd = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < from || eocd + 22 > bytes.length) return undefined;
  const count = bytes.readUInt16LE(eocd + 10);
  let at = bytes.readUInt32LE(eocd + 16);
  const entries = new Map<string, { method: number; compressed: number; offset: number }>();
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== 0x02014b50) return undefined;
    const method = bytes.readUInt16LE(at + 10);
    const compressed = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString("utf8");
    if (local + 30 > bytes.length || bytes.readUInt32LE(local) !== 0x04034b50) return undefined;
    const dataAt = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    entries.set(name, { method, compressed, offset: dataAt });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

function readEntry(
  bytes: Buffer,
  e: { method: number; compressed: number; offset: number },
): string | undefined {
  // [Content_Types].xml is a few kilobytes; anything larger is not an office file's.
  if (e.compressed > 1_048_576 || e.offset + e.compressed > bytes.length) return undefined;
  const data = bytes.subarray(e.offset, e.offset + e.compressed);
  try {
    if (e.method === 0) return data.toString("utf8");
    if (e.method === 8) return inflateRawSync(data, { maxOutputLength: 4 * 1_048_576 }).toString("utf8");
  } catch {
    return undefined;
  }
  return undefined;
}

function sniffOfficeOpenXml(bytes: Buffer): DocumentKind | "macro" | undefined {
  if (bytes.length < 30 || bytes.readUInt32LE(0) !== 0x04034b50) return undefined;
  const entries = zipEntries(bytes);
  const types = entries?.get("[Content_Types].xml");
  if (!entries || !types) return undefined;
  const xml = readEntry(bytes, types);
  if (!xml) return undefined;
  if (/macroEnabled/i.test(xml) || [...entries.keys()].some((n) => /vbaProject\.bin$/i.test(n)))
    return "macro";
  if (xml.includes("wordprocessingml.document.main+xml")) return "docx";
  if (xml.includes("spreadsheetml.sheet.main+xml")) return "xlsx";
  return undefined;
}

export function sniffDocument(bytes: Buffer): DocumentKind | undefined {
  const image = sniffAttachment(bytes);
  if (image) return image;
  const office = sniffOfficeOpenXml(bytes);
  return office === "macro" ? undefined : office;
}

export interface CheckedDocument {
  readonly checked: true;
  filename: string;
  kind: DocumentKind;
  contentType: string;
  content: Buffer;
}

export type DocumentCheck =
  | { ok: true; document: CheckedDocument }
  | {
      ok: false;
      code: Extract<
        ErrorCode,
        "ATTACHMENT_TYPE_NOT_ALLOWED" | "ATTACHMENT_TOO_LARGE" | "REQUIRED" | "TOO_MANY_ATTACHMENTS"
      >;
      filename: string;
    };

/** P-5: the one document of a submission, checked by size and by content. */
export function checkDocument(files: readonly UploadedFile[]): DocumentCheck {
  const [file, ...more] = files;
  if (!file) return { ok: false, code: "REQUIRED", filename: "" };
  const filename = displayName(file.filename);
  if (more.length > 0) return { ok: false, code: "TOO_MANY_ATTACHMENTS", filename };
  if (file.size > MAX_SUBMISSION_BYTES) return { ok: false, code: "ATTACHMENT_TOO_LARGE", filename };
  const kind = sniffDocument(file.content);
  if (!kind) return { ok: false, code: "ATTACHMENT_TYPE_NOT_ALLOWED", filename };
  const { contentType, extension } = documentTypes[kind];
  const named =
    kind === "docx" || kind === "xlsx"
      ? `${(displayName(file.filename).replace(/\.[^.]*$/, "") || "document").slice(0, MAX_FILENAME_LENGTH - 5)}.${extension}`
      : sanitiseFilename(file.filename, kind);
  return { ok: true, document: { checked: true, filename: named, kind, contentType, content: file.content } };
}
