import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { DataSource } from 'typeorm';
import { BadRequestError, ConflictError, NotFoundError } from '../common/errors';
import { ValidationFailedError } from '../common/validation';
import { type Iso6523Organisation, iso6523 } from '../common/organisation-number';
import type { CreateClientDto, CreateDelegationDto, CreateScopeDto, CreateSystemUserDto, RegisterSystemDto } from './provisioning.dto';
import { TestIdpClient, TestIdpDelegation, TestIdpScope, TestIdpScopeAccess, TestIdpSystem, TestIdpSystemUser } from './test-idp.entities';

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

export interface SystemView {
  system_id: string;
  vendor_orgno: string;
  name: string;
  client_ids: string[];
}

export interface SystemUserView {
  id: string;
  system_id: string;
  systemuser_org: Iso6523Organisation;
}

export interface DelegationView {
  consumer_orgno: string;
  supplier_orgno: string;
  scope: string;
}

const systemView = (s: TestIdpSystem): SystemView => ({ system_id: s.systemId, vendor_orgno: s.vendorOrgno, name: s.name, client_ids: s.clientIds });
const systemUserView = (u: TestIdpSystemUser): SystemUserView => ({ id: u.id, system_id: u.systemId, systemuser_org: iso6523(u.customerOrgno) });

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
    const delegated = new Set((await this.dataSource.getRepository(TestIdpDelegation).findBy({ supplierOrgno: orgno })).map((d) => d.scope));
    for (const scope of dto.scopes) {
      if (!granted.has(scope) && !delegated.has(scope)) throw new BadRequestError(`the scope ${scope} is not granted to ${orgno}`);
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

  /** A vendor's system: its clients (the vendor's own) may then act as the system's users. */
  async registerSystem(dto: RegisterSystemDto): Promise<SystemView> {
    if (!dto.system_id.startsWith(`${dto.vendor_orgno}_`)) throw new BadRequestError('system_id must start with the vendor organisation number and _');
    for (const clientId of dto.client_ids) {
      const client = await this.dataSource.getRepository(TestIdpClient).findOneBy({ clientId });
      if (!client) throw new BadRequestError(`no client ${clientId}`);
      if (client.clientOrgno !== dto.vendor_orgno) throw new BadRequestError(`the client ${clientId} is not the vendor's`);
    }
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(TestIdpSystem)
      .values({ systemId: dto.system_id, vendorOrgno: dto.vendor_orgno, name: dto.name ?? '', clientIds: dto.client_ids })
      .orIgnore()
      .returning(['systemId'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) throw new ConflictError(`the system ${dto.system_id} already exists`);
    return systemView((await this.dataSource.getRepository(TestIdpSystem).findOneBy({ systemId: dto.system_id })) as TestIdpSystem);
  }

  /** A customer organisation's system user on a registered system; one per system and customer. */
  async createSystemUser(dto: CreateSystemUserDto): Promise<SystemUserView> {
    if (!(await this.dataSource.getRepository(TestIdpSystem).existsBy({ systemId: dto.system_id }))) throw new NotFoundError(`no system ${dto.system_id}`);
    const id = randomUUID();
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(TestIdpSystemUser)
      .values({ id, systemId: dto.system_id, customerOrgno: dto.customer_orgno })
      .orIgnore()
      .returning(['id'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) throw new ConflictError(`${dto.customer_orgno} already has a system user on ${dto.system_id}`);
    return systemUserView((await this.dataSource.getRepository(TestIdpSystemUser).findOneBy({ id })) as TestIdpSystemUser);
  }

  /** A consumer delegates one of its scopes to a supplier, whose clients may then ask for tokens on its behalf. */
  async createDelegation(dto: CreateDelegationDto): Promise<DelegationView> {
    if (dto.consumer_orgno === dto.supplier_orgno) throw new BadRequestError('an organisation cannot delegate to itself');
    const scope = await this.existingScope(dto.scope);
    const granted = await this.dataSource.getRepository(TestIdpScopeAccess).existsBy({ scope, orgNumber: dto.consumer_orgno });
    if (!granted) throw new BadRequestError(`the scope ${scope} is not granted to ${dto.consumer_orgno}`);
    const inserted = await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(TestIdpDelegation)
      .values({ consumerOrgno: dto.consumer_orgno, supplierOrgno: dto.supplier_orgno, scope })
      .orIgnore()
      .returning(['scope'])
      .execute();
    if ((inserted.raw as unknown[]).length === 0) throw new ConflictError(`${dto.consumer_orgno} already delegates ${scope} to ${dto.supplier_orgno}`);
    return { consumer_orgno: dto.consumer_orgno, supplier_orgno: dto.supplier_orgno, scope };
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
