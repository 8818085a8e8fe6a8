import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type KeyState = 'next' | 'active' | 'retired' | 'revoked';

/** Public members of an RSA JWK; the private part never lives in this shape. */
export interface PublicRsaJwk {
  kty: 'RSA';
  n: string;
  e: string;
}

/** One of our signing keys. The private key is stored only encrypted (AES-256-GCM, kid as AAD). */
@Entity({ name: 'signing_keys' })
export class SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  @PrimaryColumn({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ type: 'varchar', length: 16 })
  algorithm: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: PublicRsaJwk;

  /** Base64 DER of the X.509 certificate, as published in `x5c`. */
  @Column({ type: 'text' })
  certificate: string;

  @Column({ name: 'encrypted_private_key', type: 'text' })
  encryptedPrivateKey: string;

  /** Reflects the last maintenance pass; signing derives the state from `activatesAt` itself. */
  @Column({ type: 'varchar', length: 16 })
  state: KeyState;

  @Index('idx_signing_keys_activates_at')
  @Column({ name: 'activates_at', type: 'timestamptz' })
  activatesAt: Date;

  @Column({ name: 'retired_at', type: 'timestamptz', nullable: true })
  retiredAt: Date | null;

  /**
   * Set when the key was replaced in an emergency (`keys rotate --now`): from then on it is neither
   * published nor trusted, whatever its activation time says.
   */
  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ type: 'varchar', length: 16 })
  origin: 'generated' | 'imported';

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
