/**
 * A JavaScript array as a PostgreSQL array literal ('{1,2,"a b"}'): both drivers pass it as one text
 * parameter, cast in the statement (`${pgArray(xs)}::text[]`), however long the array. Strings are
 * quoted, so commas, braces and quotes in them stay data.
 */
export function pgArray(values: readonly (number | string)[]): string {
  return `{${values.map((v) => (typeof v === "number" ? String(v) : `"${v.replace(/["\\]/g, "\\$&")}"`)).join(",")}}`;
}
