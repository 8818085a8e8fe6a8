import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACR_VALUES } from '../common/acr';
import { PID, PID_DIGITS } from '../common/identifiers';
import { isValidOrgNumber } from '../common/organisation-number';
import { fixedClaimsIn, MAX_CLAIM_OVERRIDES, MAX_EXPIRES_IN_S, MIN_EXPIRES_IN_S } from './claim-overrides';
import { isValidScopePart } from './scope-name';

const SCOPE_RULE_MESSAGE =
  '$property must match ^([a-z0-9]+\\/?)+[a-z0-9]+(\\.[a-z0-9]+)?$ (lowercase letters and digits, single slashes, one optional dot suffix; no - or _)';

/** The platform's scope rule, checked in linear time. */
const IsScopePart = () =>
  ValidateBy({
    name: 'isScopePart',
    validator: { validate: (v: unknown) => typeof v === 'string' && isValidScopePart(v), defaultMessage: () => SCOPE_RULE_MESSAGE },
  });

export class CreateScopeDto {
  @IsScopePart()
  @ApiProperty({ example: 'altinn' })
  prefix: string;

  @IsScopePart()
  @ApiProperty({ example: 'instances/metadata.read' })
  subscope: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @ApiPropertyOptional({ example: 'Clients can access metadata for all instances for all apps of the organisation' })
  description?: string;
}

export class CreateClientDto {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @ApiProperty({ example: 'altinnOrgRead' })
  client_name: string;

  @IsIn(['CONFIDENTIAL'], { message: 'client_type must be CONFIDENTIAL (clients authenticate with a signed JWT)' })
  @ApiProperty({ example: 'CONFIDENTIAL' })
  client_type: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @ApiPropertyOptional({ example: 'Clients can access metadata for all instances for all apps of the organisation' })
  description?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  @ApiProperty({ example: ['altinn:instances/metadata.read'] })
  scopes: string[];

  @IsIn(['SELF_CONTAINED'], { message: 'token_reference must be SELF_CONTAINED' })
  @ApiProperty({ example: 'SELF_CONTAINED' })
  token_reference: string;

  /** Real Maskinporten takes the organisation from the caller; here it may be named, or follow from the grants. */
  @IsOptional()
  @Matches(/^\d{9}$/, { message: 'client_orgno must be 9 digits' })
  @ApiPropertyOptional({ example: '974760673' })
  client_orgno?: string;
}

export class RegisterClientKeysDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5, { message: 'a client may register at most 5 keys' })
  @IsObject({ each: true })
  @ApiProperty({ example: [{ kty: 'RSA', n: '...', e: 'AQAB', kid: 'my-key' }] })
  keys: Record<string, unknown>[];
}

/** Host names, IPv4 and IPv6 literals and a port; nothing that could break out of a CSP source. */
export const SAFE_HOST = /^[a-z0-9.\-[\]:]+$/i;

/** An absolute http(s) URI without a fragment, as RFC 6749 §3.1.2 asks of a redirection endpoint. */
const IsRedirectUri = () =>
  ValidateBy(
    {
      name: 'isRedirectUri',
      validator: {
        validate: (v: unknown) => {
          if (typeof v !== 'string' || v.length > 2048) return false;
          try {
            const url = new URL(v);
            return (
              (url.protocol === 'http:' || url.protocol === 'https:') &&
              SAFE_HOST.test(url.host) &&
              !v.includes('#') &&
              url.username === '' &&
              url.password === ''
            );
          } catch {
            return false;
          }
        },
        defaultMessage: () =>
          'each redirect_uri must be an absolute http(s) URL without a fragment or credentials, at most 2048 characters',
      },
    },
    { each: true },
  );

export const OIDC_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;

/** `POST /test-idp/idporten/clients`: a relying party of the code flow, in RFC 7591's words. */
export class RegisterOidcClientDto {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  @ApiProperty({ example: 'My app' })
  client_name: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsRedirectUri()
  @ApiProperty({ example: ['http://127.0.0.1:8080/callback'] })
  redirect_uris: string[];

