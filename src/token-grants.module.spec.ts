import { describe, it } from 'node:test';
import { Test } from '@nestjs/testing';
import { ThrottlerGuard } from '@nestjs/throttler';
import { expect } from 'expect';
import { IdportenExchange } from './exchange/idporten/idporten-exchange';
import { TOKEN_GRANTS } from './exchange/shared/token-grants';
import { StandardTokenExchange } from './exchange/token-endpoint/standard-token-exchange';
import { TokenController } from './exchange/token-endpoint/token.controller';
import { TokenSigner } from './keys/token-signer';
import { SessionTokens } from './login/session-tokens';
import { TokenGrantsModule } from './token-grants.module';

// Only the wiring is under test: the exchange's and the rate limit's own dependencies stay out.
const EXCHANGE = { provide: StandardTokenExchange, useValue: {} };
const NO_LIMIT = { canActivate: () => true };

describe('the wiring between the login and the exchange', () => {
  it('refuses to start POST /token without the list of its other grants', async () => {
    const start = Test.createTestingModule({ controllers: [TokenController], providers: [EXCHANGE] })
      .overrideGuard(ThrottlerGuard)
      .useValue(NO_LIMIT)
      .compile();
    await expect(start).rejects.toThrow(/TOKEN_GRANTS/);
  });

  it('starts POST /token with no other grant when the login is off', async () => {
    const app = await Test.createTestingModule({
      imports: [TokenGrantsModule.register(false)],
      controllers: [TokenController],
      providers: [EXCHANGE],
    })
      .overrideGuard(ThrottlerGuard)
      .useValue(NO_LIMIT)
      .compile();
    expect(app.get(TOKEN_GRANTS)).toEqual([]);
    expect(app.get(TokenController)).toBeInstanceOf(TokenController);
    await app.close();
  });

  it("refuses to start the login's tokens without the ID-porten exchange", async () => {
    const start = Test.createTestingModule({ providers: [SessionTokens, { provide: TokenSigner, useValue: {} }] }).compile();
    await expect(start).rejects.toThrow(/IdportenExchange/);
  });

  it("starts the login's tokens on the ID-porten exchange", async () => {
    const app = await Test.createTestingModule({
      providers: [SessionTokens, { provide: TokenSigner, useValue: {} }, { provide: IdportenExchange, useValue: {} }],
    }).compile();
    expect(app.get(SessionTokens)).toBeInstanceOf(SessionTokens);
    await app.close();
  });
});
