import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ACR_VALUES } from '../../common/acr';
import { PID, PID_DIGITS } from '../../common/identifiers';
import { TokenShortcutDto } from '../shared/token-shortcut.dto';

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
