import { MigrationInterface, QueryRunner } from 'typeorm';

/** A refresh's audit row names the token it replaced, so a refreshed token traces back to its exchange. */
export class RefreshAuditParent1796402817395 implements MigrationInterface {
  name = 'RefreshAuditParent1796402817395';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "authentication_events" ADD "replaced_jti" character varying(64)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "authentication_events" DROP COLUMN "replaced_jti"`);
  }
}
