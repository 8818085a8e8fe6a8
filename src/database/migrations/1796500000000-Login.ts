import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The OpenID Provider for people in browsers: our clients, login transactions (one per upstream
 * round trip), sessions, authorization codes, refresh-token families and each person's stable
 * subject. Secrets (client secrets, codes, refresh tokens, cookie values) are stored as SHA-256.
 */
export class Login1796500000000 implements MigrationInterface {
  name = 'Login1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oidc_clients" ("client_id" character varying(64) NOT NULL, "secret_sha256" character varying(64), "name" character varying(255) NOT NULL, "redirect_uris" jsonb NOT NULL, "post_logout_redirect_uris" jsonb NOT NULL, "frontchannel_logout_uri" text, "public" boolean NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_oidc_clients" PRIMARY KEY ("client_id"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "login_transactions" ("state_sha256" character varying(64) NOT NULL, "nonce" character varying(64) NOT NULL, "code_verifier" character varying(128) NOT NULL, "request" jsonb NOT NULL, "browser_sha256" character varying(64) NOT NULL, "acr" character varying(64) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_login_transactions" PRIMARY KEY ("state_sha256"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "login_sessions" ("id" uuid NOT NULL, "cookie_sha256" character varying(64) NOT NULL, "subject" uuid NOT NULL, "user_id" integer NOT NULL, "party_id" integer NOT NULL, "pid" character varying(11) NOT NULL, "acr" character varying(64) NOT NULL, "amr" jsonb NOT NULL, "locale" character varying(16), "auth_time" integer NOT NULL, "upstream_iss" text NOT NULL, "upstream_sid" text, "upstream_id_token" text NOT NULL, "idle_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "ended_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_login_sessions" PRIMARY KEY ("id"), CONSTRAINT "UQ_login_sessions_cookie" UNIQUE ("cookie_sha256"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_login_sessions_upstream_sid" ON "login_sessions" ("upstream_iss", "upstream_sid")`);
    await queryRunner.query(
      `CREATE TABLE "authorization_codes" ("code_sha256" character varying(64) NOT NULL, "client_id" character varying(64) NOT NULL, "session_id" uuid NOT NULL, "redirect_uri" text NOT NULL, "code_challenge" character varying(43) NOT NULL, "nonce" character varying(512), "scope" character varying(1024) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_authorization_codes" PRIMARY KEY ("code_sha256"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "refresh_tokens" ("token_sha256" character varying(64) NOT NULL, "family_id" uuid NOT NULL, "client_id" character varying(64) NOT NULL, "session_id" uuid NOT NULL, "code_sha256" character varying(64) NOT NULL, "scope" character varying(1024) NOT NULL, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "consumed_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "PK_refresh_tokens" PRIMARY KEY ("token_sha256"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_refresh_tokens_family" ON "refresh_tokens" ("family_id")`);
    await queryRunner.query(`CREATE INDEX "idx_refresh_tokens_session" ON "refresh_tokens" ("session_id")`);
    await queryRunner.query(
      `CREATE TABLE "person_subjects" ("user_id" integer NOT NULL, "subject" uuid NOT NULL, CONSTRAINT "PK_person_subjects" PRIMARY KEY ("user_id"), CONSTRAINT "UQ_person_subjects_subject" UNIQUE ("subject"))`,
    );
    await queryRunner.query(`ALTER TABLE "authentication_events" ADD "session_id" uuid`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "authentication_events" DROP COLUMN "session_id"`);
    for (const table of [
      'person_subjects',
      'refresh_tokens',
      'authorization_codes',
      'login_sessions',
      'login_transactions',
      'oidc_clients',
    ])
      await queryRunner.query(`DROP TABLE "${table}"`);
  }
}
