import { Injectable } from '@nestjs/common';
import type { JWK } from 'jose';
import { DataSource, EntityManager, In, LessThan, QueryFailedError } from 'typeorm';
import {
  TestIdpClient,
  TestIdpDelegation,
  TestIdpKey,
  TestIdpScope,
  TestIdpScopeAccess,
  TestIdpSystem,
  TestIdpSystemUser,
  TestIdpUsedAssertion,
} from './test-idp.entities';

/** True for PostgreSQL's unique_violation: the row is already there. */
function isDuplicate(error: unknown): boolean {
  return error instanceof QueryFailedError && (error as QueryFailedError & { code?: unknown }).code === '23505';
}

/** Inserts the row; false when a row with its key is already stored (that row is left as it is). */
async function insertUnlessStored<T extends object>(manager: EntityManager, entity: new () => T, row: T): Promise<boolean> {
  try {
    await manager.insert(entity, row);
    return true;
  } catch (error) {
    if (isDuplicate(error)) return false;
    throw error;
  }
}

type NewTestIdpClient = Omit<TestIdpClient, 'createdAt'>;

/**
 * The test IdP's tables (its issuers' keys, scopes and who may use them, clients, used assertion
 * ids), through TypeORM's EntityManager, as named methods. The stand-ins' services hold the rules.
 */
@Injectable()
export class TestIdpRepository {
  private readonly manager: EntityManager;

  constructor(dataSource: DataSource) {
    this.manager = dataSource.manager;
  }

  issuerKey(issuer: TestIdpKey['issuer']): Promise<TestIdpKey | null> {
    return this.manager.findOneBy(TestIdpKey, { issuer });
  }

  /** Stores the issuer's key unless another replica stored one first. */
  async addIssuerKey(key: TestIdpKey): Promise<void> {
    await insertUnlessStored(this.manager, TestIdpKey, key);
  }

  /** Creates the scope; false when one of that name exists. */
  addScope(scope: Omit<TestIdpScope, 'createdAt'>): Promise<boolean> {
    return insertUnlessStored(this.manager, TestIdpScope, scope as TestIdpScope);
  }

  scope(name: string): Promise<TestIdpScope | null> {
    return this.manager.findOneBy(TestIdpScope, { name });
  }

  scopeExists(name: string): Promise<boolean> {
    return this.manager.existsBy(TestIdpScope, { name });
  }

  listScopes(): Promise<TestIdpScope[]> {
    return this.manager.find(TestIdpScope, { order: { name: 'ASC' } });
  }

  /** Lets the organisation use the scope; granting twice changes nothing. */
  async grant(scope: string, orgNumber: string): Promise<void> {
    await insertUnlessStored(this.manager, TestIdpScopeAccess, { scope, orgNumber } as TestIdpScopeAccess);
  }

  /** False when the organisation had no access to the scope. */
  async revoke(scope: string, orgNumber: string): Promise<boolean> {
    const result = await this.manager.delete(TestIdpScopeAccess, { scope, orgNumber });
    return !!result.affected;
  }

  isGranted(scope: string, orgNumber: string): Promise<boolean> {
    return this.manager.existsBy(TestIdpScopeAccess, { scope, orgNumber });
  }

  /** The scopes the organisation may use, by name. */
  async scopesOf(orgNumber: string): Promise<string[]> {
    const rows = await this.manager.find(TestIdpScopeAccess, { where: { orgNumber }, order: { scope: 'ASC' } });
    return rows.map((r) => r.scope);
  }

  /** The organisations granted every one of the scopes (a scope named twice is never matched twice). */
  async granteesOfAll(scopes: string[]): Promise<string[]> {
    const rows = await this.manager.find(TestIdpScopeAccess, { where: { scope: In(scopes) } });
    const count = new Map<string, number>();
    for (const row of rows) count.set(row.orgNumber, (count.get(row.orgNumber) ?? 0) + 1);
    return [...count].filter(([, n]) => n === scopes.length).map(([orgNumber]) => orgNumber);
  }

  client(clientId: string): Promise<TestIdpClient | null> {
    return this.manager.findOneBy(TestIdpClient, { clientId });
  }

  /** Oldest first. */
  listClients(): Promise<TestIdpClient[]> {
    return this.manager.find(TestIdpClient, { order: { createdAt: 'ASC', clientId: 'ASC' } });
  }

  addClient(client: NewTestIdpClient): Promise<TestIdpClient> {
    return this.manager.save(this.manager.create(TestIdpClient, client));
  }

  async setClientKeys(clientId: string, jwks: JWK[]): Promise<void> {
    await this.manager.update(TestIdpClient, { clientId }, { jwks });
  }

  /**
   * Records an assertion id until it expires, forgetting those expired before `forgetBefore`.
   * False when the id is already recorded: a replay.
   */
  async useAssertion(key: string, expiresAt: Date, forgetBefore: Date): Promise<boolean> {
    await this.manager.delete(TestIdpUsedAssertion, { expiresAt: LessThan(forgetBefore) });
    return insertUnlessStored(this.manager, TestIdpUsedAssertion, { key, expiresAt });
  }

  /** Registers the system; false when one with that id exists. */
  addSystem(system: Omit<TestIdpSystem, 'createdAt'>): Promise<boolean> {
    return insertUnlessStored(this.manager, TestIdpSystem, system as TestIdpSystem);
  }

  system(systemId: string): Promise<TestIdpSystem | null> {
    return this.manager.findOneBy(TestIdpSystem, { systemId });
  }

  systemExists(systemId: string): Promise<boolean> {
    return this.manager.existsBy(TestIdpSystem, { systemId });
  }

  /** Creates the system user; false when the customer already has one on that system. */
  addSystemUser(user: Omit<TestIdpSystemUser, 'createdAt'>): Promise<boolean> {
    return insertUnlessStored(this.manager, TestIdpSystemUser, user as TestIdpSystemUser);
  }

  systemUser(id: string): Promise<TestIdpSystemUser | null> {
    return this.manager.findOneBy(TestIdpSystemUser, { id });
  }

  /** The customer's oldest system user on a system that lists the client among its clients. */
  async systemUserFor(clientId: string, customerOrgno: string): Promise<TestIdpSystemUser | null> {
    const systems = await this.manager
      .getRepository(TestIdpSystem)
      .createQueryBuilder('s')
      .where('s.client_ids @> :ids::jsonb', { ids: JSON.stringify([clientId]) })
      .getMany();
    if (systems.length === 0) return null;
    return this.manager.findOne(TestIdpSystemUser, {
      where: { systemId: In(systems.map((s) => s.systemId)), customerOrgno },
      order: { createdAt: 'ASC' },
    });
  }

  /** Records the delegation; false when it is already recorded. */
  addDelegation(delegation: Omit<TestIdpDelegation, 'createdAt'>): Promise<boolean> {
    return insertUnlessStored(this.manager, TestIdpDelegation, delegation as TestIdpDelegation);
  }

  isDelegated(scope: string, consumerOrgno: string, supplierOrgno: string): Promise<boolean> {
    return this.manager.existsBy(TestIdpDelegation, { scope, consumerOrgno, supplierOrgno });
  }

  /** The scopes delegated to the supplier, by any consumer. */
  async scopesDelegatedTo(supplierOrgno: string): Promise<string[]> {
    const rows = await this.manager.find(TestIdpDelegation, { where: { supplierOrgno } });
    return rows.map((r) => r.scope);
  }
}
