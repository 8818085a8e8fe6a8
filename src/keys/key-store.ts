import { DataSource, EntityManager, In } from 'typeorm';
import { KeyEncryption } from './key-encryption';
import { KeyMaterial, SIGNING_ALGORITHM } from './key-material';
import { KeyStatus } from './key-schedule';
import { SigningKey } from './signing-key.entity';

/** Arbitrary constant naming the one lock under which keys are created, rotated and removed. */
const KEY_LOCK = 7_263_001;

/** Persistence of signing keys; shared by the running service and the keys CLI. */
export class KeyStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly encryption: KeyEncryption,
  ) {}

  list(): Promise<SigningKey[]> {
    return this.dataSource.getRepository(SigningKey).find({ order: { activatesAt: 'ASC' } });
  }

  /** Runs `work` in a transaction that holds the key lock, so one replica at a time changes keys. */
  withLock<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      return work(manager);
    });
  }

  async insert(
    manager: EntityManager,
    material: KeyMaterial,
    activatesAt: Date,
    origin: SigningKey['origin'],
    now: Date,
  ): Promise<SigningKey> {
    const key = manager.create(SigningKey, {
      kid: material.kid,
      algorithm: SIGNING_ALGORITHM,
      publicJwk: material.publicJwk,
      certificate: material.certificate,
      encryptedPrivateKey: this.encryption.encrypt(material.privateKeyPem, material.kid),
      state: activatesAt.getTime() <= now.getTime() ? 'active' : 'next',
      activatesAt,
      retiredAt: null,
      origin,
    });
    return manager.save(key);
  }

  async remove(manager: EntityManager, kids: string[]): Promise<void> {
    if (kids.length > 0) await manager.delete(SigningKey, { kid: In(kids) });
  }

  /** Writes the states the schedule derived, for operators reading `keys list` or the table. */
  async recordStatuses(manager: EntityManager, keys: SigningKey[], statuses: Map<string, KeyStatus>): Promise<void> {
    for (const key of keys) {
      const status = statuses.get(key.kid);
      if (!status || status.state === 'expired') continue;
      if (key.state !== status.state || key.retiredAt?.getTime() !== status.retiredAt?.getTime()) {
        await manager.update(SigningKey, { kid: key.kid }, { state: status.state, retiredAt: status.retiredAt });
      }
    }
  }

  privateKeyPem(key: SigningKey): string {
    return this.encryption.decrypt(key.encryptedPrivateKey, key.kid);
  }
}
