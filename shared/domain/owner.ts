// Who owns a schedule, as one string: the list index and the counters are partitioned by it (no zod here: stores use it).

export function ownerScope(schedule: { ownerType: 'user' | 'team'; userId: string; teamId: string | null }): string {
  return schedule.ownerType === 'team' ? `team#${schedule.teamId}` : `user#${schedule.userId}`;
}
