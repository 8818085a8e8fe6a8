import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ThrottlerGuard } from '@nestjs/throttler';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiProblems, BEARER_SCHEME } from '../../common/openapi';
import { ROUTES, TEST_IDP_PATHS } from '../../common/routes';
import { TestIdpAdminGuard } from '../shared/admin.guard';
import {
  CreateClientDto,
  CreateDelegationDto,
  CreateScopeDto,
  CreateSystemUserDto,
  RegisterClientKeysDto,
  RegisterSystemDto,
} from './provisioning.dto';
import { ClientView, clientView, DelegationView, ProvisioningService, ScopeView, SystemUserView, SystemView } from './provisioning.service';

/** Test Maskinporten's provisioning API: scopes and who may use them, clients and their keys, systems, system users, delegations. */
@ApiTags('test-idp')
@ApiBearerAuth(BEARER_SCHEME)
@ApiProblems(400, 401, 404, 409, 429)
@UseGuards(ThrottlerGuard, TestIdpAdminGuard)
@Controller(ROUTES.testIdpMaskinporten)
export class ProvisioningController {
  constructor(private readonly provisioning: ProvisioningService) {}

  @Post(TEST_IDP_PATHS.scopes)
  createScope(@Body() dto: CreateScopeDto): Promise<ScopeView> {
    return this.provisioning.createScope(dto);
  }

  @Get(TEST_IDP_PATHS.scopes)
  listScopes(): Promise<ScopeView[]> {
    return this.provisioning.listScopes();
  }

  @Put(TEST_IDP_PATHS.scopeAccess)
  grantAccess(@Param('orgno') orgno: string, @Query('scope') scope?: string) {
    return this.provisioning.grantAccess(orgno, scope);
  }

  @Get(TEST_IDP_PATHS.scopeAccess)
  accessOf(@Param('orgno') orgno: string) {
    return this.provisioning.accessOf(orgno);
  }

  @Delete(TEST_IDP_PATHS.scopeAccess)
  @HttpCode(204)
  async revokeAccess(@Param('orgno') orgno: string, @Query('scope') scope?: string): Promise<void> {
    await this.provisioning.revokeAccess(orgno, scope);
  }

  @Get(TEST_IDP_PATHS.scope)
  scope(@Param('name') name: string | string[]): Promise<ScopeView> {
    return this.provisioning.scope(Array.isArray(name) ? name.join('/') : name);
  }

  @Post(TEST_IDP_PATHS.clients)
  createClient(@Body() dto: CreateClientDto): Promise<ClientView> {
    return this.provisioning.createClient(dto);
  }

  @Get(TEST_IDP_PATHS.clients)
  listClients(): Promise<ClientView[]> {
    return this.provisioning.listClients();
  }

  @Get(TEST_IDP_PATHS.client)
  async client(@Param('id') id: string): Promise<ClientView> {
    return clientView(await this.provisioning.client(id));
  }

  @Post(TEST_IDP_PATHS.clientKeys)
  registerKeys(@Param('id') id: string, @Body() dto: RegisterClientKeysDto) {
    return this.provisioning.registerKeys(id, dto.keys);
  }

  @Post(TEST_IDP_PATHS.systems)
  @ApiOperation({ summary: "Register a vendor's system: its system_id and the vendor's clients that may act as its system users" })
  registerSystem(@Body() dto: RegisterSystemDto): Promise<SystemView> {
    return this.provisioning.registerSystem(dto);
  }

  @Post(TEST_IDP_PATHS.systemUsers)
  @ApiOperation({ summary: 'Create a system user for a customer organisation on a system' })
  createSystemUser(@Body() dto: CreateSystemUserDto): Promise<SystemUserView> {
    return this.provisioning.createSystemUser(dto);
  }

  @Post(TEST_IDP_PATHS.delegations)
  @ApiOperation({ summary: 'Record that a consumer organisation delegates a scope to a supplier organisation' })
  createDelegation(@Body() dto: CreateDelegationDto): Promise<DelegationView> {
    return this.provisioning.createDelegation(dto);
  }
}
