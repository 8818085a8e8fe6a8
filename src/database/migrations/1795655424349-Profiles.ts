import { MigrationInterface, QueryRunner } from 'typeorm';

export class Profiles1795655424349 implements MigrationInterface {
  name = 'Profiles1795655424349';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "parties" ("party_id" integer NOT NULL, "party_uuid" uuid NOT NULL, "type" character varying(16) NOT NULL, "ssn" character varying(11), "org_number" character varying(9), "name" character varying(256) NOT NULL DEFAULT '', CONSTRAINT "UQ_c7a9d8fe9994dc481455c768a31" UNIQUE ("party_uuid"), CONSTRAINT "UQ_5c3e0b8fcede2beac2a9e725828" UNIQUE ("ssn"), CONSTRAINT "UQ_f6affd72c032aea24b40f82833a" UNIQUE ("org_number"), CONSTRAINT "PK_8a8a971209f8463de7c99494a90" PRIMARY KEY ("party_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "users" ("user_id" integer NOT NULL, "user_name" character varying(64) NOT NULL DEFAULT '', "ssn" character varying(11) NOT NULL, "party_id" integer NOT NULL, CONSTRAINT "UQ_4a460cf6ee10556b9e7d1aa4d29" UNIQUE ("ssn"), CONSTRAINT "PK_96aac72f1574b88752e9fb00089" PRIMARY KEY ("user_id"))`,
    );
    // Ids for auto-provisioned people; imports move them past the largest imported id.
    await queryRunner.query(`CREATE SEQUENCE "user_id_seq" START 21000000`);
    await queryRunner.query(`CREATE SEQUENCE "party_id_seq" START 51000000`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "FK_ad1f5c70be10ee4a70525cdae56" FOREIGN KEY ("party_id") REFERENCES "parties"("party_id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "FK_ad1f5c70be10ee4a70525cdae56"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP TABLE "parties"`);
    await queryRunner.query(`DROP SEQUENCE "party_id_seq"`);
    await queryRunner.query(`DROP SEQUENCE "user_id_seq"`);
  }
}
