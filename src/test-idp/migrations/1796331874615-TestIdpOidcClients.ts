import { MigrationInterface, QueryRunner } from 'typeorm';

/** The code flow's registered clients (IF NOT EXISTS: see TestIdp1795655943315). */
export class TestIdpOidcClients1796331874615 implements MigrationInterface {
  name = 'TestIdpOidcClients1796331874615';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE IF NOT EXISTS "test_idp_oidc_clients" ("client_id" uuid NOT NULL, "client_name" character varying(255) NOT NULL, "redirect_uris" jsonb NOT NULL, "token_endpoint_auth_method" character varying(32) NOT NULL, "client_secret_sha256" character varying(64), "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_a9b822aa22972e1b9995dd50318" PRIMARY KEY ("client_id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "test_idp_oidc_clients"`);
  }
}
