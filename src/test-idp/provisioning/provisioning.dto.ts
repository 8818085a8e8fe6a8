import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isValidOrgNumber } from '../../common/organisation-number';
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
