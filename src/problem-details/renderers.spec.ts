import { describe, it } from 'node:test';
import { HttpException, PayloadTooLargeException } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import { expect } from 'expect';
import type { Request } from 'express';
import {
  BadRequestError,
  InsufficientScopeError,
  InvalidTargetError,
  InvalidTokenError,
  OAuthError,
  ScopeNotAcceptedError,
  ServiceUnavailableError,
} from '../common/errors';
import { oauthErrorResponse } from './oauth-error-response';
import { renderProblem } from './problem-details';

/** What body-parser throws for a body over its limit (http-errors). */
const tooLarge = () => Object.assign(new Error('request entity too large: 17000 > 16384'), { status: 413, type: 'entity.too.large' });
const request = { method: 'POST', path: '/x' } as Request;
const NO_STORE = { 'Cache-Control': 'no-store', Pragma: 'no-cache' };

describe('the error model', () => {
  it('names every error after its class', () => {
    const errors = [
      new BadRequestError('x'),
      new InvalidTokenError('x', 'expired'),
      new InvalidTargetError('x'),
      new ServiceUnavailableError('x', 'database_unavailable'),
      new OAuthError('invalid_grant', 'x'),
    ];
    expect(errors.map((e) => e.name)).toEqual([
      'BadRequestError',
      'InvalidTokenError',
      'InvalidTargetError',
      'ServiceUnavailableError',
      'OAuthError',
    ]);
  });

  it('gives each error its RFC 6749 code: the refused grant, the target, a dependency away, the rest the client’s request', () => {
    expect(new InvalidTokenError('x', 'expired').code).toBe('invalid_grant');
    expect(new InsufficientScopeError('s').code).toBe('invalid_grant');
    expect(new InvalidTargetError('x').code).toBe('invalid_target');
    expect(new ServiceUnavailableError('x', 'r').code).toBe('temporarily_unavailable');
    expect(new BadRequestError('x').code).toBe('invalid_request');
    expect(new ScopeNotAcceptedError(['a:']).code).toBe('invalid_request');
    expect(new OAuthError('unsupported_grant_type', 'x').code).toBe('unsupported_grant_type');
  });
});

describe('the RFC 6749 renderer', () => {
  it('answers a refused token 400 invalid_grant without the Bearer challenge, never cached', () => {
    expect(oauthErrorResponse(new InvalidTokenError('the token has expired', 'expired'))).toEqual({
      status: 400,
      headers: NO_STORE,
      body: { error: 'invalid_grant', error_description: 'the token has expired' },
    });
  });

  it('answers a client that failed to authenticate 401 with its challenge', () => {
    const error = new OAuthError('invalid_client', 'the client secret is wrong', 401, { 'WWW-Authenticate': 'Basic realm="x"' });
    expect(oauthErrorResponse(error)).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Basic realm="x"', ...NO_STORE },
      body: { error: 'invalid_client', error_description: 'the client secret is wrong' },
    });
  });

  it('keeps 503 and its Retry-After, and 429 for the rate limit', () => {
    expect(oauthErrorResponse(new ServiceUnavailableError('the database is away', 'database_unavailable', 7))).toEqual({
      status: 503,
      headers: { 'Retry-After': '7', ...NO_STORE },
      body: { error: 'temporarily_unavailable', error_description: 'the database is away' },
    });
    expect(oauthErrorResponse(new ThrottlerException()).status).toBe(429);
  });

  it('answers an oversized body 413, as the problem renderer does, without the library’s words', () => {
    for (const error of [tooLarge(), new PayloadTooLargeException(undefined, { cause: tooLarge() })]) {
      expect(oauthErrorResponse(error)).toEqual({
        status: 413,
        headers: NO_STORE,
        body: { error: 'invalid_request', error_description: 'the request body is larger than 16 KB' },
      });
      expect(renderProblem(error, request).problem).toMatchObject({ status: 413, detail: 'the request body is larger than 16 KB' });
    }
  });

  it('answers anything unexpected 500 server_error, saying nothing of it', () => {
    expect(oauthErrorResponse(new Error('connect ECONNREFUSED 10.0.0.1:5432'))).toEqual({
      status: 500,
      headers: NO_STORE,
      body: { error: 'server_error', error_description: 'an unexpected error occurred' },
    });
    expect(oauthErrorResponse(new HttpException('internal detail', 400)).body).toEqual({
      error: 'invalid_request',
      error_description: 'the request could not be read',
    });
  });
});
