import { Injectable } from '@nestjs/common';

/** A grant served by POST /token besides RFC 8693: the form's fields and the Authorization header in, the JSON answer out. */
export type TokenGrant = (form: Record<string, unknown>, authorization: string | undefined) => Promise<Record<string, unknown>>;

/**
 * The grants other modules add to the token endpoint (login/: authorization_code, refresh_token),
 * registered by the module that serves them, so the endpoint imports none of them.
 */
@Injectable()
export class TokenGrants {
  private readonly grants = new Map<string, TokenGrant>();

  register(grantType: string, grant: TokenGrant): void {
    if (this.grants.has(grantType)) throw new Error(`a grant ${grantType} is registered already`);
    this.grants.set(grantType, grant);
  }

  of(grantType: unknown): TokenGrant | undefined {
    return typeof grantType === 'string' ? this.grants.get(grantType) : undefined;
  }

  get grantTypes(): string[] {
    return [...this.grants.keys()];
  }
}
