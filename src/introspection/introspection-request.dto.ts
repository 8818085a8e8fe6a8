import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength, ValidateBy } from 'class-validator';
import { MAX_TOKEN_BYTES } from '../common/bearer-token';

/** At most `max` characters when it is text; what is not text (a repeated field) IsString reports, once. */
const TextNoLongerThan = (max: number, message: string) =>
  ValidateBy({
    name: 'textNoLongerThan',
    validator: { validate: (value: unknown) => typeof value !== 'string' || value.length <= max, defaultMessage: () => message },
  });

/** RFC 7662 §2.1: the token, and a hint we may ignore (we only know one kind of token). */
export class IntrospectionRequestDto {
  @ApiProperty({ description: 'One of our tokens (at most 8 KB)' })
  @IsString({ message: 'token must be sent once, as text' })
  @IsNotEmpty({ message: 'token is missing' })
  @TextNoLongerThan(MAX_TOKEN_BYTES, 'token is larger than 8 KB')
  token!: string;

  @ApiPropertyOptional({ description: 'Ignored: every token we issue is an access token', example: 'access_token' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  token_type_hint?: string;
}
