import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { InvalidTokenError } from '../common/errors';
import { OwnTokenVerifier } from '../keys/own-token-verifier';
import { LoginSessionRepository } from './login-session.repository';

/** /userinfo: the person behind an access token of a live login session. */
@Injectable()
export class Userinfo {
  constructor(
    private readonly verifier: OwnTokenVerifier,
    private readonly sessions: LoginSessionRepository,
    private readonly clock: Clock,
  ) {}

  async claims(token: string): Promise<Record<string, unknown>> {
    const payload = await this.verifier.verify(token);
    const sid = payload.sid;
    const session =
      typeof sid === 'string' && /^[0-9a-f-]{36}$/.test(sid) ? await this.sessions.findLive(sid, new Date(this.clock.now())) : undefined;
    if (!session) throw new InvalidTokenError('the token is not one of a live login session', 'session_ended');
    const claims: Record<string, unknown> = {
      sub: session.subject,
      'urn:altinn:userid': String(session.userId),
      'urn:altinn:partyid': session.partyId,
      acr: session.acr,
      amr: session.amr,
      auth_time: session.authTime,
    };
    if (session.locale) claims.locale = session.locale;
    return claims;
  }
}
