import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { loginConfig, tokenConfig } from '../../config';
import { ROUTES, serviceBaseUrl } from '../../common/routes';
import { OidcClientRepository } from './oidc-client.repository';

/**
 * Development: this service is a client of test ID-porten, registered at start with the fixed
 * development id and secret (settings.ts), so that login needs no configuration. Its redirect URIs
 * are the upstream callback and the logged-out return; its front-channel logout URI is ours.
 */
@Injectable()
export class TestIdpLoginClient implements OnApplicationBootstrap {
  private readonly logger = new Logger(TestIdpLoginClient.name);

  constructor(
    private readonly clients: OidcClientRepository,
    @Inject(loginConfig.KEY) private readonly login: ConfigType<typeof loginConfig>,
    @Inject(tokenConfig.KEY) private readonly token: ConfigType<typeof tokenConfig>,
  ) {}

  private get base(): string {
    return serviceBaseUrl(this.token.issuer);
  }

  /** The login client's id, when this process registered it. */
  get clientId(): string | undefined {
    return this.login.registerAtTestIdp ? this.login.upstreamClient?.clientId : undefined;
  }

  /** Where test ID-porten calls our front-channel logout. */
  get frontchannelLogoutUri(): string {
    return `${this.base}${ROUTES.upstreamFrontchannelLogout}`;
  }

  async onApplicationBootstrap(): Promise<void> {
    const client = this.login.upstreamClient;
    if (!this.login.enabled || !this.login.registerAtTestIdp || !client) return;
    const redirectUris = [`${this.base}${ROUTES.upstreamCallback}`, `${this.base}${ROUTES.upstreamLogoutReturn}`];
    // Replicas on one database register the same client; the last one's URIs (the same) win.
    const known = await this.clients.findById(client.clientId);
    await this.clients.save({
      clientId: client.clientId,
      clientName: 'Platform login (this service)',
      redirectUris: [...new Set([...(known?.redirectUris ?? []), ...redirectUris])],
      tokenEndpointAuthMethod: 'client_secret_basic',
      clientSecretSha256: createHash('sha256').update(client.clientSecret).digest('hex'),
    });
    this.logger.log('registered this service as the login client of test ID-porten');
  }
}
