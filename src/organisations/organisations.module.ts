import { Module } from '@nestjs/common';
import { AnnouncementsModule } from '../announcements/announcements.module';
import { OrganisationRegistry } from './organisation-registry';
import { OrganisationRepository } from './organisation.repository';

@Module({
  imports: [AnnouncementsModule],
  providers: [OrganisationRepository, OrganisationRegistry],
  exports: [OrganisationRegistry],
})
export class OrganisationsModule {}