  @IsOptional()
  @IsIn(OIDC_AUTH_METHODS, { message: `token_endpoint_auth_method must be one of ${OIDC_AUTH_METHODS.join(', ')}` })
  @ApiPropertyOptional({
    enum: OIDC_AUTH_METHODS,
    default: 'client_secret_basic',
    description: '`none`: a public client (a browser or mobile app); PKCE is what binds its code.',
  })
  token_endpoint_auth_method?: (typeof OIDC_AUTH_METHODS)[number];
}

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

/** `POST /test-idp/maskinporten/token` with JSON: a token for any organisation and scope, no client needed. */
export class MaskinportenTokenDto extends TokenShortcutDto {
  @Matches(/^\d{9}$/, { message: 'orgno must be 9 digits' })
  @ApiProperty({ example: '974760673' })
  orgno: string;

  @IsString()
  @Matches(/^\S+( \S+)*$/, { message: 'scope must be scope names separated by single spaces' })
  @MaxLength(1024)
  @ApiProperty({ example: 'altinn:instances.read' })
  scope: string;
}

export class IdportenTokenDto extends TokenShortcutDto {
  @Matches(PID, { message: `pid must be ${PID_DIGITS} digits` })
  @ApiProperty({ example: '19108000239' })
  pid: string;

  @IsOptional()
  @IsIn(ACR_VALUES)
  @ApiPropertyOptional({ example: 'idporten-loa-substantial' })
  acr?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  @ApiPropertyOptional({ example: ['Minid-PIN'] })
  amr?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  @ApiPropertyOptional({ example: 'openid profile' })
  scope?: string;

  @IsOptional()
  @IsIn(['nb', 'nn', 'en', 'se'])
  @ApiPropertyOptional({ example: 'nb' })
  locale?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @ApiPropertyOptional({ example: '1585045781364132' })
  nonce?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @ApiPropertyOptional({ example: 'test-idp-client' })
  aud?: string;
}

const ORG_NUMBER_MESSAGE = '$property must be a valid organisation number (9 digits, modulus 11 check digit)';
/** 9 digits with a valid modulus 11 check digit: what the exchange requires of system-user and supplier organisations. */
const IsOrgNumber = () =>
  ValidateBy({
    name: 'isOrgNumber',
    validator: { validate: (v: unknown) => typeof v === 'string' && isValidOrgNumber(v), defaultMessage: () => ORG_NUMBER_MESSAGE },
  });

export class RegisterSystemDto {
  /** `<vendor orgno>_<name>`, as the platform's system register names systems. */
  @IsString()
  @Matches(/^\d{9}_[A-Za-z0-9.-]{1,100}$/, { message: 'system_id must be <vendor orgno>_<name> (letters, digits, . and -; at most 100)' })
  @ApiProperty({ example: '974760673_smartcloud' })
  system_id: string;

  @Matches(/^\d{9}$/, { message: 'vendor_orgno must be 9 digits' })
  @ApiProperty({ example: '974760673' })
  vendor_orgno: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  @ApiPropertyOptional({ example: 'SmartCloud accounting' })
  name?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  @ArrayUnique()
  @Matches(/^[0-9a-f-]{36}$/i, { each: true, message: 'each client id must be a client_id' })
  @ApiProperty({ example: ['0de19f7a-f5fa-45d1-874c-3d2e88ce97d9'] })
  client_ids: string[];
}

export class CreateSystemUserDto {
  @IsString()
  @MaxLength(128)
  @ApiProperty({ example: '974760673_smartcloud' })
  system_id: string;

  @IsOrgNumber()
  @ApiProperty({ example: '991825827' })
  customer_orgno: string;
}

export class CreateDelegationDto {
  @IsOrgNumber()
  @ApiProperty({ example: '974760673' })
  consumer_orgno: string;

  @IsOrgNumber()
  @ApiProperty({ example: '991825827' })
  supplier_orgno: string;

  @IsString()
  @MaxLength(512)
  @ApiProperty({ example: 'altinn:instances/metadata.read' })
  scope: string;
}
