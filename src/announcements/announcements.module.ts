import { Module } from '@nestjs/common';
import { Announcements } from './announcements';

/** One listening connection per replica, shared by every capability that caches what the database holds. */
@Module({ providers: [Announcements], exports: [Announcements] })
export class AnnouncementsModule {}
