// The notification stores' contract (shared/ports/notifications.ts), run against the in-memory fakes and the DynamoDB
// adapters: a delivery's entry replaced attempt by attempt but never by an older attempt, listed newest first per
// (tenant, schedule) within the limit; the tenant default read back as written, per tenant.
import { expect, it } from 'vitest';
import type { NotifyTarget } from '#shared/domain/notification.ts';
import type { NotificationDelivery, NotificationLog, NotificationSettingsStore } from '#shared/ports/notifications.ts';
import { OTHER_TENANT, TENANT } from './builders.ts';

export interface NotificationStoreSubject {
  log: NotificationLog;
  settings: NotificationSettingsStore;
}

const SCHEDULE_ID = 'sched_AbCdEf12';

/** A delivery with every field set. */
function delivery(overrides: Partial<NotificationDelivery> = {}): NotificationDelivery {
  return {
    tenantId: TENANT,
    scheduleId: SCHEDULE_ID,
    id: 'ntf_20301101T090000Z_aaaaaaaaaaaa',
    eventId: 'run.failed:run_20301101T090000Z_abcdefabcdef',
    event: 'run.failed',
    url: 'https://hooks.example.com/agent-schedules',
    format: 'json',
    status: 'pending',
    attempts: 1,
    lastResponseCode: 500,
    lastError: 'The webhook answered HTTP 500: oops “quoted” ✓',
    nextAttemptAt: '2030-11-01T09:00:45.000Z',
    createdAt: '2030-11-01T09:00:00.000Z',
    updatedAt: '2030-11-01T09:00:15.000Z',
    expiresAt: 1_906_000_000,
    ...overrides,
  };
}

const at = (hour: number) => `ntf_20301101T${String(hour).padStart(2, '0')}0000Z_aaaaaaaaaaaa`;

export function notificationStoreContract(makeStores: () => Promise<NotificationStoreSubject>): void {
  it('returns a recorded delivery with every field, and nothing for a schedule with none', async () => {
    // Prepare
    const { log } = await makeStores();
    const failed = delivery({ status: 'failed', attempts: 5, nextAttemptAt: null });

    // Act
    await log.record(failed);

    // Assess
    expect(await log.listRecent(TENANT, SCHEDULE_ID, 10)).toStrictEqual([failed]);
    expect(await log.listRecent(TENANT, 'sched_Another001', 10)).toStrictEqual([]);
  });

  it('keeps null response codes and errors as null (no answer; delivered)', async () => {
    // Prepare
    const { log } = await makeStores();
    const unreachable = delivery({ lastResponseCode: null, lastError: 'Could not reach the webhook', id: at(1) });
    const delivered = delivery({ status: 'delivered', lastResponseCode: 204, lastError: null, nextAttemptAt: null, id: at(2), format: 'slack' });

    // Act
    await log.record(unreachable);
    await log.record(delivered);

    // Assess
    expect(await log.listRecent(TENANT, SCHEDULE_ID, 10)).toStrictEqual([delivered, unreachable]);
  });

  it('replaces an entry with a later attempt, and never with an earlier one', async () => {
    // Prepare
    const { log } = await makeStores();
    const first = delivery({ attempts: 1 });
    const third = delivery({ attempts: 3, updatedAt: '2030-11-01T09:02:00.000Z' });
    const delivered = delivery({ attempts: 4, status: 'delivered', lastResponseCode: 200, lastError: null, nextAttemptAt: null });

    // Act
    await log.record(first);
    await log.record(third);
    await log.record(first);
    const afterLate = await log.listRecent(TENANT, SCHEDULE_ID, 10);
    await log.record(delivered);
    await log.record(delivered);

    // Assess
    expect(afterLate).toStrictEqual([third]);
    expect(await log.listRecent(TENANT, SCHEDULE_ID, 10)).toStrictEqual([delivered]);
  });

  it('lists newest first, at most the limit, only the asked tenant’s and schedule’s', async () => {
    // Prepare
    const { log } = await makeStores();
    for (const hour of [3, 1, 5, 2, 4]) await log.record(delivery({ id: at(hour) }));
    await log.record(delivery({ id: at(9), tenantId: OTHER_TENANT }));
    await log.record(delivery({ id: at(8), scheduleId: 'sched_Another001' }));
    await log.record(delivery({ id: at(7), scheduleId: null }));

    // Act
    const page = await log.listRecent(TENANT, SCHEDULE_ID, 3);
    const tenantOwn = await log.listRecent(TENANT, null, 10);
    const other = await log.listRecent(OTHER_TENANT, SCHEDULE_ID, 10);

    // Assess
    expect(page.map((entry) => entry.id)).toEqual([at(5), at(4), at(3)]);
    expect(tenantOwn.map((entry) => entry.id)).toEqual([at(7)]);
    expect(other.map((entry) => entry.id)).toEqual([at(9)]);
  });

  it('reads the tenant default as written, [] when none, per tenant, replaced by the next put', async () => {
    // Prepare
    const { settings } = await makeStores();
    const targets: NotifyTarget[] = [
      { on: ['run.failed', 'schedule.missed'], url: 'https://hooks.example.com/a?token=x' },
      { on: ['run.succeeded'], url: 'https://hooks.slack.com/services/T/B/C', format: 'slack' },
    ];

    // Act
    const before = await settings.get(TENANT);
    await settings.put(TENANT, targets);
    const written = await settings.get(TENANT);
    const otherTenant = await settings.get(OTHER_TENANT);
    await settings.put(TENANT, []);

    // Assess
    expect(before).toStrictEqual([]);
    expect(written).toStrictEqual(targets);
    expect(otherTenant).toStrictEqual([]);
    expect(await settings.get(TENANT)).toStrictEqual([]);
  });

  it('returns copies: changing what was read does not change what is stored', async () => {
    // Prepare
    const { log, settings } = await makeStores();
    await log.record(delivery());
    await settings.put(TENANT, [{ on: ['run.failed'], url: 'https://hooks.example.com/a' }]);

    // Act
    const [read] = await log.listRecent(TENANT, SCHEDULE_ID, 1);
    read!.status = 'delivered';
    const targets = await settings.get(TENANT);
    targets[0]!.on.push('run.succeeded');

    // Assess
    expect(await log.listRecent(TENANT, SCHEDULE_ID, 1)).toStrictEqual([delivery()]);
    expect(await settings.get(TENANT)).toStrictEqual([{ on: ['run.failed'], url: 'https://hooks.example.com/a' }]);
  });
}
