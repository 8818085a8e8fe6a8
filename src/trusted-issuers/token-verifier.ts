import type { Server } from 'node:http';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { ConfigType } from '@nestjs/config';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { Clock } from '../common/clock';
import { InvalidTokenError, ServiceUnavailableError } from '../common/errors';
import { checkCompactJws, invalidTokenFromJose } from '../common/jose-errors';
import { ReadinessRegistry } from '../common/readiness';
import { issuersConfig } from '../config';
import { IssuerKeys } from './issuer-keys';
import { verifyJwt } from './jwt-verification';
import { PROVIDERS, type Provider } from './provider';
import { UpstreamError } from '../common/upstream-fetch';
import { spanRecording, verificationInSpan } from '../common/tracing';

export interface VerifiedToken {
  provider: Provider;
  issuer: string;
  payload: JWTPayload;
}

/** Header members through which a token offers its own key: never trusted, so refused outright. */
const KEY_BEARING_HEADERS = ['jwk', 'jku', 'x5u', 'x5c'] as const;
const BACKGROUND_TICK_MS = 1000;

/**
 * Verifies upstream tokens: structure, algorithm from our list, issuer exactly one of the
 * provider's configured issuers, signature with that issuer's published keys, exp/nbf/iat with a
 * small skew, and the audience when one is configured.
 */
