import { Injectable, OnModuleInit } from '@nestjs/common';
import { Announcements } from '../announcements/announcements';
import { ProfileService } from './profile.service';

/** Empties this replica's profile cache when an import on any replica (or a command) changed who is who. */
@Injectable()
export class ProfileCacheInvalidation implements OnModuleInit {
  constructor(
    private readonly announcements: Announcements,
    private readonly profiles: ProfileService,
  ) {}

  onModuleInit(): void {
    this.announcements.subscribe('profiles', () => this.profiles.forgetAll());
  }
}
