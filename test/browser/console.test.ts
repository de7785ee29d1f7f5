// The web console in a real browser: Debian's Chromium, headless, driven by playwright-core against the local server
// (demo agent on, the console built by the server as `npm start` builds it). Each step is what a user does.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eServer, type E2eServer } from '../e2e/harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** `SCREENSHOTS=1 npm test -- test/browser` (npm run screenshots) refreshes the README's pictures. */
const SHOTS = process.env.SCREENSHOTS === '1' ? join(process.cwd(), 'docs', 'console') : undefined;

let e2e: E2eServer;
let browser: Browser;
let page: Page;
let scheduleId: string;
const requests: string[] = [];

const shot = async (name: string) => {
  if (SHOTS) await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
};

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH.`);
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  e2e = await startE2eServer({ demoAgent: true, console: true });
  browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS });
  page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.on('request', (request) => requests.push(request.url()));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await e2e?.stop();
});

describe('the console', () => {
  it('refuses a wrong key with a clear sign-in error', async () => {
    await page.goto(`${e2e.url}/console/`);
    // The first load (README figure; a proxy on loopback, not a test of speed): printed, never asserted.
    const load = await page.evaluate(() => {
      // Runs in the page; typed loosely because the test's own types are Node's, not the DOM's.
      const [entry] = (performance as unknown as { getEntriesByType(type: string): Array<Record<string, number>> }).getEntriesByType('navigation');
      return { domContentLoadedMs: Math.round(entry!.domContentLoadedEventEnd!), loadMs: Math.round(entry!.loadEventEnd!), transferBytes: entry!.transferSize };
    });
    process.stderr.write(`console first load on the local server: ${JSON.stringify(load)}\n`);
    await page.getByLabel('API key').fill('as_local_not_a_key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('That API key was not accepted');
    await shot('sign-in');
  });

  it('signs in and shows the schedules table', async () => {
    await page.getByLabel('API key').fill(e2e.server.apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    await page.getByText('No schedules yet').waitFor();
    // The key is never in the URL.
    expect(page.url()).not.toContain(e2e.server.apiKey);
  });

  it('shows the API’s hint under the field for a bad cron', async () => {
    await page.getByRole('link', { name: 'New schedule' }).first().click();
    await page.getByLabel('When').fill('0 9 1 * 1');
    const fieldError = page.locator('[data-field="cronExpression"]');
    await expect.poll(() => fieldError.textContent(), { timeout: 10_000 }).toContain('restricts both day-of-month');
    expect(await fieldError.textContent()).toContain('Set one of the two day fields to *');
  });

  it('creates a schedule from English with a preview of the next runs', async () => {
    await page.getByLabel('Name').fill('Berlin standup notes');
    await page.getByLabel('Task').fill('Summarise the standup notes');
    await page.getByLabel('Timezone').fill('Europe/Berlin');
    await page.getByLabel('When').fill('weekdays at 9:30');
    const preview = page.getByRole('region', { name: 'Preview' });
    await expect.poll(() => preview.textContent(), { timeout: 10_000 }).toContain('09:30');
    // From Friday 2026-11-20 00:00 UTC: the next weekday 09:30 in Berlin is that Friday, 08:30 UTC.
    expect(await preview.locator('time').first().getAttribute('datetime')).toBe('2026-11-20T08:30:00Z');
    expect(await preview.locator('li').count()).toBe(10);
    await shot('new-schedule');
    await page.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('heading', { name: 'Berlin standup notes' }).waitFor();
    scheduleId = /#\/schedules\/([^/]+)$/.exec(page.url())![1]!;
  });

  it('finds it in the list', async () => {
    await page.getByRole('link', { name: 'Schedules' }).first().click();
    const row = page.getByRole('row', { name: /Berlin standup notes/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('09:30');
    await shot('schedules');
    // Filtered by another agent, it is not listed; by its own (the default, demo: none named), it is.
    await page.getByLabel('Agent').selectOption('demo');
    await page.getByText('No schedules yet').waitFor();
    await page.getByLabel('Agent').selectOption('');
    await row.waitFor();
    // The local key is in no team: its team's list is empty, its own holds the schedule.
    await page.getByLabel('Owner').selectOption('team');
    await page.getByText('No schedules yet').waitFor();
    await page.getByLabel('Owner').selectOption('user');
    await row.waitFor();
  });

  it('shows it on the 7-day calendar, in the hours it fires', async () => {
    await page.getByRole('link', { name: 'Calendar' }).click();
    const calendar = page.locator('table.calendar');
    await calendar.waitFor();
    expect(await calendar.getByRole('link', { name: /Berlin standup notes/ }).count()).toBeGreaterThanOrEqual(3);
    await shot('calendar');
  });

  it('triggers it and shows the agent’s output on the run page', async () => {
    await page.goto(`${e2e.url}/console/#/schedules/${scheduleId}`);
    await page.getByRole('button', { name: 'Trigger now' }).click();
    const run = page.locator('tbody tr').first();
    await expect.poll(() => run.textContent(), { timeout: 15_000 }).toContain('succeeded');
    await shot('schedule');
    await run.getByRole('link').click();
    await page.getByRole('heading', { name: 'Output' }).waitFor();
    expect(await page.locator('pre.output').textContent()).toContain('Demo agent (local only): I was asked "Summarise the standup notes"');
    await shot('run');
  });

  it('pauses and resumes it', async () => {
    await page.goto(`${e2e.url}/console/#/schedules/${scheduleId}`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await page.locator('.facts .badge').first().textContent()).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect(await page.locator('.facts .badge').first().textContent()).toBe('active');
  });

  it('edits it with a live preview that notes where daylight saving time moves a run', async () => {
    await page.goto(`${e2e.url}/console/#/schedules/${scheduleId}`);
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('When').fill('30 2 28 * *');
    const preview = page.getByRole('region', { name: 'Preview' });
    // 28 March 2027 in Berlin: 02:30 does not exist (the clocks jump from 02:00 to 03:00), so the next runs (the
    // service's own, as EventBridge fires) go from 28 February to 28 April.
    await expect
      .poll(() => preview.locator('.dst-note').allTextContents(), { timeout: 10_000 })
      .toEqual([
        'Clocks change in Europe/Berlin before the run of 2027-04-28: GMT+1 → GMT+2.',
        'A run between 2027-02-28 and 2027-04-28 falls in the hour the clocks skip: it does not run.',
      ]);
    await shot('edit-schedule');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('At 02:30, on day 28 of the month').waitFor();
  });

  it('shows a failing run’s error', async () => {
    const created = await e2e.request('POST', '/v1/agents', { body: { id: 'broken', name: 'Broken', kind: 'http', url: 'http://127.0.0.1:9/' } });
    expect(created.status).toBe(201);
    const schedule = await e2e.request('POST', '/v1/schedules', { body: { name: 'Failing', task: 't', cronExpression: '0 9 * * *', agentId: 'broken' } });
    const id = schedule.json.schedule.id as string;
    await e2e.request('POST', `/v1/schedules/${id}/trigger`);
    await e2e.server.drain();
    await page.goto(`${e2e.url}/console/#/schedules/${id}`);
    const run = page.locator('tbody tr').first();
    await expect.poll(() => run.textContent(), { timeout: 15_000 }).toContain('failed');
    await run.getByRole('link').click();
    const error = page.getByRole('region', { name: 'Error' });
    await error.waitFor();
    expect(await error.textContent()).toMatch(/Error: (network|http_status)/);
  });

  it('follows a batch to 100 % and lists its items', async () => {
    const created = await e2e.request('POST', '/v1/batches', {
      body: { name: 'Regions', agentId: 'demo', task: 'Report on {{item}}', items: ['north', 'south', 'east', 'west'], maxConcurrency: 2 },
    });
    expect(created.status).toBe(202);
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByRole('link', { name: 'Regions' }).click();
    const progress = page.locator('.facts progress');
    await expect.poll(() => progress.getAttribute('value'), { timeout: 20_000 }).toBe('100');
    // The last item's end and the batch's own end are two writes: the page may see 100 % a poll before "succeeded".
    await expect.poll(() => page.locator('.facts .badge').first().textContent(), { timeout: 10_000 }).toBe('succeeded');
    expect(await page.locator('tbody tr').count()).toBe(4);
    await shot('batch');
  });

  it('tests an agent with a task typed in the console', async () => {
    await page.getByRole('link', { name: 'Agents' }).click();
    const demo = page.getByRole('region', { name: 'Agent demo' });
    await demo.getByLabel('Task for a test run').fill('Check the inbox');
    await demo.getByRole('button', { name: 'Test' }).click();
    await expect.poll(() => demo.locator('pre.output').textContent(), { timeout: 15_000 }).toContain('I was asked "Check the inbox"');
  });

  it('edits an agent', async () => {
    const broken = page.getByRole('region', { name: 'Agent broken' });
    await broken.getByRole('button', { name: 'Edit' }).click();
    await broken.getByLabel('Name').fill('Broken on purpose');
    await broken.getByRole('button', { name: 'Save agent' }).click();
    await broken.getByRole('heading', { name: /Broken on purpose/ }).waitFor();
    expect((await e2e.request('GET', '/v1/agents/broken')).json.agent.name).toBe('Broken on purpose');
  });

  it('fits a 375 px wide phone: no page-wide horizontal scroll', async () => {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${e2e.url}/console/#/schedules`);
    await page.getByRole('row', { name: /Berlin standup notes/ }).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await shot('schedules-phone');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('deletes a schedule after asking, and signs out', async () => {
    const schedule = await e2e.request('POST', '/v1/schedules', { body: { name: 'Short-lived', task: 't', cronExpression: '0 9 * * *' } });
    const id = schedule.json.schedule.id as string;
    await page.goto(`${e2e.url}/console/#/schedules/${id}`);
    // The first confirmation is declined: nothing is deleted; the second is accepted.
    page.once('dialog', (dialog) => void dialog.dismiss());
    await page.getByRole('button', { name: 'Delete' }).click();
    expect((await e2e.request('GET', `/v1/schedules/${id}`)).status).toBe(200);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('heading', { name: 'Schedules' }).waitFor();
    expect((await e2e.request('GET', `/v1/schedules/${id}`)).status).toBe(404);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
  });

  it('sent no request to any host but the API', () => {
    const origin = new URL(e2e.url).origin;
    expect(requests.filter((url) => !url.startsWith(origin) && !url.startsWith('data:'))).toEqual([]);
  });

  it('serves index.html uncached and hashed assets for a year, with a strict CSP and no framing', async () => {
    const index = await fetch(`${e2e.url}/console/`);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    expect(index.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const asset = /src="\/console\/(assets\/[^"]+\.js)"/.exec(await index.text())![1]!;
    const script = await fetch(`${e2e.url}/console/${asset}`);
    expect(script.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect((await fetch(`${e2e.url}/console/assets/../../package.json`)).status).toBe(404);
  });
});
