import { Clock } from '../../src/common/clock';

/**
 * Real time plus an offset tests move by hand, so background retries still see time pass; or, when
 * frozen, only the offset moves, for tests that count to the second however slowly the machine runs.
 */
export class TestClock extends Clock {
  private offset = 0;
  private readonly frozenAt?: number;

  constructor(options: { frozen?: boolean } = {}) {
    super();
    if (options.frozen) this.frozenAt = Date.now();
  }

  override now(): number {
    return (this.frozenAt ?? Date.now()) + this.offset;
  }

  advance(ms: number): void {
    this.offset += ms;
  }
}
