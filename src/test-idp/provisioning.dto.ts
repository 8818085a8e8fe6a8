import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isValidScopePart } from './scope-name';

const SCOPE_RULE_MESSAGE = '$property must match ^([a-z0-9]+\\/?)+[a-z0-9]+(\\.[a-z0-9]+)?$ (lowercase letters and digits, single slashes, one optional dot suffix; no - or _)';

/** The platform's scope rule, checked in linear time. */
const IsScopePart = () =>
  ValidateBy({ name: 'isScopePart', validator: { validate: (v: unknown) => typeof v === 'string' && isValidScopePart(v), defaultMessage: () => SCOPE_RULE_MESSAGE } });

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

export class IdportenTokenDto {
  @Matches(/^\d{11}$/, { message: 'pid must be 11 digits' })
  @ApiProperty({ example: '19108000239' })
  pid: string;

  @IsOptional()
  @IsIn(['Level0', 'Level3', 'Level4', 'idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'])
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
