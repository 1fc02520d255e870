import type { ErrorCode } from "../errors.ts";

// The files a letter may carry (SPEC issue "attachments (PDF, images; size-limited)", section 8 "bad
// input"). Pure: no I/O. A file's type is decided by its first bytes, never by its name or the type the
// browser declared, and its name is rewritten to say that type, so a recipient's mail program opens a
// PDF as a PDF whatever the agent's computer called it.
//
// Decided here:
// - Accepted: PDF, PNG, JPEG and TIFF (scanners and fax gateways still produce TIFF). Nothing that runs,
//   and nothing a mail program renders with scripts or remote content (no HTML, no SVG, no Office files).
// - A PDF starts with "%PDF-1." or "%PDF-2." and ends with "%%EOF" in its last 1024 bytes (where PDF
//   readers look for it): a file that only starts like a PDF is not one.
// - Limits: 5 files, 5 MB each, 10 MB in all (1 MB = 1 048 576 bytes). Sealed, files grow by a third
//   (base64), so a letter near the total can pass the outbound limit of C-13 (10 MB by default): it then
//   goes by post, as C-13 says, attachments and all, and nothing is lost.
// - An empty file is refused as "not an accepted type": it is not a PDF or an image of anything.

export const MAX_ATTACHMENTS = 5;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
export const MAX_ATTACHMENTS_TOTAL_BYTES = 10 * 1024 * 1024;
export const MAX_FILENAME_LENGTH = 150;

export type AttachmentKind = "pdf" | "png" | "jpeg" | "tiff";

export const attachmentKinds: Record<
  AttachmentKind,
  { contentType: string; extension: string; extensions: readonly string[] }
> = {
  pdf: { contentType: "application/pdf", extension: "pdf", extensions: ["pdf"] },
  png: { contentType: "image/png", extension: "png", extensions: ["png"] },
  jpeg: { contentType: "image/jpeg", extension: "jpg", extensions: ["jpg", "jpeg", "jpe", "jfif"] },
  tiff: { contentType: "image/tiff", extension: "tif", extensions: ["tif", "tiff"] },
};

/** For a file input's `accept`: a hint to the browser's file picker only; the content decides. */
export const acceptedExtensions = Object.values(attachmentKinds)
  .flatMap((k) => [k.contentType, ...k.extensions.map((e) => `.${e}`)])
  .join(",");

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

const pdfEnd = Buffer.from("%%EOF", "latin1");

/** The type of these bytes by their signature, or undefined if they are none of the accepted types. */
export function sniffAttachment(bytes: Uint8Array): AttachmentKind | undefined {
  if (startsWith(bytes, ascii("%PDF-"))) {
    const version = (bytes[5] === 0x31 || bytes[5] === 0x32) && bytes[6] === 0x2e;
    const tail = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).subarray(-1024);
    return version && tail.includes(pdfEnd) ? "pdf" : undefined;
  }
  // PNG: the 8-byte signature, then the IHDR chunk that must come first (PNG spec 5.2, 5.6).
  if (
    startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) &&
    startsWith(bytes, ascii("IHDR"), 12)
  )
    return "png";
  // JPEG: start of image, then a marker.
  if (startsWith(bytes, [0xff, 0xd8, 0xff]) && bytes.length > 3) return "jpeg";
  // TIFF: byte order "II" or "MM", then 42 in that order.
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a]))
    return bytes.length > 8 ? "tiff" : undefined;
  return undefined;
}

/**
 * Extensions that name a type: on a file whose content is another type they are replaced ("scan.png"
 * holding a PDF becomes "scan.pdf"); any other ending is kept and the right extension appended
 * ("Passport 2024.03" becomes "Passport 2024.03.pdf").
 */
const typeExtensions = new Set([
  ...Object.values(attachmentKinds).flatMap((k) => k.extensions),
  ..."gif bmp webp heic heif avif svg svgz ico txt rtf csv htm html xhtml xml json doc docx docm odt xls xlsx xlsm ods ppt pptx odp zip rar 7z gz tar exe com bat cmd scr msi dll js mjs vbs vbe wsf ps1 sh jar apk lnk eml msg".split(
    " ",
  ),
]);

// Control characters (C0, DEL, C1), and invisible characters that can disguise a name: bidirectional
// overrides ("exe.pdf" shown as "fdp.exe"), zero-width characters, the byte-order mark.
const invisible =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point.
  /[\u0000-\u001f\u007f-\u009f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]/g;
