import { describe, it } from 'node:test';
import { expect } from 'expect';
import { activeKeyAt, classify, planMaintenance } from './key-schedule';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const timings = { rotationMs: 30 * DAY, publishAheadMs: 24 * HOUR, tokenValidityMs: 1810_000 };
const key = (kid: string, at: number) => ({ kid, activatesAt: new Date(at) });
const T0 = Date.UTC(2026, 0, 1);

describe('key schedule', () => {
  it('creates the first key active at once on an empty store', () => {
    expect(planMaintenance([], T0, timings)).toMatchObject({ createActivatingAt: new Date(T0), remove: [] });
  });

  it('does nothing while the active key is younger than rotation minus publish-ahead', () => {
    const plan = planMaintenance([key('a', T0)], T0 + 29 * DAY - 1, timings);
    expect(plan.createActivatingAt).toBeUndefined();
  });

  it('publishes the next key exactly publish-ahead before the rotation is due', () => {
    const plan = planMaintenance([key('a', T0)], T0 + 29 * DAY, timings);
    expect(plan.createActivatingAt).toEqual(new Date(T0 + 30 * DAY));
  });

  it('still publishes ahead when the rotation is overdue (the service was down)', () => {
    const now = T0 + 45 * DAY;
    expect(planMaintenance([key('a', T0)], now, timings).createActivatingAt).toEqual(new Date(now + 24 * HOUR));
  });

  it('does not create a second next key', () => {
    const plan = planMaintenance([key('a', T0), key('b', T0 + 30 * DAY)], T0 + 29.5 * DAY, timings);
    expect(plan.createActivatingAt).toBeUndefined();
  });

  it('switches signing at the activation instant', () => {
    const keys = [key('a', T0), key('b', T0 + 30 * DAY)];
    expect(activeKeyAt(keys, T0 + 30 * DAY - 1)?.kid).toBe('a');
    expect(activeKeyAt(keys, T0 + 30 * DAY)?.kid).toBe('b');
  });

  it('keeps a retired key published until its last token expired, then removes it', () => {
    const keys = [key('a', T0), key('b', T0 + 30 * DAY)];
    const switchAt = T0 + 30 * DAY;
    expect(classify(keys, switchAt + 1000, timings.tokenValidityMs).get('a')).toEqual({ state: 'retired', retiredAt: new Date(switchAt) });
    expect(planMaintenance(keys, switchAt + timings.tokenValidityMs - 1, timings).remove).toEqual([]);
    expect(planMaintenance(keys, switchAt + timings.tokenValidityMs, timings).remove).toEqual(['a']);
  });

  it('never lets a revoked key sign or stay published, and removes it once its tokens would have expired', () => {
    const revokedAt = new Date(T0 + DAY);
    const keys = [{ ...key('a', T0), revokedAt }, key('b', T0 + DAY)];
    expect(activeKeyAt(keys, T0 + DAY + 1)?.kid).toBe('b');
    expect(classify(keys, T0 + DAY + 1, timings.tokenValidityMs).get('a')).toEqual({ state: 'revoked', retiredAt: revokedAt });
    expect(planMaintenance(keys, T0 + DAY + timings.tokenValidityMs - 1, timings).remove).toEqual([]);
    expect(planMaintenance(keys, T0 + DAY + timings.tokenValidityMs, timings).remove).toEqual(['a']);
    // Even the latest activated key is passed over once revoked; maintenance then makes a new one.
    const alone = [{ ...key('c', T0), revokedAt }];
    expect(activeKeyAt(alone, T0 + DAY + 1)).toBeUndefined();
    expect(planMaintenance(alone, T0 + DAY + 1, timings).createActivatingAt).toEqual(new Date(T0 + DAY + 1));
  });

  it('classifies a future key as next and the latest activated as active', () => {
    const statuses = classify([key('a', T0), key('b', T0 + DAY)], T0 + 1, timings.tokenValidityMs);
    expect(statuses.get('a')?.state).toBe('active');
    expect(statuses.get('b')?.state).toBe('next');
  });
});
