import { randomUUID } from 'node:crypto';
import { CommandError } from '../common/cli';
import { OidcClient, OidcClientRepository } from './oidc-client.repository';
import { isLoopbackHost } from './redirect-policy';
import { newSecret, sha256Hex } from './secrets';

/** What `clients add` asks for. */
export interface NewClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  frontchannelLogoutUri?: string;
  public: boolean;
}

const MAX_URIS = 20;

/**
 * A redirect URI we may send a code or a person to: absolute, no fragment, no credentials; https in
 * production except loopback http for native apps (RFC 8252 §7.3).
 */
function checkUri(uri: string, what: string, httpsOnly: boolean): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new CommandError(`${what} ${JSON.stringify(uri)} is not an absolute URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new CommandError(`${what} must be an http(s) URL (got ${url.protocol})`);
  if (url.hash || uri.includes('#')) throw new CommandError(`${what} must not have a fragment`);
  if (url.username || url.password) throw new CommandError(`${what} must not hold credentials`);
  if (uri.length > 2000) throw new CommandError(`${what} is longer than 2000 characters`);
  if (httpsOnly && url.protocol === 'http:' && !isLoopbackHost(url.hostname))
    throw new CommandError(`${what} must be https in production (http only to a loopback address, RFC 8252)`);
}

/** A client as `clients list` and `clients add` print it; the secret only once, at `add`. */
export function clientView(client: Omit<OidcClient, 'createdAt'> & { createdAt?: Date }, secret?: string): Record<string, unknown> {
  return {
    client_id: client.clientId,
    ...(secret === undefined ? {} : { client_secret: secret }),
    client_name: client.name,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    ...(client.frontchannelLogoutUri ? { frontchannel_logout_uri: client.frontchannelLogoutUri } : {}),
    token_endpoint_auth_method: client.public ? 'none' : 'client_secret_basic',
    ...(client.createdAt ? { created_at: client.createdAt.toISOString() } : {}),
  };
}

/** `clients add`: checks every URI, stores the client (secret hashed), prints it with the secret once. */
export async function addClient(clients: OidcClientRepository, input: NewClient, httpsOnly: boolean): Promise<string[]> {
  const name = input.name?.trim();
  if (!name || name.length > 255) throw new CommandError('--name is required (at most 255 characters)');
  if (input.redirectUris.length === 0) throw new CommandError('at least one --redirect-uri is required');
  if (input.redirectUris.length > MAX_URIS || input.postLogoutRedirectUris.length > MAX_URIS)
    throw new CommandError(`at most ${MAX_URIS} URIs of each kind`);
  input.redirectUris.forEach((uri) => checkUri(uri, '--redirect-uri', httpsOnly));
  input.postLogoutRedirectUris.forEach((uri) => checkUri(uri, '--post-logout-redirect-uri', httpsOnly));
  if (input.frontchannelLogoutUri) checkUri(input.frontchannelLogoutUri, '--frontchannel-logout-uri', httpsOnly);
  const secret = input.public ? undefined : newSecret();
  const client = {
    clientId: randomUUID(),
    secretSha256: secret === undefined ? null : sha256Hex(secret),
    name,
    redirectUris: [...new Set(input.redirectUris)],
    postLogoutRedirectUris: [...new Set(input.postLogoutRedirectUris)],
    frontchannelLogoutUri: input.frontchannelLogoutUri ?? null,
    public: input.public,
  };
  await clients.insert(client);
  return [JSON.stringify(clientView(client, secret))];
}

export async function listClients(clients: OidcClientRepository): Promise<string[]> {
  return [JSON.stringify({ clients: (await clients.list()).map((c) => clientView(c)) })];
}

export async function removeClient(clients: OidcClientRepository, clientId: string): Promise<string[]> {
  if (!(await clients.remove(clientId))) throw new CommandError(`no client ${JSON.stringify(clientId.slice(0, 64))}`);
  return [JSON.stringify({ removed: clientId })];
}