// Characters that are not allowed in a file name on some system a recipient may save it on.
const reserved = /[<>:"/\\|?*]/g;

/**
 * The name a file is kept and sent under: no directory, no control or invisible characters, none of the
 * characters some system forbids in a name, no leading dots, at most 150 characters, and ending in the
 * extension of its sniffed type.
 */
export function sanitiseFilename(declared: string, kind: AttachmentKind): string {
  const { extension, extensions } = attachmentKinds[kind];
  // Browsers send the base name; some old ones sent a whole path ("C:\Users\…\scan.pdf").
  const base = declared.split(/[/\\]/).pop() ?? "";
  const name = base
    .normalize("NFC")
    .replace(invisible, "")
    .replace(reserved, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^[.\s]+/, "")
    .replace(/[.\s]+$/, "");
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : "";
  let stem = name;
  let suffix = `.${extension}`;
  if (extensions.includes(ext)) {
    stem = name.slice(0, dot);
    suffix = name.slice(dot); // the agent's own spelling of a right extension (".JPEG") is kept
  } else if (typeExtensions.has(ext)) {
    stem = name.slice(0, dot);
  }
  stem = stem.replace(/[.\s]+$/, "");
  if (stem === "") stem = "attachment";
  // Counted in characters (code points), so no character is cut in half.
  const room = MAX_FILENAME_LENGTH - [...suffix].length;
  const chars = [...stem];
  if (chars.length > room)
    stem = chars
      .slice(0, room)
      .join("")
      .replace(/[.\s]+$/, "");
  return `${stem}${suffix}`;
}

/** A file as the agent's browser sent it. */
export interface UploadedFile {
  /** The name the browser gave; only used to name the file, never to decide its type. */
  filename: string;
  /** The bytes received; fewer than `size` when the upload stopped keeping them (over a limit). */
  content: Buffer;
  /** How many bytes the file had, at least: counting stops a little past the per-file limit. */
  size: number;
}

/** A file that passed every check: the only kind a letter can be written with. */
export interface CheckedAttachment {
  readonly checked: true;
  filename: string;
  kind: AttachmentKind;
  contentType: string;
  content: Buffer;
  size: number;
}

export type AttachmentErrorCode = Extract<
  ErrorCode,
  "ATTACHMENT_TYPE_NOT_ALLOWED" | "ATTACHMENT_TOO_LARGE" | "TOO_MANY_ATTACHMENTS"
>;

export interface AttachmentProblem {
  /** 0-based, in the order the files were sent; undefined for a problem of the whole set. */
  index: number | undefined;
  /** The name as the browser sent it, cleaned for showing (no control characters, no path). */
  filename: string;
  code: AttachmentErrorCode;
}

/** A name fit to show back to the person (the refused file has no type to fix its extension from). */
export function displayName(declared: string): string {
  const base = (declared.split(/[/\\]/).pop() ?? "").normalize("NFC").replace(invisible, "").trim();
  const chars = [...base];
  return chars.length > MAX_FILENAME_LENGTH ? `${chars.slice(0, MAX_FILENAME_LENGTH - 1).join("")}…` : base;
}

/**
 * Checks a letter's files: each one's type by content and size, then their number and total size.
 * Returns the accepted files (in order) and every problem found; a letter is written only when there
 * is none.
 */
export function checkAttachments(files: readonly UploadedFile[]): {
  attachments: CheckedAttachment[];
  problems: AttachmentProblem[];
} {
  const attachments: CheckedAttachment[] = [];
  const problems: AttachmentProblem[] = [];
  let total = 0;
  files.forEach((file, index) => {
    const filename = displayName(file.filename);
    total += file.size;
    if (file.size > MAX_ATTACHMENT_BYTES) {
      problems.push({ index, filename, code: "ATTACHMENT_TOO_LARGE" });
      return;
    }
    // Not all received (over the number or total of files): judged by the set's limits below.
    if (file.content.length !== file.size) return;
    const kind = sniffAttachment(file.content);
    if (!kind) {
      problems.push({ index, filename, code: "ATTACHMENT_TYPE_NOT_ALLOWED" });
      return;
    }
    attachments.push({
      checked: true,
      filename: sanitiseFilename(file.filename, kind),
      kind,
      contentType: attachmentKinds[kind].contentType,
      content: file.content,
      size: file.content.length,
    });
  });
  if (files.length > MAX_ATTACHMENTS)
    problems.push({ index: undefined, filename: "", code: "TOO_MANY_ATTACHMENTS" });
  if (total > MAX_ATTACHMENTS_TOTAL_BYTES && !problems.some((p) => p.code === "ATTACHMENT_TOO_LARGE"))
    problems.push({ index: undefined, filename: "", code: "ATTACHMENT_TOO_LARGE" });
  return { attachments, problems };
}
