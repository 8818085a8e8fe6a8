import type { KeyState } from './signing-key.entity';

export interface ScheduledKey {
  kid: string;
  activatesAt: Date;
  /** Set when the key was revoked (`keys rotate --now`): it never signs, nor is it published, again. */
  revokedAt?: Date | null;
}

export interface KeyTimings {
  rotationMs: number;
  publishAheadMs: number;
  /** How long a token we sign is valid, plus the skew verifiers forgive. */
  tokenValidityMs: number;
}

/** The schedule's timings from the keys and token settings: how long a retired key must stay published. */
export function keyTimings(
  keys: { rotationMs: number; publishAheadMs: number },
  token: { lifetimeSeconds: number; clockSkewSeconds: number },
): KeyTimings {
  return {
    rotationMs: keys.rotationMs,
    publishAheadMs: keys.publishAheadMs,
    tokenValidityMs: (token.lifetimeSeconds + token.clockSkewSeconds) * 1000,
  };
}

export interface KeyStatus {
  state: KeyState | 'expired';
  retiredAt: Date | null;
}

/**
 * The state of every key at `now`, derived from activation and revocation times alone so every
 * replica agrees: the latest unrevoked key whose activation has passed signs; later ones are `next`;
 * earlier ones are `retired` until every token they signed has expired, then `expired` (to be
 * removed). A revoked key is `revoked` (unpublished, untrusted) until its tokens would have expired.
 */
export function classify(keys: readonly ScheduledKey[], now: number, tokenValidityMs: number): Map<string, KeyStatus> {
  const ordered = [...keys].sort((a, b) => a.activatesAt.getTime() - b.activatesAt.getTime());
  const activeIndex = ordered.findLastIndex((k) => !k.revokedAt && k.activatesAt.getTime() <= now);
  const result = new Map<string, KeyStatus>();
  ordered.forEach((key, index) => {
    if (key.revokedAt) {
      const expired = now >= key.revokedAt.getTime() + tokenValidityMs;
      result.set(key.kid, { state: expired ? 'expired' : 'revoked', retiredAt: key.revokedAt });
    } else if (key.activatesAt.getTime() > now) {
      result.set(key.kid, { state: 'next', retiredAt: null });
    } else if (index === activeIndex) {
      result.set(key.kid, { state: 'active', retiredAt: null });
    } else {
      const retiredAt = ordered[index + 1].activatesAt;
      const expired = now >= retiredAt.getTime() + tokenValidityMs;
      result.set(key.kid, { state: expired ? 'expired' : 'retired', retiredAt });
    }
  });
  return result;
}

/** The key that signs at `now`: the latest activated one that is not revoked. */
export function activeKeyAt<K extends ScheduledKey>(keys: readonly K[], now: number): K | undefined {
  let best: K | undefined;
  for (const key of keys) {
    if (key.revokedAt) continue;
    const at = key.activatesAt.getTime();
    if (at <= now && (!best || at > best.activatesAt.getTime())) best = key;
  }
  return best;
}

export interface MaintenancePlan {
  /** When set, a key must be created that activates at this time. */
  createActivatingAt?: Date;
  remove: string[];
  statuses: Map<string, KeyStatus>;
}

/**
 * What the maintenance pass must do: create the first key (active at once), publish the next key
 * `publishAheadMs` before the rotation is due, and remove keys no token can still need.
 */
export function planMaintenance(keys: readonly ScheduledKey[], now: number, timings: KeyTimings): MaintenancePlan {
  const statuses = classify(keys, now, timings.tokenValidityMs);
  const remove = [...statuses].filter(([, s]) => s.state === 'expired').map(([kid]) => kid);
  const active = activeKeyAt(keys, now);
  if (!active) return { createActivatingAt: new Date(now), remove, statuses };
  const hasNext = [...statuses.values()].some((s) => s.state === 'next');
  const due = active.activatesAt.getTime() + timings.rotationMs;
  if (!hasNext && now >= due - timings.publishAheadMs) {
    return { createActivatingAt: new Date(Math.max(due, now + timings.publishAheadMs)), remove, statuses };
  }
  return { remove, statuses };
}
