import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';
import { MAX_TOKEN_BYTES } from '../common/bearer-token';

/** RFC 7662 §2.1: the token, and a hint we may ignore (we only know one kind of token). */
export class IntrospectionRequestDto {
  @ApiProperty({ description: 'One of our tokens (at most 8 KB)' })
  @IsString({ message: 'token must be sent once, as text' })
  @IsNotEmpty({ message: 'token is missing' })
  @MaxLength(MAX_TOKEN_BYTES, { message: 'token is larger than 8 KB' })
  token!: string;

  @ApiPropertyOptional({ description: 'Ignored: every token we issue is an access token', example: 'access_token' })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  token_type_hint?: string;
}
