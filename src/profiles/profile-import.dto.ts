import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export class PartyRecord {
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  partyId: number;

  @IsUUID()
  partyUuid: string;

  @IsIn(['person', 'organisation'])
  type: 'person' | 'organisation';

  @ValidateIf((p: PartyRecord) => p.type === 'person' || p.ssn !== undefined)
  @Matches(/^\d{11}$/, { message: 'ssn must be 11 digits (and is required for a person)' })
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

  @Matches(/^\d{11}$/, { message: 'ssn must be 11 digits' })
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
