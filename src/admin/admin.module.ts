import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module';
import { ProfilesModule } from '../profiles/profiles.module';
import { AdminChannel } from './admin-channel';

/** Admin commands through the running service, when it owns an embedded data directory. */
@Module({ imports: [KeysModule, ProfilesModule], providers: [AdminChannel] })
export class AdminModule {}
