import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PID, PID_DIGITS, UUID } from '../common/identifiers';

export class PartyRecord {
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  partyId: number;

  @Matches(UUID, { message: 'partyUuid must be a UUID' })
  partyUuid: string;

  @IsIn(['person', 'organisation'])
  type: 'person' | 'organisation';

  @ValidateIf((p: PartyRecord) => p.type === 'person' || p.ssn !== undefined)
  @Matches(PID, { message: `ssn must be ${PID_DIGITS} digits (and is required for a person)` })
  ssn?: string;

  @ValidateIf((p: PartyRecord) => p.type === 'organisation' || p.orgNumber !== undefined)
  @Matches(/^\d{9}$/, { message: 'orgNumber must be 9 digits (and is required for an organisation)' })
  orgNumber?: string;

  @IsString()
  @MaxLength(256)
  name: string;
}

export class UserRecord {
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  userId: number;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  userName?: string;

  @Matches(PID, { message: `ssn must be ${PID_DIGITS} digits` })
  ssn: string;

  @IsInt()
  @Min(1)
  partyId: number;
}

/** The import file: `{"parties": [...], "users": [...]}`. */
export class ProfileImportFile {
  @IsArray()
  @ArrayMaxSize(1_000_000)
  @ValidateNested({ each: true })
  @Type(() => PartyRecord)
  parties: PartyRecord[];

  @IsArray()
  @ArrayMaxSize(1_000_000)
  @ValidateNested({ each: true })
  @Type(() => UserRecord)
  users: UserRecord[];
}