@Injectable()
export class TokenVerifier implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(TokenVerifier.name);
  private readonly issuers: Record<Provider, IssuerKeys[]>;
  private readonly audiences: Record<Provider, string | undefined>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly clock: Clock,
    private readonly readiness: ReadinessRegistry,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(issuersConfig.KEY) private readonly config: ConfigType<typeof issuersConfig>,
  ) {
    const settings = {
      timeoutMs: config.upstreamTimeoutMs,
      cooldownMs: config.jwksCooldownMs,
      refreshMs: config.jwksRefreshMs,
      httpsOnly: config.httpsOnly,
    };
    const now = () => this.clock.now();
    this.issuers = {
      maskinporten: config.maskinporten.wellKnownUrls.map((url) => new IssuerKeys(url, settings, now)),
      idporten: config.idporten.wellKnownUrls.map((url) => new IssuerKeys(url, settings, now)),
    };
    this.audiences = { maskinporten: config.maskinporten.audience, idporten: config.idporten.audience };
  }

  onModuleInit(): void {
    if (this.config.maskinporten.acceptAnyAudience) {
      this.logger.warn(
        "MASKINPORTEN_ACCEPT_ANY_AUDIENCE=true: Maskinporten tokens minted for any audience are accepted (the platform's historical behaviour); set MASKINPORTEN_AUDIENCE to bind them to this service",
      );
    }
    this.registerReadiness();
  }

  /**
   * The first fetch waits until our HTTP server listens: in development the issuer is the test
   * IdP of this very process. Then a timer keeps the keys fresh.
   */
  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    const start = () => {
      this.all().forEach((keys) => void keys.refresh());
      this.timer = setInterval(() => this.all().forEach((keys) => void keys.refreshIfStale()), BACKGROUND_TICK_MS);
      this.timer.unref();
    };
    if (!server || server.listening) start();
    else server.once('listening', start);
  }

  private registerReadiness(): void {
    for (const [provider, list] of Object.entries(this.issuers)) {
      list.forEach((keys, index) => {
        this.readiness.register(`issuer:${provider}${list.length > 1 ? `:${index + 1}` : ''}`, () =>
          keys.ready
            ? { up: true, details: { issuer: keys.issuer } }
            : { up: false, details: { message: 'keys not fetched yet', wellKnownUrl: keys.wellKnownUrl } },
        );
      });
    }
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** The issuers of a provider, for readiness and metrics. */
  issuersOf(provider: Provider): readonly IssuerKeys[] {
    return this.issuers[provider];
  }

  /**
   * The provider whose configured issuer the token's `iss` equals exactly (the standard token
   * endpoint learns the provider from the subject token). Only the structure and `iss` are read
   * here; `verify` checks everything.
   */
  async providerOf(token: string): Promise<Provider> {
    this.readHeader(token);
    const iss = this.readIssuer(token);
    const owner = () => PROVIDERS.find((provider) => this.issuers[provider].some((k) => k.issuer === iss));
    let provider = owner();
    if (!provider) {
      const undiscovered = this.all().filter((k) => k.issuer === undefined);
      await Promise.all(undiscovered.map((k) => k.ensureReady()));
      provider = owner();
      if (!provider && this.all().some((k) => k.issuer === undefined)) {
        throw new ServiceUnavailableError(
          'an identity provider cannot be reached to verify the token; retry shortly',
          'issuer_unavailable',
          10,
        );
      }
    }
    if (!provider) throw new InvalidTokenError("the token's issuer is not one this service trusts", 'untrusted_issuer');
    return provider;
  }

  /** `audience` replaces the provider's configured one (an ID token is for our client id at the provider). */
  verify(token: string, provider: Provider, options: { audience?: string } = {}): Promise<VerifiedToken> {
    // Without tracing, or in a request the sampler left out, the verification itself and nothing more (the hot path).
    return spanRecording()
      ? verificationInSpan(provider, () => this.verifyNow(token, provider, options))
      : this.verifyNow(token, provider, options);
  }

  private async verifyNow(token: string, provider: Provider, options: { audience?: string }): Promise<VerifiedToken> {
    const header = this.readHeader(token);
    const claimedIssuer = this.readIssuer(token);
    const keys = await this.issuerFor(provider, claimedIssuer);
    const currentDate = new Date(this.clock.now());
    let payload: JWTPayload;
    try {
      payload = await verifyJwt(token, header.all, keys.resolveKey, {
        algorithms: this.config.algorithms,
        issuer: claimedIssuer,
        audience: options.audience ?? this.audiences[provider],
        clockTolerance: this.config.clockSkewSeconds,
        requiredClaims: ['exp'],
        currentDate,
      });
    } catch (error) {
      throw this.translate(error, header.kid);
    }
    checkTimeClaims(payload, currentDate.getTime() / 1000);
    if (typeof payload.iat === 'number' && payload.iat > currentDate.getTime() / 1000 + this.config.clockSkewSeconds) {
      throw new InvalidTokenError('the token was issued in the future', 'iat_in_future');
    }
    return { provider, issuer: claimedIssuer, payload };
  }

  /** The first configured issuer of a provider, discovered: where a browser login goes. */
  async primaryIssuer(provider: Provider): Promise<IssuerKeys> {
    const keys = this.issuers[provider][0];
    if (!keys || !(await keys.ensureReady()) || keys.issuer === undefined) {
      throw new ServiceUnavailableError('the identity provider cannot be reached; retry shortly', 'issuer_unavailable', 10);
    }
    return keys;
  }

  private all(): IssuerKeys[] {
    return [...this.issuers.maskinporten, ...this.issuers.idporten];
  }

  private readHeader(token: string): { alg: string; kid?: string; all: Record<string, unknown> } {
    checkCompactJws(token);
    let header: Record<string, unknown>;
    try {
      header = decodeProtectedHeader(token);
    } catch {
      throw new InvalidTokenError('the token header is not a JSON object', 'malformed');
    }
    const alg = header.alg;
    if (typeof alg !== 'string' || !this.config.algorithms.includes(alg)) {
      throw new InvalidTokenError(
        `the token's algorithm is not accepted (accepted: ${this.config.algorithms.join(', ')})`,
        'alg_not_allowed',
      );
    }
    const offered = KEY_BEARING_HEADERS.filter((name) => name in header);
    if (offered.length > 0) {
      throw new InvalidTokenError(`keys offered in the token header (${offered.join(', ')}) are not accepted`, 'header_key');
    }
    if (header.kid !== undefined && (typeof header.kid !== 'string' || header.kid.length > 256)) {
      throw new InvalidTokenError('the token header kid is not a short string', 'malformed');
    }
    return { alg, kid: header.kid, all: header };
  }

  private readIssuer(token: string): string {
    let payload: JWTPayload;
    try {
      payload = decodeJwt(token);
    } catch {
      throw new InvalidTokenError('the token payload is not a JSON object', 'malformed');
    }
    if (typeof payload.iss !== 'string' || payload.iss.length === 0) throw new InvalidTokenError('the token has no issuer', 'missing_iss');
    return payload.iss;
  }

  /** The configured issuer whose `issuer` equals the token's `iss` exactly. */
  private async issuerFor(provider: Provider, iss: string): Promise<IssuerKeys> {
    const candidates = this.issuers[provider];
    let match = candidates.find((k) => k.issuer === iss);
    if (!match) {
      // An issuer never discovered might be the one: try those (bounded to once a second each).
      const unknown = candidates.filter((k) => k.issuer === undefined);
      await Promise.all(unknown.map((k) => k.ensureReady()));
      match = candidates.find((k) => k.issuer === iss);
      if (!match && candidates.some((k) => k.issuer === undefined)) {
        throw new ServiceUnavailableError(
          'the identity provider cannot be reached to verify the token; retry shortly',
          'issuer_unavailable',
          10,
        );
      }
    }
    if (!match) throw new InvalidTokenError(`the token's issuer is not trusted for ${provider}`, 'untrusted_issuer');
    if (!(await match.ensureReady())) {
      throw new ServiceUnavailableError('the identity provider keys cannot be fetched; retry shortly', 'issuer_unavailable', 10);
    }
    return match;
  }

  private translate(error: unknown, kid: string | undefined): Error {
    if (error instanceof InvalidTokenError || error instanceof ServiceUnavailableError) return error;
    const invalid = invalidTokenFromJose(error);
    if (invalid) return invalid;
    if (error instanceof UpstreamError) {
      return new ServiceUnavailableError('the identity provider keys cannot be fetched; retry shortly', 'issuer_unavailable', 10, error);
    }
    this.logger.error({ err: error, kid }, 'unexpected verification failure');
    return new InvalidTokenError('the token could not be verified', 'unverifiable');
  }
}

/** No upstream token lives longer than this from now; a later `exp` (or `nbf`) is nonsense, not a long token. */
const MAX_TIME_AHEAD_SECONDS = 10 * 365 * 86_400;

/**
 * `exp`, `iat` and `nbf`, where present, are finite NumericDates between 1970 and ten years from
 * now: JSON's `1e400` parses to Infinity, which jose takes for a number that never expires.
 */
function checkTimeClaims(payload: JWTPayload, nowSeconds: number): void {
  for (const name of ['exp', 'iat', 'nbf'] as const) {
    const value = payload[name];
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > nowSeconds + MAX_TIME_AHEAD_SECONDS)
      throw new InvalidTokenError(`the ${name} claim must be a time between 1970 and ten years from now`, `invalid_${name}`);
  }
}
