import { Module } from '@nestjs/common';
import { OrganisationRegistry } from './organisation-registry';

@Module({ providers: [OrganisationRegistry], exports: [OrganisationRegistry] })
export class OrganisationsModule {}
