import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { isUuid } from '../../common/identifiers';
import { TestIdpOidcClient } from '../shared/test-idp.entities';

/** The code flow's registered clients; the only place that queries their table. */
@Injectable()
export class OidcClientRepository {
  private readonly table: Repository<TestIdpOidcClient>;

  constructor(dataSource: DataSource) {
    this.table = dataSource.getRepository(TestIdpOidcClient);
  }

  async insert(client: Omit<TestIdpOidcClient, 'createdAt'>): Promise<TestIdpOidcClient> {
    await this.table.insert(client);
    return this.table.findOneByOrFail({ clientId: client.clientId });
  }

  /** Inserts or replaces a client (the service's own login client, registered at every start). */
  async save(client: Omit<TestIdpOidcClient, 'createdAt'>): Promise<void> {
    await this.table.upsert(client, ['clientId']);
  }

  /** Null for an unknown id, and for anything that is not a UUID (never reaches the database). */
  findById(clientId: unknown): Promise<TestIdpOidcClient | null> {
    if (!isUuid(clientId)) return Promise.resolve(null);
    return this.table.findOneBy({ clientId });
  }

  list(): Promise<TestIdpOidcClient[]> {
    return this.table.find({ order: { createdAt: 'ASC', clientId: 'ASC' } });
  }
}
