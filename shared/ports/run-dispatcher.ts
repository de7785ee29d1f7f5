// Starting a queued run in the runner: an asynchronous Lambda invoke on AWS, an in-process job locally.

export interface QueuedRunRef {
  kind: 'queued';
  tenantId: string;
  scheduleId: string | null;
  runId: string;
}

export interface RunDispatcher {
  dispatch(ref: QueuedRunRef): Promise<void>;
}
