import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiProduces, ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE } from './errors';

export const BEARER_SCHEME = 'bearer';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'instance'],
  properties: {
    type: { type: 'string', example: 'urn:problem-type:authentication:invalid-token' },
    title: { type: 'string', example: 'Invalid token' },
    status: { type: 'integer', example: 401 },
    detail: { type: 'string', example: 'the token has expired' },
    instance: { type: 'string', example: '/authentication/api/v1/exchange/maskinporten' },
    correlationId: { type: 'string', example: '5f0c2b1e-3f4a-4c2b-9d3e-1a2b3c4d5e6f' },
  },
};

const WHY: Record<number, string> = {
  400: 'Bad request: invalid input, listed field by field; or more than one Authorization header (invalid_request)',
  401: 'Missing, malformed or unacceptable bearer token (WWW-Authenticate says why)',
  403: 'The token lacks a required scope',
  404: 'Not found',
  409: 'Already exists',
  413: 'Body larger than 16 KB',
  429: 'Rate limit passed (Retry-After)',
  503: 'A dependency is away (Retry-After)',
};

/** RFC 9457 problem responses for these statuses. */
export const ApiProblems = (...statuses: number[]) =>
  applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: WHY[status] ?? 'Error', content: { [PROBLEM_CONTENT_TYPE]: { schema: PROBLEM_SCHEMA } } }),
    ),
  );

export interface ClaimsExample {
  summary: string;
  value: object;
}

/** A token-returning endpoint: the bare JWT as text/plain, or the RFC 8693 JSON form on Accept; claims examples by shape. */
export const ApiTokenResponses = (description: string, claimsExamples: readonly ClaimsExample[]) =>
  applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiHeader({
      name: 'Accept',
      required: false,
      description: 'text/plain (default) for the bare token, application/json for the RFC 8693 form',
    }),
    ApiProduces('text/plain', 'application/json'),
    ApiResponse({
      status: 200,
      description: [
        `${description} Claims of the issued token, for example:`,
        ...claimsExamples.map((e) => `${e.summary}: ${JSON.stringify(e.value)}`),
      ].join('\n\n'),
      content: {
        'text/plain': { schema: { type: 'string', example: 'eyJhbGciOiJSUzI1NiIsImtpZCI6Ii4uLiIsInR5cCI6IkpXVCJ9.eyJ...' } },
        'application/json': {
          schema: {
            type: 'object',
            properties: {
              access_token: { type: 'string' },
              token_type: { type: 'string', example: 'Bearer' },
              expires_in: { type: 'integer', example: 1800 },
              issued_token_type: { type: 'string', example: 'urn:ietf:params:oauth:token-type:jwt' },
            },
          },
        },
      },
    }),
    ApiProblems(400, 401, 429, 503),
  );
