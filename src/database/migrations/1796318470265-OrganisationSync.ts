import { MigrationInterface, QueryRunner } from 'typeorm';

export class OrganisationSync1796318470265 implements MigrationInterface {
  name = 'OrganisationSync1796318470265';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organisation_sync" ("id" smallint NOT NULL, "synced_at" TIMESTAMP WITH TIME ZONE NOT NULL, "source" character varying(2048) NOT NULL, "organisation_count" integer NOT NULL, CONSTRAINT "PK_efb40040d84ffafd2c15019a859" PRIMARY KEY ("id"))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "organisation_sync"`);
  }
}
