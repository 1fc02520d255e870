// Time is injected (ARCHITECTURE principle 2): rules take an instant, services take a Clock.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests set and move by hand. */
export class FixedClock implements Clock {
  #at: number;
  constructor(at: Date | string) {
    this.#at = new Date(at).getTime();
  }
  now(): Date {
    return new Date(this.#at);
  }
  set(at: Date | string): void {
    this.#at = new Date(at).getTime();
  }
  advance(ms: number): void {
    this.#at += ms;
  }
}

/**
 * The development clock behind `/dev/clock`: real time plus an offset a person moves forward, so the
 * time rules of later features (deadlines, 45 days, 60 days) can be shown without waiting. It never
 * goes backwards, which keeps every recorded instant in order.
 */
export class OffsetClock implements Clock {
  #offsetMs: number;
  constructor(
    private readonly base: Clock = systemClock,
    offsetMs = 0,
  ) {
    this.#offsetMs = offsetMs;
  }
  now(): Date {
    return new Date(this.base.now().getTime() + this.#offsetMs);
  }
  get offsetMs(): number {
    return this.#offsetMs;
  }
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("The development clock only moves forward");
    this.#offsetMs += ms;
  }
}
