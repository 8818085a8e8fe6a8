import { IsInt, IsObject, IsOptional, Max, Min, ValidateBy } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { fixedClaimsIn, MAX_CLAIM_OVERRIDES, MAX_EXPIRES_IN_S, MIN_EXPIRES_IN_S } from './claim-overrides';

/** At most 50 claims, and neither `iss` nor `exp` (see claim-overrides.ts). */
const ClaimOverrides = () =>
  ValidateBy({
    name: 'claimOverrides',
    validator: {
      validate: (v: unknown) =>
        typeof v === 'object' &&
        v !== null &&
        Object.keys(v).length <= MAX_CLAIM_OVERRIDES &&
        fixedClaimsIn(v as Record<string, unknown>).length === 0,
      defaultMessage: () =>
        `claims may hold at most ${MAX_CLAIM_OVERRIDES} claims and may not set iss (always this issuer) or exp (use expires_in)`,
    },
  });

/** What both token shortcuts accept besides their subject: claims to add or override, and a lifetime. */
export class TokenShortcutDto {
  @IsOptional()
  @IsObject()
  @ClaimOverrides()
  @ApiPropertyOptional({ description: 'Claims to add or override (null removes one); never iss or exp.', example: { aud: 'my-api' } })
  claims?: Record<string, unknown>;

  @IsOptional()
  @IsInt()
  @Min(MIN_EXPIRES_IN_S)
  @Max(MAX_EXPIRES_IN_S)
  @ApiPropertyOptional({
    description: 'Seconds until exp; 0 or negative gives an expired token.',
    example: 120,
    minimum: MIN_EXPIRES_IN_S,
    maximum: MAX_EXPIRES_IN_S,
  })
  expires_in?: number;
}
