import { Module } from '@nestjs/common';
import { OrganisationRegistry } from './organisation-registry';
import { OrganisationRepository } from './organisation.repository';

@Module({ providers: [OrganisationRepository, OrganisationRegistry], exports: [OrganisationRegistry] })
export class OrganisationsModule {}
