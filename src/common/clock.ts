import { Injectable } from '@nestjs/common';

/** The time, injectable so tests can move it. Milliseconds since the epoch. */
@Injectable()
export class Clock {
  now(): number {
    return Date.now();
  }

  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }
}
