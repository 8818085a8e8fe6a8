import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The test IdP's first tables. IF NOT EXISTS: databases made before the test IdP had its own
 * migration set got these tables from the service's migrations, and keep them.
 */
export class TestIdp1795655943315 implements MigrationInterface {
  name = 'TestIdp1795655943315';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_keys" ("issuer" character varying(16) NOT NULL, "kid" character varying(64) NOT NULL, "public_jwk" jsonb NOT NULL, "encrypted_private_key" text NOT NULL, CONSTRAINT "PK_418aa895cbbe6d2dfd1d5340560" PRIMARY KEY ("issuer"))`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_scopes" ("name" character varying(512) NOT NULL, "prefix" character varying(255) NOT NULL, "subscope" character varying(255) NOT NULL, "description" character varying(1024) NOT NULL DEFAULT '', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_b19f84874ef053a0d01425629f4" PRIMARY KEY ("name"))`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_scope_access" ("scope" character varying(512) NOT NULL, "org_number" character varying(9) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9be8c1333be75594bcad2f023f1" PRIMARY KEY ("scope", "org_number"))`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_clients" ("client_id" uuid NOT NULL, "client_name" character varying(255) NOT NULL, "client_type" character varying(32) NOT NULL, "description" character varying(1024) NOT NULL DEFAULT '', "scopes" jsonb NOT NULL, "token_reference" character varying(32) NOT NULL, "client_orgno" character varying(9) NOT NULL, "jwks" jsonb NOT NULL DEFAULT '[]', "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_535348c56a85dc74e97ddbf1652" PRIMARY KEY ("client_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_used_assertions" ("key" character varying(320) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "PK_a5c86515a6b8a8999a8ee328fd7" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS "idx_test_idp_used_assertions_expires_at" ON "test_idp_used_assertions" ("expires_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_test_idp_used_assertions_expires_at"`);
    await queryRunner.query(`DROP TABLE "test_idp_used_assertions"`);
    await queryRunner.query(`DROP TABLE "test_idp_clients"`);
    await queryRunner.query(`DROP TABLE "test_idp_scope_access"`);
    await queryRunner.query(`DROP TABLE "test_idp_scopes"`);
    await queryRunner.query(`DROP TABLE "test_idp_keys"`);
  }
}
