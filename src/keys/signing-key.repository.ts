import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import type { KeyEncryption } from './key-encryption';
import { KeyMaterial, SIGNING_ALGORITHM } from './key-material';
import { KeyState, SigningKey } from './signing-key.entity';

/** Arbitrary constant naming the one lock under which keys are created, rotated and removed. */
const KEY_LOCK = 7_263_001;

export type NewSigningKey = Omit<SigningKey, 'createdAt'>;

/** A new key as it is stored: the private key sealed with KEY_ENCRYPTION_KEY, the kid bound to it. */
export function sealSigningKey(
  encryption: KeyEncryption,
  material: KeyMaterial,
  activatesAt: Date,
  origin: SigningKey['origin'],
  now: Date,
): NewSigningKey {
  return {
    kid: material.kid,
    algorithm: SIGNING_ALGORITHM,
    publicJwk: material.publicJwk,
    certificate: material.certificate,
    encryptedPrivateKey: encryption.encrypt(material.privateKeyPem, material.kid),
    state: activatesAt.getTime() <= now.getTime() ? 'active' : 'next',
    activatesAt,
    retiredAt: null,
    revokedAt: null,
    origin,
  };
}

/** The signing keys as they may be changed: only inside the key lock, by one replica at a time. */
export class LockedSigningKeys {
  constructor(private readonly manager: EntityManager) {}

  /** Every stored key, oldest activation first. */
  list(): Promise<SigningKey[]> {
    return listKeys(this.manager);
  }

  async insert(key: NewSigningKey): Promise<SigningKey> {
    return this.manager.save(this.manager.create(SigningKey, key));
  }

  async remove(kids: string[]): Promise<void> {
    if (kids.length > 0) await this.manager.delete(SigningKey, { kid: In(kids) });
  }

  /** Revokes a key: from the next reload on, no replica publishes it or trusts tokens it signed. */
  async revoke(kid: string, at: Date): Promise<void> {
    await this.manager.update(SigningKey, { kid }, { revokedAt: at, state: 'revoked', retiredAt: at });
  }

  /** Records the state the schedule derived, for operators reading `keys list` or the table. */
  async setStatus(kid: string, state: KeyState, retiredAt: Date | null): Promise<void> {
    await this.manager.update(SigningKey, { kid }, { state, retiredAt });
  }
}

function listKeys(manager: EntityManager): Promise<SigningKey[]> {
  return manager.find(SigningKey, { order: { activatesAt: 'ASC' } });
}

/**
 * The signing_keys table, through TypeORM's EntityManager (the advisory lock is the one statement
 * it has no method for). Shared by the running service and the keys CLI.
 */
@Injectable()
export class SigningKeyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Every stored key, oldest activation first. */
  list(): Promise<SigningKey[]> {
    return listKeys(this.dataSource.manager);
  }

  /** Runs `work` in a transaction that holds the key lock, so one replica at a time changes keys. */
  withLock<T>(work: (keys: LockedSigningKeys) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1)', [KEY_LOCK]);
      return work(new LockedSigningKeys(manager));
    });
  }
}
