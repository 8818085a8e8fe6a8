import { Clock } from '../../src/common/clock';

/** Real time plus an offset tests move by hand, so background retries still see time pass. */
export class TestClock extends Clock {
  private offset = 0;

  override now(): number {
    return Date.now() + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }
}
