import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { returnedRows } from './returned-rows';

/** A relying party of our OpenID Provider (`npm run clients`). */
export interface OidcClient {
  clientId: string;
  /** SHA-256 of the secret; null for a public client. */
  secretSha256: string | null;
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  frontchannelLogoutUri: string | null;
  public: boolean;
  createdAt: Date;
}

interface ClientRow {
  client_id: string;
  secret_sha256: string | null;
  name: string;
  redirect_uris: string[] | string;
  post_logout_redirect_uris: string[] | string;
  frontchannel_logout_uri: string | null;
  public: boolean;
  created_at: Date | string;
}

const list = (value: string[] | string): string[] => (typeof value === 'string' ? (JSON.parse(value) as string[]) : value);

const toClient = (row: ClientRow): OidcClient => ({
  clientId: row.client_id,
  secretSha256: row.secret_sha256,
  name: row.name,
  redirectUris: list(row.redirect_uris),
  postLogoutRedirectUris: list(row.post_logout_redirect_uris),
  frontchannelLogoutUri: row.frontchannel_logout_uri,
  public: row.public,
  createdAt: new Date(row.created_at),
});

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The oidc_clients table, in SQL; used by the login service and by `npm run clients`. */
@Injectable()
export class OidcClientRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insert(client: Omit<OidcClient, 'createdAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oidc_clients (client_id, secret_sha256, name, redirect_uris, post_logout_redirect_uris, frontchannel_logout_uri, public)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)`,
      insertValues(client),
    );
  }

  /** Inserts the client, or updates its URIs when it exists (a development client registered at every use). */
  async ensure(client: Omit<OidcClient, 'createdAt'>): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO oidc_clients (client_id, secret_sha256, name, redirect_uris, post_logout_redirect_uris, frontchannel_logout_uri, public)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7)
       ON CONFLICT (client_id) DO UPDATE SET redirect_uris = EXCLUDED.redirect_uris, post_logout_redirect_uris = EXCLUDED.post_logout_redirect_uris`,
      insertValues(client),
    );
  }

  /** Undefined for an unknown id, and for anything that is not a client id shape (never reaches the database). */
  async findById(clientId: unknown): Promise<OidcClient | undefined> {
    if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId)) return undefined;
    const rows = await this.dataSource.query<ClientRow[]>(`SELECT * FROM oidc_clients WHERE client_id = $1`, [clientId]);
    return rows[0] ? toClient(rows[0]) : undefined;
  }

  async list(): Promise<OidcClient[]> {
    const rows = await this.dataSource.query<ClientRow[]>(`SELECT * FROM oidc_clients ORDER BY created_at, client_id`);
    return rows.map(toClient);
  }

  /** True when a client was removed. */
  async remove(clientId: string): Promise<boolean> {
    const rows = returnedRows(await this.dataSource.query(`DELETE FROM oidc_clients WHERE client_id = $1 RETURNING client_id`, [clientId]));
    return rows.length > 0;
  }
}

/** The INSERT's parameters $1–$7, in its column order. */
function insertValues(client: Omit<OidcClient, 'createdAt'>): unknown[] {
  return [
    client.clientId,
    client.secretSha256,
    client.name,
    JSON.stringify(client.redirectUris),
    JSON.stringify(client.postLogoutRedirectUris),
    client.frontchannelLogoutUri,
    client.public,
  ];
}
