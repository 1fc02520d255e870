import { finished } from "node:stream/promises";
import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, type UploadedFile } from "../correspondence/attachments.ts";
import { AppError } from "../errors.ts";

// Forms with files (multipart/form-data), for the few routes that take them: the plugin is registered in
// the encapsulated scope of those routes only, every other route keeps refusing multipart bodies.
//
// How CSRF stays in force: the app checks every post's `_csrf` field in a preHandler hook, which reads
// `req.body`. Fastify does not parse a multipart body by itself, so a preValidation hook here (which runs
// before every preHandler) reads the whole form first: its text fields become `req.body`, as a urlencoded
// form's would, and its files are kept beside the request. A post without the token is then refused by
// the same check as any other, before the route runs and before anything is stored.
//
// Limits, decided here (the per-letter rules themselves are in correspondence/attachments.ts):
// - Each file is read up to one byte past the per-file limit (enough to know it is too large) and the
//   rest of it is discarded as it arrives; files past the number a letter may carry are counted and
//   discarded. At most MAX_ATTACHMENTS files of MAX_ATTACHMENT_BYTES (+1) are held in memory.
// - A too-large or too-many upload is read to its end, so the person gets the compose page back with the
//   error in their language and what they typed, not a connection reset or a bare 413.
// - A request declaring more than MAX_REQUEST_BYTES is not read at all: the error page says the files are
//   too large, and the connection is closed instead of reading what nobody will keep. A multipart post
//   must declare its length (browsers always do).
// - Text fields: at most 50, each at most 1 MB (the app's body limit for urlencoded forms). A text cut
//   short would change the letter, so a longer one is refused, never truncated.

/** Far above anything a person could mean to attach; below it, an upload is read and answered in words. */
export const MAX_REQUEST_BYTES = 64 * 1024 * 1024;

/** What a multipart post carried besides its text fields. */
export interface Upload {
  files: UploadedFile[];
  /** False when the form was cut off by the hard limit on the number of files: later fields are missing. */
  complete: boolean;
}

const uploads = new WeakMap<FastifyRequest, Upload>();

/** The files posted with this request (none for a urlencoded form). */
export function uploadOf(req: FastifyRequest): Upload {
  return uploads.get(req) ?? { files: [], complete: true };
}

/** Busboy's own hard limits; the per-letter rules are applied to what they let through. */
function busboyLimits(maxFiles: number, maxFileBytes: number) {
  return {
    fileSize: maxFileBytes + 1,
    // A few more than a form may carry, so "too many" is answered with the form, not cut off.
    files: maxFiles * 4,
    fields: 50,
    fieldSize: 1_048_576,
    parts: 50 + maxFiles * 4,
    headerPairs: 100,
  };
}

export interface UploadLimits {
  maxFiles: number;
  maxFileBytes: number;
  /** Whether the request comes from someone allowed to post here; nothing is read for anyone else. */
  signedIn(req: FastifyRequest): boolean;
}

/** A letter's attachments, posted by staff. */
const letterUploads: UploadLimits = {
  maxFiles: MAX_ATTACHMENTS,
  maxFileBytes: MAX_ATTACHMENT_BYTES,
  signedIn: (req) => req.staff !== undefined,
};

class FieldTooLongError extends Error {
  readonly statusCode = 413;
  readonly code = "LIAISON_FIELD_TOO_LONG";
}

/**
 * Accepts multipart forms in this scope: text fields become `req.body`, files posted in `fileField` are
 * kept for `uploadOf(req)`; files under any other name are discarded.
 */
export async function acceptUploads(
  scope: FastifyInstance,
  fileField: string,
  limits: UploadLimits = letterUploads,
): Promise<void> {
  const { maxFiles, maxFileBytes } = limits;
  await scope.register(multipart, {
    limits: busboyLimits(maxFiles, maxFileBytes),
    throwFileSizeLimit: false,
  });
  scope.addHook("preValidation", async (req, reply) => {
    if (!req.isMultipart()) return;
    const declared = Number(req.headers["content-length"]);
    if (!Number.isSafeInteger(declared)) {
      reply.header("connection", "close");
      throw Object.assign(new Error("a multipart form must declare its length"), { statusCode: 411 });
    }
    if (declared > MAX_REQUEST_BYTES) {
      reply.header("connection", "close");
      throw new AppError("ATTACHMENT_TOO_LARGE");
    }
    // Nobody signed in: nothing is read (and the CSRF check refuses the post).
    if (!limits.signedIn(req)) return;
    const fields: Record<string, string | string[]> = {};
    const files: UploadedFile[] = [];
    let complete = true;
    try {
      for await (const part of req.parts()) {
        if (part.type === "field") {
          if (part.valueTruncated || part.fieldnameTruncated) throw new FieldTooLongError("field too long");
          const value = String(part.value);
          const before = fields[part.fieldname];
          fields[part.fieldname] = before === undefined ? value : [before, value].flat();
          continue;
        }
        const keep = part.fieldname === fileField && files.length < maxFiles;
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of part.file as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (keep) chunks.push(chunk);
        }
        // Busboy stopped passing bytes at the limit: the file is at least that large.
        if (part.file.truncated) size = Math.max(size, maxFileBytes + 1);
        if (part.fieldname !== fileField) continue;
        // A file input left empty is still sent, with an empty name (which busboy may give as undefined)
        // and no bytes.
        const filename = typeof part.filename === "string" ? part.filename : "";
        if (filename === "" && size === 0) continue;
        files.push({
          filename,
          content: keep ? Buffer.concat(chunks) : Buffer.alloc(0),
          size,
        });
      }
    } catch (e) {
      if (!(e instanceof scope.multipartErrors.FilesLimitError)) throw e;
      // Past the hard limit on files (already many more than a letter may carry): the form is answered
      // as "too many", with the fields read so far.
      complete = false;
    } finally {
      // Whatever stopped the reading, the rest of the request is read and dropped, so the answer reaches
      // the browser (which is still sending) instead of a reset connection.
      if (!req.raw.complete) {
        req.raw.unpipe();
        req.raw.resume();
        await finished(req.raw).catch(() => undefined);
      }
    }
    req.body = fields;
    uploads.set(req, { files, complete });
  });
}
