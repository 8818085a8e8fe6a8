import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, Unique } from 'typeorm';
import type { JWK } from 'jose';

/** The signing key of one stand-in issuer, kept so that a restart keeps its tokens valid. */
@Entity({ name: 'test_idp_keys' })
export class TestIdpKey {
  @PrimaryColumn({ type: 'varchar', length: 16 })
  issuer: 'maskinporten' | 'idporten';

  @Column({ type: 'varchar', length: 64 })
  kid: string;

  @Column({ name: 'public_jwk', type: 'jsonb' })
  publicJwk: JWK;

  @Column({ name: 'encrypted_private_key', type: 'text' })
  encryptedPrivateKey: string;
}

@Entity({ name: 'test_idp_scopes' })
export class TestIdpScope {
  /** `prefix:subscope` */
  @PrimaryColumn({ type: 'varchar', length: 512 })
  name: string;

  @Column({ type: 'varchar', length: 255 })
  prefix: string;

  @Column({ type: 'varchar', length: 255 })
  subscope: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** An organisation allowed to create clients with a scope. */
@Entity({ name: 'test_idp_scope_access' })
export class TestIdpScopeAccess {
  @PrimaryColumn({ type: 'varchar', length: 512 })
  scope: string;

  @PrimaryColumn({ name: 'org_number', type: 'varchar', length: 9 })
  orgNumber: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

@Entity({ name: 'test_idp_clients' })
export class TestIdpClient {
  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'client_name', type: 'varchar', length: 255 })
  clientName: string;

  @Column({ name: 'client_type', type: 'varchar', length: 32 })
  clientType: string;

  @Column({ type: 'varchar', length: 1024, default: '' })
  description: string;

  @Column({ type: 'jsonb' })
  scopes: string[];

  @Column({ name: 'token_reference', type: 'varchar', length: 32 })
  tokenReference: string;

  @Column({ name: 'client_orgno', type: 'varchar', length: 9 })
  clientOrgno: string;

  /** Public RSA keys the client signs its grant assertions with. */
  @Column({ type: 'jsonb', default: () => "'[]'" })
  jwks: JWK[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** Assertion ids already used, until they expire: a replayed assertion is refused. */
@Entity({ name: 'test_idp_used_assertions' })
export class TestIdpUsedAssertion {
  @PrimaryColumn({ type: 'varchar', length: 320 })
  key: string;

  @Index('idx_test_idp_used_assertions_expires_at')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}

/** A relying party of test ID-porten's code flow: where it may be sent back, how it authenticates. */
@Entity({ name: 'test_idp_oidc_clients' })
export class TestIdpOidcClient {
  @PrimaryColumn({ name: 'client_id', type: 'uuid' })
  clientId: string;

  @Column({ name: 'client_name', type: 'varchar', length: 255 })
  clientName: string;

  /** Exact URIs; an authorization request must name one of them. */
  @Column({ name: 'redirect_uris', type: 'jsonb' })
  redirectUris: string[];

  @Column({ name: 'token_endpoint_auth_method', type: 'varchar', length: 32 })
  tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post' | 'none';

  /** SHA-256 of the generated secret (hex); null for a public client. The secret is shown once. */
  @Column({ name: 'client_secret_sha256', type: 'varchar', length: 64, nullable: true })
  clientSecretSha256: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A vendor's system registered for system users: the vendor's clients may act as its system users. */
@Entity({ name: 'test_idp_systems' })
export class TestIdpSystem {
  /** `<vendor orgno>_<name>` */
  @PrimaryColumn({ name: 'system_id', type: 'varchar', length: 128 })
  systemId: string;

  @Column({ name: 'vendor_orgno', type: 'varchar', length: 9 })
  vendorOrgno: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  name: string;

  @Column({ name: 'client_ids', type: 'jsonb' })
  clientIds: string[];

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A customer organisation's system user on a system. */
@Entity({ name: 'test_idp_system_users' })
@Unique('uq_test_idp_system_users_system_customer', ['systemId', 'customerOrgno'])
export class TestIdpSystemUser {
  @PrimaryColumn({ type: 'uuid' })
  id: string;

  @Column({ name: 'system_id', type: 'varchar', length: 128 })
  systemId: string;

  @Column({ name: 'customer_orgno', type: 'varchar', length: 9 })
  customerOrgno: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

/** A consumer organisation's delegation of one scope to a supplier organisation. */
@Entity({ name: 'test_idp_delegations' })
export class TestIdpDelegation {
  @PrimaryColumn({ name: 'consumer_orgno', type: 'varchar', length: 9 })
  consumerOrgno: string;

  @PrimaryColumn({ name: 'supplier_orgno', type: 'varchar', length: 9 })
  supplierOrgno: string;

  @PrimaryColumn({ type: 'varchar', length: 512 })
  scope: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}

export const TEST_IDP_ENTITIES = [
  TestIdpKey,
  TestIdpScope,
  TestIdpScopeAccess,
  TestIdpClient,
  TestIdpUsedAssertion,
  TestIdpOidcClient,
  TestIdpSystem,
  TestIdpSystemUser,
  TestIdpDelegation,
];
