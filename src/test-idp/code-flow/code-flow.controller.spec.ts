import { describe, it } from 'node:test';
import { expect } from 'expect';
import type { IdportenLogin } from '../idporten/idporten-login';
import type { TestIdpAdminGuard } from '../shared/admin.guard';
import type { CodeFlow } from './code-flow';
import { CodeFlowController } from './code-flow.controller';
import type { TestIdpLoginClient } from './login-client';

describe("test ID-porten's discovery document", () => {
  it('says it takes no request objects, since its /authorize refuses them', () => {
    const login = { issuer: 'http://127.0.0.1:3000/test-idp/idporten/' } as IdportenLogin;
    const controller = new CodeFlowController(login, {} as CodeFlow, {} as TestIdpAdminGuard, {} as TestIdpLoginClient);
    expect(controller.metadata()).toMatchObject({ request_parameter_supported: false, request_uri_parameter_supported: false });
  });
});
