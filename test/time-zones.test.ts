import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { instantToWallTime, wallTimeToInstant } from "../src/time-zones.ts";

const TORONTO = "America/Toronto";
const PARIS = "Europe/Paris";
const HOUR = 3_600_000;

const iso = (d: Date | undefined) => d?.toISOString();

describe("wallTimeToInstant: ordinary times", () => {
  it.each([
    ["2026-01-15T09:00", TORONTO, "2026-01-15T14:00:00.000Z"], // EST, UTC-5
    ["2026-07-15T09:00", TORONTO, "2026-07-15T13:00:00.000Z"], // EDT, UTC-4
    ["2026-01-15T09:00", PARIS, "2026-01-15T08:00:00.000Z"], // CET, UTC+1
    ["2026-07-15T09:00", PARIS, "2026-07-15T07:00:00.000Z"], // CEST, UTC+2
    ["2026-07-15T09:00", "UTC", "2026-07-15T09:00:00.000Z"],
    ["2026-07-15T09:00", "Asia/Kolkata", "2026-07-15T03:30:00.000Z"], // UTC+5:30
    ["2026-07-01T12:00:30", PARIS, "2026-07-01T10:00:30.000Z"], // seconds are accepted
    ["2026-12-31T23:59", TORONTO, "2027-01-01T04:59:00.000Z"], // crosses the year in UTC
    ["2028-02-29T10:00", "UTC", "2028-02-29T10:00:00.000Z"], // leap day
  ])("%s in %s is %s", (wall, zone, expected) => {
    expect(iso(wallTimeToInstant(wall, zone))).toBe(expected);
  });
});

describe("wallTimeToInstant: invalid input returns undefined", () => {
  it.each([
    "2026-02-30T10:00",
    "2027-02-29T10:00",
    "2026-13-01T10:00",
    "2026-00-10T10:00",
    "2026-04-31T10:00",
    "2026-01-01T24:00",
    "2026-01-01T10:60",
    "2026-01-01T10:00:60",
    "garbage",
    "",
    "2026-01-01",
    "2026-01-01 10:00",
    "2026-01-01T10:00Z",
    "2026-01-01T10:00:00.000",
    " 2026-01-01T10:00",
    "2026-1-1T10:00",
  ])("%j", (wall) => {
    expect(wallTimeToInstant(wall, TORONTO)).toBeUndefined();
    expect(wallTimeToInstant(wall, PARIS)).toBeUndefined();
  });
});

describe("DST in America/Toronto (2026-03-08 02:00 → 03:00, 2026-11-01 02:00 → 01:00)", () => {
  it("spring forward: the last minute before and the first after the gap are one minute apart", () => {
    expect(iso(wallTimeToInstant("2026-03-08T01:59", TORONTO))).toBe("2026-03-08T06:59:00.000Z");
    expect(iso(wallTimeToInstant("2026-03-08T03:00", TORONTO))).toBe("2026-03-08T07:00:00.000Z");
  });

  it("spring forward: a skipped wall time resolves to an instant one hour from it", () => {
    for (const wall of ["2026-03-08T02:00", "2026-03-08T02:30", "2026-03-08T02:59"]) {
      const at = wallTimeToInstant(wall, TORONTO);
      expect(at).toBeDefined();
      const shown = instantToWallTime(at!, TORONTO);
      const diff = Date.parse(`${shown}Z`) - Date.parse(`${wall}Z`);
      expect(Math.abs(diff)).toBe(HOUR);
    }
  });

  it("fall back: a repeated wall time resolves to one of its two instants and reads back the same", () => {
    const at = wallTimeToInstant("2026-11-01T01:30", TORONTO);
    expect(["2026-11-01T05:30:00.000Z", "2026-11-01T06:30:00.000Z"]).toContain(iso(at));
    expect(instantToWallTime(at!, TORONTO)).toBe("2026-11-01T01:30");
  });

  it("fall back: times either side of the repeated hour are unambiguous", () => {
    expect(iso(wallTimeToInstant("2026-11-01T00:59", TORONTO))).toBe("2026-11-01T04:59:00.000Z");
    expect(iso(wallTimeToInstant("2026-11-01T02:00", TORONTO))).toBe("2026-11-01T07:00:00.000Z");
  });

  it("instantToWallTime shows both occurrences of the repeated hour as the same wall time", () => {
    expect(instantToWallTime(new Date("2026-11-01T05:30:00Z"), TORONTO)).toBe("2026-11-01T01:30");
    expect(instantToWallTime(new Date("2026-11-01T06:30:00Z"), TORONTO)).toBe("2026-11-01T01:30");
  });

  it("instantToWallTime jumps from 01:59 to 03:00 across the spring change", () => {
    expect(instantToWallTime(new Date("2026-03-08T06:59:59.999Z"), TORONTO)).toBe("2026-03-08T01:59");
    expect(instantToWallTime(new Date("2026-03-08T07:00:00.000Z"), TORONTO)).toBe("2026-03-08T03:00");
  });
});

