import { Injectable } from '@nestjs/common';

/** A person who logged in at ID-porten through our login, as the platform token needs them. */
export interface PersonLogin {
  pid: string;
  acr: string;
  amr?: string;
  locale?: string;
  authTime?: number;
  /** The login session: the token's `sid`. */
  sessionId: string;
}

/** A signed platform token, as the ID-porten exchange issues it. */
export interface IssuedPersonToken {
  token: string;
  jti: string;
  expiresIn: number;
}

/** Issues the platform token of a person; undefined when the person is not known to the platform. */
export type PersonTokenIssuer = (login: PersonLogin) => Promise<IssuedPersonToken | undefined>;

/**
 * Where the ID-porten exchange offers the one way a person's platform token is made (profile
 * lookup, claims, signing), so that the login issues exactly the same token without importing it.
 */
@Injectable()
export class PersonTokens {
  private issuer?: PersonTokenIssuer;

  register(issuer: PersonTokenIssuer): void {
    if (this.issuer) throw new Error('a person token issuer is registered already');
    this.issuer = issuer;
  }

  issue(login: PersonLogin): Promise<IssuedPersonToken | undefined> {
    if (!this.issuer) throw new Error('no person token issuer is registered (the ID-porten exchange module is missing)');
    return this.issuer(login);
  }
}
