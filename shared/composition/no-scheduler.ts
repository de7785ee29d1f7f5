// The Scheduler mirror of functions the route table gives no EventBridge Scheduler access (and whose bundles must
// not carry its client): what could reach it there — auto-pause after a schedule's batch failed, ended from a cancel
// or the sweeper — fails with this, and the use case logs it and goes on. The runner and the callback route, which
// have the access, pass the real mirror.
import type { SchedulerMirror } from '../ports/scheduler-mirror.ts';

const refuse = async (): Promise<never> => {
  throw new Error('This function has no EventBridge Scheduler access: the schedule was not changed in the Scheduler.');
};

export const noSchedulerAccess: SchedulerMirror = { create: refuse, update: refuse, delete: refuse };
