import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { type CryptoKey, importPKCS8 } from 'jose';
import { Announcements } from '../announcements/announcements';
import { Clock } from '../common/clock';
import { entityTag } from '../common/http-caching';
import { ReadinessRegistry } from '../common/readiness';
import { keysConfig, tokenConfig } from '../config';
import { generateSigningKey, SIGNING_ALGORITHM } from './key-material';
import { activeKeyAt, classify, keyTimings, KeyTimings, planMaintenance } from './key-schedule';
import { KeyEncryption } from './key-encryption';
import { sealSigningKey, SigningKeyRepository } from './signing-key.repository';
import type { PublicRsaJwk } from './signing-key.entity';

/** A key as the request path uses it: the private key imported once, never per request. */
export interface LoadedKey {
  kid: string;
  activatesAt: Date;
  privateKey: CryptoKey;
  publicJwk: PublicRsaJwk;
  certificate: string;
}

export interface PublishedJwks {
  body: string;
  etag: string;
  keys: PublishedJwk[];
}

export interface PublishedJwk extends PublicRsaJwk {
  use: 'sig';
  alg: string;
  kid: string;
  x5c: string[];
  'x5t#S256': string;
}

/**
 * Our signing keys in memory: which one signs now, and the JWKS we publish. A maintenance pass
 * (create, rotate, remove under a database lock) and a reload run at start-up and then every
 * KEY_RELOAD_SECONDS, so replicas converge on the same keys.
 */
@Injectable()
export class KeyRing implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KeyRing.name);
  private loaded: LoadedKey[] = [];
  private revoked = new Set<string>();
  private published: PublishedJwks = KeyRing.render([]);
  private timer?: NodeJS.Timeout;
  private refreshing?: Promise<void>;
  private announcedRefresh?: Promise<void>;
  private readonly timings: KeyTimings;

  constructor(
    private readonly keys: SigningKeyRepository,
    private readonly encryption: KeyEncryption,
    private readonly clock: Clock,
    private readonly readiness: ReadinessRegistry,
    private readonly announcements: Announcements,
    @Inject(keysConfig.KEY) private readonly config: ConfigType<typeof keysConfig>,
    @Inject(tokenConfig.KEY) token: ConfigType<typeof tokenConfig>,
  ) {
    this.timings = keyTimings(config, token);
  }

  async onModuleInit(): Promise<void> {
    this.readiness.register('signing-key', () =>
      this.activeKey()
        ? { up: true, details: { kid: this.activeKey()?.kid } }
        : { up: false, details: { message: 'no active signing key loaded' } },
    );
    await this.refresh();
    this.announcements.subscribe('keys', () => this.refreshAfterAnnouncement());
    this.timer = setInterval(() => {
      this.refresh().catch((error: unknown) => this.logger.warn({ err: error }, 'signing key refresh failed; keeping the keys in memory'));
    }, this.config.reloadMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The key that signs now, or undefined before the first load. */
  activeKey(): LoadedKey | undefined {
    return activeKeyAt(this.loaded, this.clock.now());
  }

  /** Every key published now (next, active, retired), for metrics and operators. */
  publishedKeys(): readonly LoadedKey[] {
    return this.loaded;
  }

  /**
   * Whether a token signed with this kid may still be trusted (refresh, introspection): the key is
   * published now, so neither revoked nor past its retirement.
   */
  trusts(kid: string | undefined): boolean {
    return kid !== undefined && this.loaded.some((k) => k.kid === kid);
  }

  /** Whether this kid was revoked (`keys rotate --now`): tokens it signed are refused with their own reason. */
  isRevoked(kid: string | undefined): boolean {
    return kid !== undefined && this.revoked.has(kid);
  }

  jwks(): PublishedJwks {
    return this.published;
  }

  /** Maintenance then reload; concurrent callers share one run. */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        await this.maintain();
        await this.reload();
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /**
   * Another replica or a command changed the keys: a refresh already running may have read before
   * the change, so this one starts after it. Announcements arriving meanwhile share the next run.
   */
  private refreshAfterAnnouncement(): Promise<void> {
    this.announcedRefresh ??= (this.refreshing ?? Promise.resolve())
      .catch(() => undefined)
      .then(() => {
        this.announcedRefresh = undefined;
        return this.refresh();
      });
    return this.announcedRefresh;
  }

  private async maintain(): Promise<void> {
    let changed = false;
    await this.keys.withLock(async (locked) => {
      const keys = await locked.list();
      const now = this.clock.now();
      const plan = planMaintenance(keys, now, this.timings);
      if (plan.createActivatingAt) {
        const material = await generateSigningKey(now, plan.createActivatingAt, this.timings.rotationMs);
        await locked.insert(sealSigningKey(this.encryption, material, plan.createActivatingAt, 'generated', new Date(now)));
        this.logger.log({ kid: material.kid, activatesAt: plan.createActivatingAt.toISOString() }, 'signing key created');
        changed = true;
      }
      await locked.remove(plan.remove);
      changed ||= plan.remove.length > 0;
      if (plan.remove.length > 0) this.logger.log({ kids: plan.remove }, 'signing keys removed after every token they signed expired');
      // The states the schedule derived, written for operators reading `keys list` or the table.
      for (const key of keys) {
        const status = plan.statuses.get(key.kid);
        if (!status || status.state === 'expired') continue;
        if (key.state !== status.state || key.retiredAt?.getTime() !== status.retiredAt?.getTime()) {
          await locked.setStatus(key.kid, status.state, status.retiredAt);
        }
      }
    });
    // The other replicas load a key this one created (or forget one it removed) now, not at their next poll.
    if (changed) await this.announcements.publish('keys');
  }

  private async reload(): Promise<void> {
    const rows = await this.keys.list();
    const now = this.clock.now();
    const statuses = classify(rows, now, this.timings.tokenValidityMs);
    const previous = new Map(this.loaded.map((k) => [k.kid, k]));
    const loaded: LoadedKey[] = [];
    const revoked = new Set<string>();
    for (const row of rows) {
      const state = statuses.get(row.kid)?.state;
      if (state === 'revoked') revoked.add(row.kid);
      if (state === 'expired' || state === 'revoked') continue;
      const known = previous.get(row.kid);
      loaded.push({
        kid: row.kid,
        activatesAt: row.activatesAt,
        privateKey: known?.privateKey ?? (await importPKCS8(this.encryption.decrypt(row.encryptedPrivateKey, row.kid), SIGNING_ALGORITHM)),
        publicJwk: row.publicJwk,
        certificate: row.certificate,
      });
    }
    this.loaded = loaded;
    this.revoked = revoked;
    this.published = KeyRing.render(loaded);
  }

  private static render(keys: LoadedKey[]): PublishedJwks {
    const jwks = keys.map((k): PublishedJwk => ({
      kty: 'RSA',
      use: 'sig',
      alg: SIGNING_ALGORITHM,
      kid: k.kid,
      n: k.publicJwk.n,
      e: k.publicJwk.e,
      x5c: [k.certificate],
      'x5t#S256': createHash('sha256').update(Buffer.from(k.certificate, 'base64')).digest('base64url'),
    }));
    const body = JSON.stringify({ keys: jwks });
    return { body, keys: jwks, etag: entityTag(body) };
  }
}
