import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** The person_subjects table: the stable, random `sub` of each person in our ID tokens (never the pid). */
@Injectable()
export class PersonSubjectRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** The person's subject, created on first login; concurrent first logins agree on one. */
  async subjectOf(userId: number): Promise<string> {
    await this.dataSource.query(`INSERT INTO person_subjects (user_id, subject) VALUES ($1, $2) ON CONFLICT (user_id) DO NOTHING`, [
      userId,
      randomUUID(),
    ]);
    const rows = await this.dataSource.query<{ subject: string }[]>(`SELECT subject FROM person_subjects WHERE user_id = $1`, [userId]);
    return rows[0].subject;
  }
}
