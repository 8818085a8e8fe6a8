import { Module } from '@nestjs/common';
import { AuditLog } from './audit-log';
import { AuthenticationEventRepository } from './authentication-event.repository';

@Module({ providers: [AuthenticationEventRepository, AuditLog], exports: [AuditLog] })
export class AuditModule {}
