import { Clock } from '../../src/common/clock';

/** A clock tests move by hand. */
export class TestClock extends Clock {
  constructor(private current = Date.now()) {
    super();
  }

  override now(): number {
    return this.current;
  }

  advance(ms: number): void {
    this.current += ms;
  }

  set(ms: number): void {
    this.current = ms;
  }
}
