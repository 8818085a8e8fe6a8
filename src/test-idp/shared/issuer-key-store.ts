import { Injectable } from '@nestjs/common';
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { KeyEncryption } from '../../keys/key-encryption';
import { TestIdpKey } from './test-idp.entities';
import { TestIdpRepository } from './test-idp.repository';

export type StandInIssuer = TestIdpKey['issuer'];

export interface StandInKey {
  kid: string;
  privateKey: CryptoKey;
  jwks: { keys: JWK[] };
}

/** The stand-in issuers' keys: made once, stored encrypted like ours, loaded once per process. */
@Injectable()
export class IssuerKeyStore {
  private readonly loaded = new Map<StandInIssuer, Promise<StandInKey>>();

  constructor(
    private readonly records: TestIdpRepository,
    private readonly encryption: KeyEncryption,
  ) {}

  key(issuer: StandInIssuer): Promise<StandInKey> {
    let pending = this.loaded.get(issuer);
    if (!pending) {
      pending = this.loadOrCreate(issuer);
      pending.catch(() => this.loaded.delete(issuer));
      this.loaded.set(issuer, pending);
    }
    return pending;
  }

  private async loadOrCreate(issuer: StandInIssuer): Promise<StandInKey> {
    let row = await this.records.issuerKey(issuer);
    if (!row) {
      const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
      const publicJwk = await exportJWK(publicKey);
      const kid = await calculateJwkThumbprint(publicJwk);
      // Another replica may have won the race: keep whichever row is stored.
      await this.records.addIssuerKey({
        issuer,
        kid,
        publicJwk,
        encryptedPrivateKey: this.encryption.encrypt(await exportPKCS8(privateKey), kid),
      });
      row = await this.records.issuerKey(issuer);
      if (!row) throw new Error(`the ${issuer} stand-in's key was stored but cannot be read`);
    }
    return {
      kid: row.kid,
      privateKey: await importPKCS8(this.encryption.decrypt(row.encryptedPrivateKey, row.kid), 'RS256'),
      jwks: { keys: [{ ...row.publicJwk, kid: row.kid, alg: 'RS256', use: 'sig' }] },
    };
  }
}
