import { Injectable, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { Announcements } from '../announcements/announcements';
import { ANNOUNCEMENT_KINDS } from '../announcements/announcement';
import { AuditLog } from '../audit/audit-log';
import { Clock } from '../common/clock';
import { ExchangeEvents, INTROSPECTION } from '../common/exchange-events';
import { RateLimitStorage } from '../rate-limit/rate-limit-storage';
import { KeyRing } from '../keys/key-ring';
import { OrganisationRegistry } from '../organisations/organisation-registry';
import { PROVIDERS } from '../trusted-issuers/provider';
import { TokenVerifier } from '../trusted-issuers/token-verifier';

/** The service's Prometheus metrics, in a registry of its own (several apps may share a process). */
@Injectable()
export class Metrics implements OnModuleInit {
  readonly registry = new Registry();
  readonly exchangeDuration: Histogram<'provider'>;
  private readonly exchanges: Counter<'provider' | 'outcome'>;
  private readonly refusals: Counter<'provider' | 'reason'>;
  private readonly introspections: Counter<'outcome' | 'reason'>;

  constructor(
    private readonly events: ExchangeEvents,
    private readonly verifier: TokenVerifier,
    private readonly organisations: OrganisationRegistry,
    private readonly keys: KeyRing,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly rateLimits: RateLimitStorage,
    private readonly announcements: Announcements,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.exchanges = new Counter({
      name: 'authentication_exchanges_total',
      help: 'Token exchanges by provider and outcome',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.refusals = new Counter({
      name: 'authentication_exchange_refusals_total',
      help: 'Refused or failed exchanges by reason',
      labelNames: ['provider', 'reason'],
      registers,
    });
    this.introspections = new Counter({
      name: 'authentication_introspections_total',
      help: 'Introspections by answer (active, inactive) or refusal of the caller, with the reason',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    this.exchangeDuration = new Histogram({
      name: 'authentication_exchange_duration_seconds',
      help: 'Time from request to response of an exchange',
      labelNames: ['provider'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    // Counts since start that the issuers and the audit log keep: exposed as counters, set from
    // those counts at each scrape (reset, then increased by the count).
    const fetches: Counter<'provider' | 'well_known_url'> = new Counter({
      name: 'authentication_jwks_fetches_total',
      help: 'Discovery and JWKS fetches per upstream issuer since start',
      labelNames: ['provider', 'well_known_url'],
      registers,
      collect: () => {
        fetches.reset();
        this.forEachIssuer((provider, url, stats) => fetches.inc({ provider, well_known_url: url }, stats.jwksFetches));
      },
    });
    const failures: Counter<'provider' | 'well_known_url'> = new Counter({
      name: 'authentication_jwks_fetch_failures_total',
      help: 'Failed discovery or JWKS fetches per upstream issuer since start',
      labelNames: ['provider', 'well_known_url'],
      registers,
      collect: () => {
        failures.reset();
        this.forEachIssuer((provider, url, stats) => failures.inc({ provider, well_known_url: url }, stats.jwksFailures));
      },
    });
    const organisationAge: Gauge = new Gauge({
      name: 'authentication_organisations_sync_age_seconds',
      help: 'Seconds since the organisations were last synced from their source (absent before the first sync)',
      registers,
      collect: () => {
        const at = this.organisations.lastSyncedAt;
        if (at !== undefined) organisationAge.set((this.clock.now() - at) / 1000);
      },
    });
    const keyAge: Gauge<'kid'> = new Gauge({
      name: 'authentication_signing_key_age_seconds',
      help: 'Seconds since each published signing key became (or becomes, negative) active',
      labelNames: ['kid'],
      registers,
      collect: () => {
        keyAge.reset();
        for (const key of this.keys.publishedKeys()) keyAge.set({ kid: key.kid }, (this.clock.now() - key.activatesAt.getTime()) / 1000);
      },
    });
    const dropped: Counter = new Counter({
      name: 'authentication_audit_dropped_events_total',
      help: 'Audit events dropped because the buffer was full, since start',
      registers,
      collect: () => {
        dropped.reset();
        dropped.inc(this.audit.dropped);
      },
    });
    const pending: Gauge = new Gauge({
      name: 'authentication_audit_pending_events',
      help: 'Audit events waiting for the next batch write',
      registers,
      collect: () => pending.set(this.audit.pending),
    });
    const failedOpen: Counter = new Counter({
      name: 'authentication_rate_limit_fail_open_total',
      help: 'Requests let through uncounted because the shared rate-limit store (Redis) did not answer, since start',
      registers,
      collect: () => {
        failedOpen.reset();
        failedOpen.inc(this.rateLimits.failedOpen);
      },
    });
    const storeUp: Gauge<'store'> = new Gauge({
      name: 'authentication_rate_limit_store_up',
      help: 'Whether the rate-limit store answers (1) or the limits fail open (0); store is redis or process',
      labelNames: ['store'],
      registers,
      collect: () => {
        storeUp.reset();
        storeUp.set({ store: this.rateLimits.store }, this.rateLimits.reachable ? 1 : 0);
      },
    });
    const received: Counter<'kind'> = new Counter({
      name: 'authentication_announcements_received_total',
      help: 'Changes announced on PostgreSQL (LISTEN/NOTIFY) that this replica acted on, by kind, since start',
      labelNames: ['kind'],
      registers,
      collect: () => {
        received.reset();
        for (const kind of ANNOUNCEMENT_KINDS) received.inc({ kind }, this.announcements.stats.received.get(kind) ?? 0);
      },
    });
    const listening: Gauge = new Gauge({
      name: 'authentication_announcements_listening',
      help: 'Whether this replica listens for announcements now (1), or relies on polling (0; always 0 on the embedded database)',
      registers,
      collect: () => listening.set(this.announcements.listening ? 1 : 0),
    });
  }

  onModuleInit(): void {
    this.events.subscribe((event) => {
      if (event.provider === INTROSPECTION) {
        this.introspections.inc({ outcome: event.outcome, reason: event.reason ?? '' });
        return;
      }
      this.exchanges.inc({ provider: event.provider, outcome: event.outcome });
      if (event.outcome !== 'issued') this.refusals.inc({ provider: event.provider, reason: event.reason ?? 'unknown' });
    });
  }

  private forEachIssuer(visit: (provider: string, url: string, stats: { jwksFetches: number; jwksFailures: number }) => void): void {
    for (const provider of PROVIDERS)
      for (const issuer of this.verifier.issuersOf(provider)) visit(provider, issuer.wellKnownUrl, issuer.stats);
  }
}
