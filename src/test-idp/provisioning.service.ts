import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { DataSource } from 'typeorm';
import { BadRequestError, ConflictError, NotFoundError } from '../common/errors';
import { ValidationFailedError } from '../common/validation';
import type { CreateClientDto, CreateScopeDto } from './provisioning.dto';
import { TestIdpClient, TestIdpScope, TestIdpScopeAccess } from './test-idp.entities';

const ORG_NUMBER = /^\d{9}$/;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export interface ScopeView {
  name: string;
  prefix: string;
  subscope: string;
  description: string;
}

export interface ClientView {
  client_id: string;
  client_name: string;
  client_type: string;
  description: string;
  scopes: string[];
  token_reference: string;
  client_orgno: string;
  keys: number;
}

const scopeView = (s: TestIdpScope): ScopeView => ({ name: s.name, prefix: s.prefix, subscope: s.subscope, description: s.description });
export const clientView = (c: TestIdpClient): ClientView => ({
  client_id: c.clientId,
  client_name: c.clientName,
  client_type: c.clientType,
  description: c.description,
  scopes: c.scopes,
  token_reference: c.tokenReference,
  client_orgno: c.clientOrgno,
  keys: c.jwks.length,
});

export function checkOrgNumber(orgno: string): void {
  if (!ORG_NUMBER.test(orgno)) throw new ValidationFailedError([{ field: 'orgno', message: 'orgno must be 9 digits' }]);
}

/** The Maskinporten provisioning API of the seed: scopes, access to scopes, clients and their keys. */
@Injectable()
export class ProvisioningService {
  constructor(private readonly dataSource: DataSource) {}

