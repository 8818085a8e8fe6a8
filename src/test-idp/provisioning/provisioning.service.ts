import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, importJWK, type JWK } from 'jose';
import { BadRequestError, ConflictError, NotFoundError } from '../../common/errors';
import { ValidationFailedError } from '../../common/validation';
import { type Iso6523Organisation, iso6523 } from '../../common/organisation-number';
import type { CreateClientDto, CreateDelegationDto, CreateScopeDto, CreateSystemUserDto, RegisterSystemDto } from './provisioning.dto';
import { TestIdpClient, TestIdpScope, TestIdpSystem, TestIdpSystemUser } from '../shared/test-idp.entities';
import { TestIdpRepository } from '../shared/test-idp.repository';

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

const systemView = (s: TestIdpSystem): SystemView => ({
  system_id: s.systemId,
  vendor_orgno: s.vendorOrgno,
  name: s.name,
  client_ids: s.clientIds,
});
const systemUserView = (u: TestIdpSystemUser): SystemUserView => ({
  id: u.id,
  system_id: u.systemId,
  systemuser_org: iso6523(u.customerOrgno),
});

export function checkOrgNumber(orgno: string): void {
  if (!ORG_NUMBER.test(orgno)) throw new ValidationFailedError([{ field: 'orgno', message: 'orgno must be 9 digits' }]);
}

/** The Maskinporten provisioning API of the seed: scopes, access to scopes, clients and their keys. */
@Injectable()
export class ProvisioningService {
  constructor(private readonly records: TestIdpRepository) {}

  async createScope(dto: CreateScopeDto): Promise<ScopeView> {
    const name = `${dto.prefix}:${dto.subscope}`;
    const created = await this.records.addScope({ name, prefix: dto.prefix, subscope: dto.subscope, description: dto.description ?? '' });
    if (!created) throw new ConflictError(`the scope ${name} already exists`);
    return this.scope(name);
  }

  async listScopes(): Promise<ScopeView[]> {
    return (await this.records.listScopes()).map(scopeView);
  }

  async scope(name: string): Promise<ScopeView> {
    const scope = await this.records.scope(name);
    if (!scope) throw new NotFoundError(`no scope named ${name}`);
    return scopeView(scope);
  }

  async grantAccess(orgno: string, scope: string | undefined): Promise<{ orgno: string; scope: string }> {
    checkOrgNumber(orgno);
    const name = await this.existingScope(scope);
    await this.records.grant(name, orgno);
    return { orgno, scope: name };
  }

  async accessOf(orgno: string): Promise<{ orgno: string; scopes: string[] }> {
    checkOrgNumber(orgno);
    return { orgno, scopes: await this.records.scopesOf(orgno) };
  }

  async revokeAccess(orgno: string, scope: string | undefined): Promise<void> {
    checkOrgNumber(orgno);
    const name = await this.existingScope(scope);
    if (!(await this.records.revoke(name, orgno))) throw new NotFoundError(`${orgno} has no access to ${name}`);
  }

  async createClient(dto: CreateClientDto): Promise<ClientView> {
    for (const scope of dto.scopes) {
      if (!(await this.records.scopeExists(scope))) throw new BadRequestError(`the scope ${scope} does not exist`);
    }
    const orgno = dto.client_orgno ?? (await this.soleGrantee(dto.scopes));
    const granted = new Set((await this.accessOf(orgno)).scopes);
    const delegated = new Set(await this.records.scopesDelegatedTo(orgno));
    for (const scope of dto.scopes) {
      if (!granted.has(scope) && !delegated.has(scope)) throw new BadRequestError(`the scope ${scope} is not granted to ${orgno}`);
    }
    const client = await this.records.addClient({
      clientId: randomUUID(),
      clientName: dto.client_name,
      clientType: dto.client_type,
      description: dto.description ?? '',
      scopes: dto.scopes,
      tokenReference: dto.token_reference,
      clientOrgno: orgno,
      jwks: [],
    });
    return clientView(client);
  }

  async listClients(): Promise<ClientView[]> {
    return (await this.records.listClients()).map(clientView);
  }

