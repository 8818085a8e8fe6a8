import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateBy } from 'class-validator';
import { isValidScopePart } from './scope-name';

const SCOPE_RULE_MESSAGE = '$property must match ^([a-z0-9]+\\/?)+[a-z0-9]+(\\.[a-z0-9]+)?$ (lowercase letters and digits, single slashes, one optional dot suffix; no - or _)';

/** The platform's scope rule, checked in linear time. */
const IsScopePart = () =>
  ValidateBy({ name: 'isScopePart', validator: { validate: (v: unknown) => typeof v === 'string' && isValidScopePart(v), defaultMessage: () => SCOPE_RULE_MESSAGE } });

export class CreateScopeDto {
  @IsScopePart()
  prefix: string;

  @IsScopePart()
  subscope: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;
}

export class CreateClientDto {
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  client_name: string;

  @IsIn(['CONFIDENTIAL'], { message: 'client_type must be CONFIDENTIAL (clients authenticate with a signed JWT)' })
  client_type: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsString({ each: true })
  @MaxLength(512, { each: true })
  scopes: string[];

  @IsIn(['SELF_CONTAINED'], { message: 'token_reference must be SELF_CONTAINED' })
  token_reference: string;

  /** Real Maskinporten takes the organisation from the caller; here it may be named, or follow from the grants. */
  @IsOptional()
  @Matches(/^\d{9}$/, { message: 'client_orgno must be 9 digits' })
  client_orgno?: string;
}

export class RegisterClientKeysDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(5, { message: 'a client may register at most 5 keys' })
  @IsObject({ each: true })
  keys: Record<string, unknown>[];
}

export class IdportenTokenDto {
  @Matches(/^\d{11}$/, { message: 'pid must be 11 digits' })
  pid: string;

  @IsOptional()
  @IsIn(['Level0', 'Level3', 'Level4', 'idporten-loa-low', 'idporten-loa-substantial', 'idporten-loa-high'])
  acr?: string;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @IsString({ each: true })
  @MaxLength(64, { each: true })
  amr?: string[];

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @IsOptional()
  @IsIn(['nb', 'nn', 'en', 'se'])
  locale?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  nonce?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  aud?: string;
}
