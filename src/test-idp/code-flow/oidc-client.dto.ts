import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateBy,
} from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