describe("DST in Europe/Paris (2026-03-29 02:00 → 03:00, 2026-10-25 03:00 → 02:00)", () => {
  it("spring forward: the last minute before and the first after the gap are one minute apart", () => {
    expect(iso(wallTimeToInstant("2026-03-29T01:59", PARIS))).toBe("2026-03-29T00:59:00.000Z");
    expect(iso(wallTimeToInstant("2026-03-29T03:00", PARIS))).toBe("2026-03-29T01:00:00.000Z");
  });

  it("spring forward: a skipped wall time resolves to an instant one hour from it", () => {
    for (const wall of ["2026-03-29T02:00", "2026-03-29T02:30", "2026-03-29T02:59"]) {
      const at = wallTimeToInstant(wall, PARIS);
      expect(at).toBeDefined();
      const shown = instantToWallTime(at!, PARIS);
      const diff = Date.parse(`${shown}Z`) - Date.parse(`${wall}Z`);
      expect(Math.abs(diff)).toBe(HOUR);
    }
  });

  it("fall back: a repeated wall time resolves to one of its two instants and reads back the same", () => {
    const at = wallTimeToInstant("2026-10-25T02:30", PARIS);
    expect(["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]).toContain(iso(at));
    expect(instantToWallTime(at!, PARIS)).toBe("2026-10-25T02:30");
  });

  it("fall back: times either side of the repeated hour are unambiguous", () => {
    expect(iso(wallTimeToInstant("2026-10-25T01:59", PARIS))).toBe("2026-10-24T23:59:00.000Z");
    expect(iso(wallTimeToInstant("2026-10-25T03:00", PARIS))).toBe("2026-10-25T02:00:00.000Z");
  });

  it("instantToWallTime shows both occurrences of the repeated hour as the same wall time", () => {
    expect(instantToWallTime(new Date("2026-10-25T00:30:00Z"), PARIS)).toBe("2026-10-25T02:30");
    expect(instantToWallTime(new Date("2026-10-25T01:30:00Z"), PARIS)).toBe("2026-10-25T02:30");
  });
});

describe("instantToWallTime", () => {
  it("truncates seconds and milliseconds to the minute", () => {
    expect(instantToWallTime(new Date("2026-07-15T13:04:59.999Z"), TORONTO)).toBe("2026-07-15T09:04");
  });

  it("crosses the date line of the zone", () => {
    expect(instantToWallTime(new Date("2026-01-01T03:00:00Z"), TORONTO)).toBe("2025-12-31T22:00");
    expect(instantToWallTime(new Date("2025-12-31T23:30:00Z"), PARIS)).toBe("2026-01-01T00:30");
  });
});

describe("round trips across the DST days", () => {
  /** The repeated hour, as the instants of its second occurrence: those read back as the first. */
  const secondOccurrence: Record<string, [number, number]> = {
    [TORONTO]: [Date.parse("2026-11-01T06:00:00Z"), Date.parse("2026-11-01T07:00:00Z")],
    [PARIS]: [Date.parse("2026-10-25T01:00:00Z"), Date.parse("2026-10-25T02:00:00Z")],
  };
  const days: Record<string, string[]> = {
    [TORONTO]: ["2026-03-07T12:00:00Z", "2026-10-31T12:00:00Z"],
    [PARIS]: ["2026-03-28T12:00:00Z", "2026-10-24T12:00:00Z"],
  };

  for (const zone of [TORONTO, PARIS]) {
    it(`${zone}: every quarter hour over 36 h around each change reads back to the same wall time`, () => {
      for (const start of days[zone]!) {
        for (let t = Date.parse(start); t < Date.parse(start) + 36 * HOUR; t += 15 * 60_000) {
          const wall = instantToWallTime(new Date(t), zone);
          const back = wallTimeToInstant(wall, zone);
          expect(back).toBeDefined();
          expect(instantToWallTime(back!, zone)).toBe(wall);
          const [from, to] = secondOccurrence[zone]!;
          const repeated = t >= from - HOUR && t < to;
          if (!repeated) expect(back!.getTime()).toBe(t);
          else expect(Math.abs(back!.getTime() - t) % HOUR).toBe(0);
        }
      }
    });
  }

  it("any minute-aligned instant in 2020-2035 round-trips through the wall time, away from the repeated hour", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2035, 11, 31) / 60_000 }),
        fc.constantFrom(TORONTO, PARIS, "UTC", "Asia/Kolkata", "Australia/Sydney"),
        (minute, zone) => {
          const at = new Date(minute * 60_000);
          const wall = instantToWallTime(at, zone);
          const back = wallTimeToInstant(wall, zone)!;
          expect(instantToWallTime(back, zone)).toBe(wall);
          // Same instant unless the wall time occurs twice (then the other occurrence, an hour away).
          const twice =
            instantToWallTime(new Date(at.getTime() + HOUR), zone) === wall ||
            instantToWallTime(new Date(at.getTime() - HOUR), zone) === wall;
          if (!twice) expect(back.getTime()).toBe(at.getTime());
        },
      ),
      { numRuns: 300 },
    );
  });

  const offsetsHours: Record<string, number[]> = { [TORONTO]: [-5, -4], [PARIS]: [1, 2] };

  it("any valid wall time round-trips through the instant, except a skipped one (one hour off)", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: Date.UTC(2020, 0, 1) / 60_000, max: Date.UTC(2035, 11, 31) / 60_000 }),
          // The hours around the 2026 changes, so gaps and repeats come up often.
          fc
            .constantFrom("2026-03-08T00:00Z", "2026-11-01T00:00Z", "2026-03-29T00:00Z", "2026-10-25T00:00Z")
            .chain((d) => fc.integer({ min: 0, max: 4 * 60 }).map((m) => Date.parse(d) / 60_000 + m)),
        ),
        fc.constantFrom(TORONTO, PARIS),
        (minute, zone) => {
          const wall = new Date(minute * 60_000).toISOString().slice(0, 16);
          const at = wallTimeToInstant(wall, zone);
          expect(at).toBeDefined();
          const shown = instantToWallTime(at!, zone);
          // Skipped: neither of the zone's two UTC offsets gives an instant that reads as this wall time.
          const naive = Date.parse(`${wall}Z`);
          const skipped = offsetsHours[zone]!.every(
            (h) => instantToWallTime(new Date(naive - h * HOUR), zone) !== wall,
          );
          const diff = Math.abs(Date.parse(`${shown}Z`) - naive);
          expect(diff).toBe(skipped ? HOUR : 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe("regressions", () => {
  it("a year before 1900 is refused rather than read as 19xx", () => {
    expect(wallTimeToInstant("0050-01-01T00:00", "UTC")).toBeUndefined();
    expect(wallTimeToInstant("0026-05-01T10:00", "America/Toronto")).toBeUndefined();
  });
});
