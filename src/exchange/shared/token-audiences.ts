import { Inject, Injectable } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import type { ConfigType } from '@nestjs/config';
import { BadRequestError, InvalidTargetError } from '../../common/errors';
import { tokenConfig } from '../../config';

/** At most this many audiences in one token, and this long each. */
const MAX_AUDIENCES = 10;
const MAX_AUDIENCE_LENGTH = 512;

/**
 * A request's audience parameter(s) as a list: absent, one value, or the values of a repeated
 * parameter. An empty value counts as absent (RFC 6749 §3.1); anything but strings is refused.
 */
export function audienceParameter(value: unknown, name = 'audience'): string[] {
  if (value === undefined) return [];
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  if (!values.every((v): v is string => typeof v === 'string')) throw new BadRequestError(`the ${name} parameter must be text`);
  return values.filter((v) => v !== '');
}

/**
 * Which APIs our tokens may be bound to. A requested audience must equal an entry of
 * TOKEN_AUDIENCES; when the list is unset no audience may be requested. A token nobody asked to
 * bind carries no `aud`, exactly as before audiences existed.
 */
@Injectable()
export class TokenAudiences {
  private readonly allowed: ReadonlySet<string>;

  constructor(@Inject(tokenConfig.KEY) config: ConfigType<typeof tokenConfig>) {
    this.allowed = new Set(config.audiences);
  }

  /** The `aud` claim for these requested audiences (undefined: none requested), or InvalidTargetError. */
  resolve(requested: readonly string[]): string | string[] | undefined {
    if (requested.length === 0) return undefined;
    if (this.allowed.size === 0) throw new InvalidTargetError('this service issues no audience-bound tokens (TOKEN_AUDIENCES is not set)');
    const distinct = [...new Set(requested)];
    if (distinct.length > MAX_AUDIENCES) throw new InvalidTargetError(`at most ${MAX_AUDIENCES} audiences may be requested`);
    if (!distinct.every((a) => a.length <= MAX_AUDIENCE_LENGTH && this.allowed.has(a))) {
      throw new InvalidTargetError('a requested audience is not one this service issues tokens for');
    }
    return distinct.length === 1 ? distinct[0] : distinct;
  }
}

/** OpenAPI for `?audience=` on the GET exchanges. */
export const ApiAudienceQuery = () =>
  ApiQuery({
    name: 'audience',
    required: false,
    type: String,
    description:
      'Bind the token to this API: it must be listed in TOKEN_AUDIENCES and becomes the token’s aud (repeat for several). Otherwise 400 invalid-target.',
  });
