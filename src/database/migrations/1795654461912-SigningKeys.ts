import { MigrationInterface, QueryRunner } from 'typeorm';

export class SigningKeys1795654461912 implements MigrationInterface {
  name = 'SigningKeys1795654461912';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "signing_keys" ("kid" character varying(64) NOT NULL, "algorithm" character varying(16) NOT NULL, "public_jwk" jsonb NOT NULL, "certificate" text NOT NULL, "encrypted_private_key" text NOT NULL, "state" character varying(16) NOT NULL, "activates_at" TIMESTAMP WITH TIME ZONE NOT NULL, "retired_at" TIMESTAMP WITH TIME ZONE, "origin" character varying(16) NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_13362ac3e792c69417e1a53d355" PRIMARY KEY ("kid"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_signing_keys_activates_at" ON "signing_keys"  ("activates_at") `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_signing_keys_activates_at"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
