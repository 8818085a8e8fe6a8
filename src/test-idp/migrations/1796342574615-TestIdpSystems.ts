import { MigrationInterface, QueryRunner } from 'typeorm';

/** Maskinporten's systems, system users and delegations (IF NOT EXISTS: see TestIdp1795655943315). */
export class TestIdpSystems1796342574615 implements MigrationInterface {
  name = 'TestIdpSystems1796342574615';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_systems" ("system_id" character varying(128) NOT NULL, "vendor_orgno" character varying(9) NOT NULL, "name" character varying(255) NOT NULL DEFAULT '', "client_ids" jsonb NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_test_idp_systems" PRIMARY KEY ("system_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_system_users" ("id" uuid NOT NULL, "system_id" character varying(128) NOT NULL, "customer_orgno" character varying(9) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "uq_test_idp_system_users_system_customer" UNIQUE ("system_id", "customer_orgno"), CONSTRAINT "PK_test_idp_system_users" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_delegations" ("consumer_orgno" character varying(9) NOT NULL, "supplier_orgno" character varying(9) NOT NULL, "scope" character varying(512) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_test_idp_delegations" PRIMARY KEY ("consumer_orgno", "supplier_orgno", "scope"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "test_idp_delegations"`);
    await queryRunner.query(`DROP TABLE "test_idp_system_users"`);
    await queryRunner.query(`DROP TABLE "test_idp_systems"`);
  }
}
