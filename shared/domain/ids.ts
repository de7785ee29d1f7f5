// The id formats of schedules and agents, apart from their schemas so a route that only checks an id does not carry them.

export const SCHEDULE_ID_PATTERN = /^sched_[A-Za-z0-9]{8,40}$/;
export const AGENT_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