  async createScope(dto: CreateScopeDto): Promise<ScopeView> {
    const name = `${dto.prefix}:${dto.subscope}`;
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(TestIdpScope)
      .values({ name, prefix: dto.prefix, subscope: dto.subscope, description: dto.description ?? '' })
      .orIgnore()
      .returning(['name'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) throw new ConflictError(`the scope ${name} already exists`);
    return this.scope(name);
  }

  async listScopes(): Promise<ScopeView[]> {
    return (await this.dataSource.getRepository(TestIdpScope).find({ order: { name: 'ASC' } })).map(scopeView);
  }

  async scope(name: string): Promise<ScopeView> {
    const scope = await this.dataSource.getRepository(TestIdpScope).findOneBy({ name });
    if (!scope) throw new NotFoundError(`no scope named ${name}`);
    return scopeView(scope);
  }

  async grantAccess(orgno: string, scope: string | undefined): Promise<{ orgno: string; scope: string }> {
    checkOrgNumber(orgno);
    const name = await this.existingScope(scope);
    await this.dataSource.createQueryBuilder().insert().into(TestIdpScopeAccess).values({ scope: name, orgNumber: orgno }).orIgnore().execute();
    return { orgno, scope: name };
  }

  async accessOf(orgno: string): Promise<{ orgno: string; scopes: string[] }> {
    checkOrgNumber(orgno);
    const rows = await this.dataSource.getRepository(TestIdpScopeAccess).find({ where: { orgNumber: orgno }, order: { scope: 'ASC' } });
    return { orgno, scopes: rows.map((r) => r.scope) };
  }

  async revokeAccess(orgno: string, scope: string | undefined): Promise<void> {
    checkOrgNumber(orgno);
    const name = await this.existingScope(scope);
    const result = await this.dataSource.getRepository(TestIdpScopeAccess).delete({ scope: name, orgNumber: orgno });
    if (!result.affected) throw new NotFoundError(`${orgno} has no access to ${name}`);
  }

  async createClient(dto: CreateClientDto): Promise<ClientView> {
    for (const scope of dto.scopes) {
      if (!(await this.dataSource.getRepository(TestIdpScope).existsBy({ name: scope }))) throw new BadRequestError(`the scope ${scope} does not exist`);
    }
    const orgno = dto.client_orgno ?? (await this.soleGrantee(dto.scopes));
    const granted = new Set((await this.accessOf(orgno)).scopes);
    for (const scope of dto.scopes) {
      if (!granted.has(scope)) throw new BadRequestError(`the scope ${scope} is not granted to ${orgno}`);
    }
    const client = this.dataSource.getRepository(TestIdpClient).create({
      clientId: randomUUID(),
      clientName: dto.client_name,
      clientType: dto.client_type,
      description: dto.description ?? '',
      scopes: dto.scopes,
      tokenReference: dto.token_reference,
      clientOrgno: orgno,
      jwks: [],
    });
    return clientView(await this.dataSource.getRepository(TestIdpClient).save(client));
  }

  async listClients(): Promise<ClientView[]> {
    return (await this.dataSource.getRepository(TestIdpClient).find({ order: { createdAt: 'ASC', clientId: 'ASC' } })).map(clientView);
  }

  async client(clientId: string): Promise<TestIdpClient> {
    const client = /^[0-9a-f-]{36}$/i.test(clientId) ? await this.dataSource.getRepository(TestIdpClient).findOneBy({ clientId }) : null;
    if (!client) throw new NotFoundError('no such client');
    return client;
  }

  /** Replaces the client's keys: public RSA keys of at least 2048 bits, never private members. */
  async registerKeys(clientId: string, keys: Record<string, unknown>[]): Promise<{ client_id: string; keys: JWK[] }> {
    const client = await this.client(clientId);
    const accepted: JWK[] = [];
    for (const [index, raw] of keys.entries()) {
      const field = `keys[${index}]`;
      if (raw.kty !== 'RSA' || typeof raw.n !== 'string' || typeof raw.e !== 'string') {
        throw new ValidationFailedError([{ field, message: 'must be an RSA public JWK (kty, n, e)' }]);
      }
      if (PRIVATE_MEMBERS.some((m) => m in raw)) throw new ValidationFailedError([{ field, message: 'must not hold private key members' }]);
      const jwk: JWK = { kty: 'RSA', n: raw.n, e: raw.e, alg: 'RS256', use: 'sig' };
      try {
        await importJWK(jwk, 'RS256');
      } catch {
        throw new ValidationFailedError([{ field, message: 'is not a usable RSA key' }]);
      }
      if (Buffer.from(raw.n, 'base64url').length * 8 < 2048) throw new ValidationFailedError([{ field, message: 'must be at least 2048 bits' }]);
      jwk.kid = typeof raw.kid === 'string' && raw.kid.length <= 128 ? raw.kid : await calculateJwkThumbprint(jwk);
      accepted.push(jwk);
    }
    await this.dataSource.getRepository(TestIdpClient).update({ clientId: client.clientId }, { jwks: accepted });
    return { client_id: client.clientId, keys: accepted };
  }

  /** Without client_orgno: the one organisation granted every requested scope. */
  private async soleGrantee(scopes: string[]): Promise<string> {
    const rows = await this.dataSource
      .getRepository(TestIdpScopeAccess)
      .createQueryBuilder('a')
      .select('a.org_number', 'orgno')
      .where('a.scope IN (:...scopes)', { scopes })
      .groupBy('a.org_number')
      .having('count(*) = :n', { n: scopes.length })
      .getRawMany<{ orgno: string }>();
    if (rows.length === 0) throw new BadRequestError(`no organisation is granted ${scopes.join(' ')}`);
    if (rows.length > 1) throw new BadRequestError('several organisations are granted these scopes: name one in client_orgno');
    return rows[0].orgno;
  }

  private async existingScope(scope: string | undefined): Promise<string> {
    if (typeof scope !== 'string' || scope.length === 0 || scope.length > 512) {
      throw new ValidationFailedError([{ field: 'scope', message: 'the scope query parameter is required' }]);
    }
    return (await this.scope(scope)).name;
  }
}
