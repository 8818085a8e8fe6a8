import { Logger } from '@nestjs/common';
import { createLocalJWKSet, errors, type JSONWebKeySet } from 'jose';
import { fetchJsonObject, MAX_DOCUMENT_BYTES, UpstreamError } from '../common/upstream-fetch';
import { isTrustworthyUpstreamUrl } from '../config/upstream-url';
import type { KeyResolver } from './jwt-verification';

export interface IssuerKeySettings {
  timeoutMs: number;
  cooldownMs: number;
  refreshMs: number;
  /** Refuse a discovery URL or jwks_uri that is not https (loopback excepted), as production must. */
  httpsOnly: boolean;
}

const NOT_READY_RETRY_MS = 1000;

/** The endpoints of an upstream OpenID Provider a browser login needs. */
export interface UpstreamEndpoints {
  authorizationEndpoint?: string;
  tokenEndpoint?: string;
  endSessionEndpoint?: string;
}

/**
 * One upstream issuer, found through its discovery document, with its JWKS held in memory.
 * Keys are fetched at start-up and refreshed in the background; a token with an unknown `kid`
 * triggers at most one refetch per cooldown. The last good key set stays in use while the
 * issuer is down.
 */
export class IssuerKeys {
  private readonly logger = new Logger('TrustedIssuer');
  private issuerValue?: string;
  private jwksUri?: string;
  private endpoints: UpstreamEndpoints = {};
  private keySet?: ReturnType<typeof createLocalJWKSet>;
  private lastFetchAt = 0;
  private inflight?: Promise<void>;
  /** Counters for readiness and metrics. */
  readonly stats = { jwksFetches: 0, jwksFailures: 0, lastError: undefined as string | undefined };

  constructor(
    readonly wellKnownUrl: string,
    private readonly settings: IssuerKeySettings,
    private readonly now: () => number,
  ) {}

  /** The `issuer` of the discovery document, once it has been read. */
  get issuer(): string | undefined {
    return this.issuerValue;
  }

  /** The endpoints of the discovery document (login/ sends browsers to them), once it has been read. */
  get metadata(): UpstreamEndpoints {
    return this.endpoints;
  }

  /** True once keys were fetched at least once. */
  get ready(): boolean {
    return this.keySet !== undefined;
  }

  /** Fetches discovery and JWKS; concurrent callers share one fetch. Never throws. */
  refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Refreshes when stale, or every second while keys were never fetched; used by the background timer. */
  refreshIfStale(): Promise<void> {
    const age = this.now() - this.lastFetchAt;
    return age >= (this.ready ? this.settings.refreshMs : NOT_READY_RETRY_MS) ? this.refresh() : Promise.resolve();
  }

  /** Before the first successful fetch a request may try once more, at most once a second. */
  async ensureReady(): Promise<boolean> {
    if (!this.ready && this.now() - this.lastFetchAt >= NOT_READY_RETRY_MS) await this.refresh();
    else if (!this.ready && this.inflight) await this.inflight;
    return this.ready;
  }

  /** jose key resolver: known kid → cached key; unknown kid → one refetch per cooldown. */
  readonly resolveKey: KeyResolver = async (header, token) => {
    const keySet = this.keySet;
    if (!keySet) throw new UpstreamError(`${this.wellKnownUrl}: keys not fetched yet`);
    try {
      return await keySet(header, token);
    } catch (error) {
      if (!(error instanceof errors.JWKSNoMatchingKey) || this.now() - this.lastFetchAt < this.settings.cooldownMs) throw error;
      await this.refresh();
      return (this.keySet ?? keySet)(header, token);
    }
  };

  private async load(): Promise<void> {
    try {
      if (!this.jwksUri || this.now() - this.lastFetchAt >= this.settings.refreshMs) await this.discover();
      this.stats.jwksFetches += 1;
      const jwks = await fetchJsonObject(this.jwksUri as string, this.settings.timeoutMs, MAX_DOCUMENT_BYTES, 'jwks');
      if (!Array.isArray(jwks.keys)) throw new UpstreamError(`${this.jwksUri}: not a JWK set`);
      this.keySet = createLocalJWKSet(jwks as unknown as JSONWebKeySet);
      this.stats.lastError = undefined;
    } catch (error) {
      this.stats.jwksFailures += 1;
      this.stats.lastError = error instanceof Error ? error.message : String(error);
      this.logger.warn(`keys of ${this.wellKnownUrl} not refreshed: ${this.stats.lastError}; keeping the last good set`);
    } finally {
      // Failures count too: the cooldown also protects an issuer that is down from a flood.
      this.lastFetchAt = this.now();
    }
  }

  private async discover(): Promise<void> {
    if (this.settings.httpsOnly && !isTrustworthyUpstreamUrl(this.wellKnownUrl))
      throw new UpstreamError(`${this.wellKnownUrl}: not an https URL`);
    const document = await fetchJsonObject(this.wellKnownUrl, this.settings.timeoutMs, MAX_DOCUMENT_BYTES, 'discovery');
    const { issuer, jwks_uri: jwksUri } = document;
    if (typeof issuer !== 'string' || issuer.length === 0) throw new UpstreamError(`${this.wellKnownUrl}: no issuer`);
    if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw new UpstreamError(`${this.wellKnownUrl}: no jwks_uri`);
    if (this.settings.httpsOnly && !isTrustworthyUpstreamUrl(jwksUri)) {
      throw new UpstreamError(`${this.wellKnownUrl}: jwks_uri ${jwksUri.slice(0, 200)} is not https; refused in production`);
    }
    if (this.issuerValue && this.issuerValue !== issuer) {
      this.logger.warn(`${this.wellKnownUrl} changed its issuer from ${this.issuerValue} to ${issuer}`);
    }
    this.issuerValue = issuer;
    this.jwksUri = jwksUri;
    const endpoint = (name: string) => {
      const value = document[name];
      return typeof value === 'string' && /^https?:\/\//.test(value) && (!this.settings.httpsOnly || isTrustworthyUpstreamUrl(value))
        ? value
        : undefined;
    };
    this.endpoints = {
      authorizationEndpoint: endpoint('authorization_endpoint'),
      tokenEndpoint: endpoint('token_endpoint'),
      endSessionEndpoint: endpoint('end_session_endpoint'),
    };
  }
}
