import { MigrationInterface, QueryRunner } from 'typeorm';

/** A signing key replaced by `keys rotate --now` is revoked: unpublished at once, its tokens refused. */
export class RevokedSigningKeys1796402817641 implements MigrationInterface {
  name = 'RevokedSigningKeys1796402817641';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "signing_keys" ADD "revoked_at" TIMESTAMP WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "signing_keys" DROP COLUMN "revoked_at"`);
  }
}
