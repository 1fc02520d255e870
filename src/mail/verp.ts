import { isValidEmail } from "../files/forms.ts";

// VERP (variable envelope return path): each message leaves with its own envelope sender, so the
// non-delivery report comes back *addressed to* the correspondence it concerns (C-16). That works even
// for reports that quote nothing of the original message, which many non-standard ones do not.
//
// Scheme: `<mailbox local part>+b-<correspondence id, 32 hex digits>@<mailbox domain>`
//   ircc.mtl@ircc.example + 0b6f2c1e-8d7a-4c3b-9e2f-5a1d4c7b8e90
//   → ircc.mtl+b-0b6f2c1e8d7a4c3b9e2f5a1d4c7b8e90@ircc.example
//
// - `+` is the sub-address delimiter Postfix (recipient_delimiter), Exchange Online and most relays
//   deliver to the base mailbox; the generic mailbox must have it enabled.
// - `b-` marks our tag, so a `+` already in a mailbox name is not mistaken for one.
// - Lower-case hex, not base32 or base64: remote MTAs are known to change the case of addresses, and
//   hex reads the same whatever they do; it also maps back to the UUID by eye. The UUID's dashes are
//   dropped to save 4 characters: the tag is 35 characters, so the mailbox's own local part may be up to
//   29 of the 64 RFC 5321 allows (`ircc.mtl` is 8). encodeVerp refuses anything longer.
// - No signature (BATV-style): the id is a random v4 UUID, which cannot be guessed, and a report naming an
//   id we do not hold matches nothing.

export class VerpError extends Error {
  override readonly name = "VerpError";
}

const TAG = "+b-";
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const verpPattern = /^(.+)\+b-([0-9a-f]{32})@([^@]+)$/;
const MAX_LOCAL_PART = 64;

/** The envelope sender for one correspondence, sent from the office's generic `mailbox` (C-7). */
export function encodeVerp(mailbox: string, correspondenceId: string): string {
  if (!isValidEmail(mailbox)) throw new VerpError(`"${mailbox}" is not a mailbox we can send from`);
  if (!uuidPattern.test(correspondenceId)) {
    throw new VerpError(`Correspondence id "${correspondenceId}" is not a UUID`);
  }
  if (decodeVerp(mailbox)) throw new VerpError(`Mailbox "${mailbox}" already carries a VERP tag`);
  const at = mailbox.lastIndexOf("@");
  const local = `${mailbox.slice(0, at)}${TAG}${correspondenceId.replaceAll("-", "").toLowerCase()}`;
  if (local.length > MAX_LOCAL_PART) {
    throw new VerpError(
      `Mailbox "${mailbox}" is too long for a VERP address (local part over 64 characters)`,
    );
  }
  return `${local}@${mailbox.slice(at + 1)}`;
}

/**
 * The mailbox and correspondence id a VERP address stands for, or undefined when it is not one of ours.
 * Case-insensitive, and accepts the address in angle brackets as reports quote it. The mailbox comes back
 * in lower case. With `ourMailboxes`, an address built on any other mailbox is not ours either.
 */
export function decodeVerp(
  address: string,
  ourMailboxes?: readonly string[],
): { mailbox: string; correspondenceId: string } | undefined {
  const bare = address
    .trim()
    .replace(/^<(.*)>$/, "$1")
    .toLowerCase();
  const m = verpPattern.exec(bare);
  if (!m) return undefined;
  const [, local = "", hex = "", domain = ""] = m;
  const mailbox = `${local}@${domain}`;
  if (!isValidEmail(mailbox)) return undefined;
  if (ourMailboxes && !ourMailboxes.some((ours) => ours.toLowerCase() === mailbox)) return undefined;
  const correspondenceId = [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join("-");
  return { mailbox, correspondenceId };
}
