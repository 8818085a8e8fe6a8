import { Module } from '@nestjs/common';
import { AnnouncementsModule } from '../announcements/announcements.module';
import { ProfileCacheInvalidation } from './profile-cache-invalidation';
import { ProfileRepository } from './profile.repository';
import { ProfileService } from './profile.service';

@Module({
  imports: [AnnouncementsModule],
  providers: [ProfileRepository, ProfileService, ProfileCacheInvalidation],
  exports: [ProfileService],
})
export class ProfilesModule {}