  async client(clientId: string): Promise<TestIdpClient> {
    const client = /^[0-9a-f-]{36}$/i.test(clientId) ? await this.records.client(clientId) : null;
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
      if (Buffer.from(raw.n, 'base64url').length * 8 < 2048)
        throw new ValidationFailedError([{ field, message: 'must be at least 2048 bits' }]);
      jwk.kid = typeof raw.kid === 'string' && raw.kid.length <= 128 ? raw.kid : await calculateJwkThumbprint(jwk);
      accepted.push(jwk);
    }
    await this.records.setClientKeys(client.clientId, accepted);
    return { client_id: client.clientId, keys: accepted };
  }

  /** A vendor's system: its clients (the vendor's own) may then act as the system's users. */
  async registerSystem(dto: RegisterSystemDto): Promise<SystemView> {
    if (!dto.system_id.startsWith(`${dto.vendor_orgno}_`))
      throw new BadRequestError('system_id must start with the vendor organisation number and _');
    for (const clientId of dto.client_ids) {
      const client = await this.records.client(clientId);
      if (!client) throw new BadRequestError(`no client ${clientId}`);
      if (client.clientOrgno !== dto.vendor_orgno) throw new BadRequestError(`the client ${clientId} is not the vendor's`);
    }
    const created = await this.records.addSystem({
      systemId: dto.system_id,
      vendorOrgno: dto.vendor_orgno,
      name: dto.name ?? '',
      clientIds: dto.client_ids,
    });
    if (!created) throw new ConflictError(`the system ${dto.system_id} already exists`);
    return systemView((await this.records.system(dto.system_id)) as TestIdpSystem);
  }

  /** A customer organisation's system user on a registered system; one per system and customer. */
  async createSystemUser(dto: CreateSystemUserDto): Promise<SystemUserView> {
    if (!(await this.records.systemExists(dto.system_id))) throw new NotFoundError(`no system ${dto.system_id}`);
    const id = randomUUID();
    const created = await this.records.addSystemUser({ id, systemId: dto.system_id, customerOrgno: dto.customer_orgno });
    if (!created) throw new ConflictError(`${dto.customer_orgno} already has a system user on ${dto.system_id}`);
    return systemUserView((await this.records.systemUser(id)) as TestIdpSystemUser);
  }

  /** A consumer delegates one of its scopes to a supplier, whose clients may then ask for tokens on its behalf. */
  async createDelegation(dto: CreateDelegationDto): Promise<DelegationView> {
    if (dto.consumer_orgno === dto.supplier_orgno) throw new BadRequestError('an organisation cannot delegate to itself');
    const scope = await this.existingScope(dto.scope);
    if (!(await this.records.isGranted(scope, dto.consumer_orgno)))
      throw new BadRequestError(`the scope ${scope} is not granted to ${dto.consumer_orgno}`);
    const created = await this.records.addDelegation({ consumerOrgno: dto.consumer_orgno, supplierOrgno: dto.supplier_orgno, scope });
    if (!created) throw new ConflictError(`${dto.consumer_orgno} already delegates ${scope} to ${dto.supplier_orgno}`);
    return { consumer_orgno: dto.consumer_orgno, supplier_orgno: dto.supplier_orgno, scope };
  }

  /** Without client_orgno: the one organisation granted every requested scope. */
  private async soleGrantee(scopes: string[]): Promise<string> {
    const grantees = await this.records.granteesOfAll(scopes);
    if (grantees.length === 0) throw new BadRequestError(`no organisation is granted ${scopes.join(' ')}`);
    if (grantees.length > 1) throw new BadRequestError('several organisations are granted these scopes: name one in client_orgno');
    return grantees[0];
  }

  private async existingScope(scope: string | undefined): Promise<string> {
    if (typeof scope !== 'string' || scope.length === 0 || scope.length > 512) {
      throw new ValidationFailedError([{ field: 'scope', message: 'the scope query parameter is required' }]);
    }
    return (await this.scope(scope)).name;
  }
}
