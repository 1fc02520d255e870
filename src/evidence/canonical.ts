// The canonical serialisation of a ledger event (README, "The ledger"): JSON with object keys sorted by
// UTF-16 code units, no whitespace, strings escaped as JSON.stringify does, integers only. It is the
// subset of RFC 8785 (JCS) that needs no number formatting rules, so any JSON library can reproduce it.

export type CanonicalValue =
  | string
  | number
  | boolean
  | null
  | readonly CanonicalValue[]
  | { readonly [key: string]: CanonicalValue | undefined };

export class CanonicalFormError extends Error {
  override readonly name = "CanonicalFormError";
}

export function canonicalJson(value: CanonicalValue): string {
  if (value === null || typeof value === "boolean" || typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") {
    // A float has several spellings across languages; an integer has one.
    if (!Number.isSafeInteger(value)) throw new CanonicalFormError(`not a safe integer: ${value}`);
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw new CanonicalFormError("not a plain object");
    const entries = Object.entries(value as Record<string, CanonicalValue | undefined>)
      .filter((e): e is [string, CanonicalValue] => e[1] !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  throw new CanonicalFormError(`cannot serialise a ${typeof value}`);
}

/** Turns a value read back from JSON (jsonb, a package) into the canonical value type, refusing floats. */
export function asCanonical(value: unknown): CanonicalValue {
  canonicalJson(value as CanonicalValue);
  return value as CanonicalValue;
}

/** Details as they would be read back from jsonb: dates become ISO strings, undefined disappears. */
export function jsonDetails(details: Record<string, unknown>): { [key: string]: CanonicalValue } {
  return JSON.parse(JSON.stringify(details)) as { [key: string]: CanonicalValue };
}
