import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ConfigType } from '@nestjs/config';
import { Clock } from '../common/clock';
import { ServiceUnavailableError } from '../common/errors';
import { inSpan, spanRecording } from '../common/tracing';
import { tokenConfig } from '../config';
import { SIGNING_ALGORITHM } from './key-material';
import { signJwt } from './jwt-signing';
import { KeyRing } from './key-ring';

export interface SignedToken {
  token: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
  expiresIn: number;
}

export interface SignOptions {
  /** Shorter than the configured lifetime, never longer. */
  lifetimeSeconds?: number;
  jti?: string;
  /** `aud`: the APIs the token is bound to (already checked against TOKEN_AUDIENCES). */
  audience?: string | string[];
}

const TOKEN_ID_BYTES = 32;
const IDS_PER_DRAW = 128;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

/**
 * A fresh token id: 256 random bits, base64url. The bits are drawn from the system's CSPRNG for 128
 * ids at a time (as crypto.randomUUID does), since one draw per token showed in the hot-path profile;
 * every id still gets its own bytes.
 */
export function newTokenId(): string {
  if (randomOffset === randomPool.length) {
    randomPool = randomBytes(TOKEN_ID_BYTES * IDS_PER_DRAW);
    randomOffset = 0;
  }
  const id = randomPool.toString('base64url', randomOffset, randomOffset + TOKEN_ID_BYTES);
  randomOffset += TOKEN_ID_BYTES;
  return id;
}

/** Signs our tokens with the active key: adds iss, iat, nbf = iat, exp and jti. */
@Injectable()
export class TokenSigner {
  constructor(
    private readonly keys: KeyRing,
    private readonly clock: Clock,
    @Inject(tokenConfig.KEY) private readonly config: ConfigType<typeof tokenConfig>,
  ) {}

  get issuer(): string {
    return this.config.issuer;
  }

  async sign(claims: object, options: SignOptions = {}): Promise<SignedToken> {
    const key = this.keys.activeKey();
    if (!key) throw new ServiceUnavailableError('no signing key is loaded yet', 'signing_key_unavailable', 5);
    const issuedAt = this.clock.nowSeconds();
    const lifetime = Math.min(options.lifetimeSeconds ?? this.config.lifetimeSeconds, this.config.lifetimeSeconds);
    const expiresIn = Math.max(lifetime, 0);
    const jti = options.jti ?? newTokenId();
    const audience = options.audience === undefined ? {} : { aud: options.audience };
    const payload = { ...claims, iss: this.config.issuer, ...audience, iat: issuedAt, nbf: issuedAt, exp: issuedAt + expiresIn, jti };
    // The span's attributes are built only for a request that is sampled.
    const token = await (spanRecording()
      ? inSpan('sign token', { 'authentication.signing_algorithm': SIGNING_ALGORITHM, 'authentication.key_id': key.kid }, () =>
          signJwt(payload, key.kid, key.privateKey),
        )
      : signJwt(payload, key.kid, key.privateKey));
    return { token, jti, issuedAt, expiresAt: issuedAt + expiresIn, expiresIn };
  }
}
