// CSV as spreadsheets read it: RFC 4180 quoting and line ends, and no cell a spreadsheet would run as a
// formula. Used by the downloads of accounts (a batch's, C-20).

/** The byte order mark Excel needs to read a CSV file as UTF-8 rather than in the machine's code page. */
export const csvBom = "\uFEFF";

/**
 * One field. A value beginning with = + - @ (or a tab or carriage return, which some spreadsheets skip
 * before reading a formula) is prefixed with an apostrophe: an SMTP reply or a reason is text from
 * outside, and must never become a formula in the reader's spreadsheet (OWASP "CSV injection"). Then a
 * field holding a comma, a quote or a line break is quoted, its quotes doubled (RFC 4180 section 2).
 */
export function csvField(value: string | number | null | undefined): string {
  let text = value === null || value === undefined ? "" : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record, with the CRLF line end RFC 4180 prescribes. */
export function csvRow(fields: readonly (string | number | null | undefined)[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}
