import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Audit columns for system users and suppliers. (Its first version also made the test IdP's
 * systems, system users and delegations; they moved to the test IdP's own migrations.)
 */
export class SystemUsersAndSuppliers1796342574615 implements MigrationInterface {
  name = 'SystemUsersAndSuppliers1796342574615';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "authentication_events" ADD "system_user_id" uuid`);
    await queryRunner.query(`ALTER TABLE "authentication_events" ADD "supplier_org_number" character varying(9)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "authentication_events" DROP COLUMN "supplier_org_number"`);
    await queryRunner.query(`ALTER TABLE "authentication_events" DROP COLUMN "system_user_id"`);
  }
}
