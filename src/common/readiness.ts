import { Injectable } from '@nestjs/common';

/** One dependency's readiness; `up: false` carries a short reason for the probe's body. */
export interface ReadinessResult {
  up: boolean;
  details?: Record<string, unknown>;
}

export type ReadinessCheck = () => Promise<ReadinessResult> | ReadinessResult;

/**
 * Modules that own a dependency register its check here; the health module reports them all.
 * Keeps the health module free of imports from every capability.
 */
@Injectable()
export class ReadinessRegistry {
  private readonly checks = new Map<string, ReadinessCheck>();
  private draining = false;

  register(name: string, check: ReadinessCheck): void {
    this.checks.set(name, check);
  }

  entries(): [string, ReadinessCheck][] {
    return [...this.checks.entries()];
  }

  /** Set on SIGTERM so that load balancers stop sending traffic before we stop serving it. */
  startDraining(): void {
    this.draining = true;
  }

  isDraining(): boolean {
    return this.draining;
  }
}
