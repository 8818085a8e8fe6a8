import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrganisationsAndAudit1795655237758 implements MigrationInterface {
  name = 'OrganisationsAndAudit1795655237758';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "authentication_events" ("id" uuid NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "provider" character varying(16) NOT NULL, "outcome" character varying(16) NOT NULL, "reason" character varying(64), "client_id" character varying(128), "org_number" character varying(9), "user_id" integer, "issued_jti" character varying(64), CONSTRAINT "PK_6b8d11578db655bed78e218f8a3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_authentication_events_occurred_at" ON "authentication_events"  ("occurred_at") `);
    await queryRunner.query(
      `CREATE TABLE "organisations" ("org_code" character varying(32) NOT NULL, "org_number" character varying(9), "name_nb" character varying(256), "name_nn" character varying(256), "name_en" character varying(256), "homepage" character varying(512), "environments" jsonb NOT NULL DEFAULT '[]', "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "UQ_85f8d4286bcd72e5a04f08f0520" UNIQUE ("org_number"), CONSTRAINT "PK_d8de7df131272545f556f272e55" PRIMARY KEY ("org_code"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "organisations"`);
    await queryRunner.query(`DROP INDEX "public"."idx_authentication_events_occurred_at"`);
    await queryRunner.query(`DROP TABLE "authentication_events"`);
  }
}
