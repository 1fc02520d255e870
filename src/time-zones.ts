// Wall-clock times in an office's time zone, without a date library: Intl knows every IANA zone.

// Building an Intl.DateTimeFormat costs far more than using one: one per zone, kept.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function offsetMinutesAt(utcMs: number, timeZone: string): number {
  const parts = formatterOf(timeZone).formatToParts(new Date(utcMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const asUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return Math.round((asUtc - Math.floor(utcMs / 1000) * 1000) / 60000);
}

/**
 * "2026-03-08T02:30" read as a wall-clock time in `timeZone`, as an instant. Returns undefined for
 * text that is not such a time. A wall time skipped by a DST change resolves to an instant one hour from it.
 */
export function wallTimeToInstant(wall: string, timeZone: string): Date | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(wall);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  // Date.UTC reads years 0-99 as 1900-1999; no address was ever provided before 1900 anyway.
  if (y < 1900) return undefined;
  const naive = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(naive);
  if (check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59)
    return undefined;
  // Two passes settle the offset on both sides of a DST change.
  let utc = naive - offsetMinutesAt(naive, timeZone) * 60000;
  utc = naive - offsetMinutesAt(utc, timeZone) * 60000;
  return new Date(utc);
}

/** The instant as "YYYY-MM-DDTHH:mm" on the wall clocks of `timeZone` (the value of a datetime-local input). */
export function instantToWallTime(at: Date, timeZone: string): string {
  const local = new Date(at.getTime() + offsetMinutesAt(at.getTime(), timeZone) * 60000);
  return local.toISOString().slice(0, 16);
}
