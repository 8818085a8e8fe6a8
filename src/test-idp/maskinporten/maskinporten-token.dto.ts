import { IsString, Matches, MaxLength } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { TokenShortcutDto } from '../shared/token-shortcut.dto';

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
