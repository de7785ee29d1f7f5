import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { classifyAddress, pinnedLookup, vetTarget } from '#shared/adapters/agents/target-guard.ts';
import { AgentError } from '#shared/ports/agent-runner.ts';
import { json, startAgentServer, type AgentServer } from './support.ts';

describe('classifyAddress', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['0.0.0.0', 'unspecified'],
    ['::', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['192.168.1.20', 'private'],
    ['fd12:3456::1', 'private'],
    ['fc00::1', 'private'],
    ['fd00:ec2::254', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.1.2.3', 'private'],
    ['0:0:0:0:0:ffff:c0a8:0101', 'private'],
    ['64:ff9b::127.0.0.1', 'loopback'],
  ])('classifies %s as %s', (address, expected) => {
    expect(classifyAddress(address)?.class).toBe(expected);
  });

  it.each(['8.8.8.8', '172.15.255.255', '172.32.0.1', '100.63.255.255', '100.128.0.1', '169.253.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8', 'example.com'])(
    'treats %s as public (or not an address)',
    (address) => {
      expect(classifyAddress(address)).toBeNull();
    },
  );
});

describe('classifyAddress on ipaddr.js: special-purpose ranges and IPv6 forms that embed IPv4', () => {
  it.each([
    ['198.18.0.1', 'special', '198.18.0.0/15'],
    ['192.0.0.8', 'special', '192.0.0.0/24'],
    ['192.0.2.1', 'special', '192.0.2.0/24'],
    ['198.51.100.7', 'special', '198.51.100.0/24'],
    ['203.0.113.9', 'special', '203.0.113.0/24'],
    ['224.0.0.1', 'special', '224.0.0.0/4'],
    ['240.0.0.1', 'special', '240.0.0.0/4'],
    ['255.255.255.255', 'special', '255.255.255.255/32'],
    ['ff02::1', 'special', 'multicast'],
    ['2001:db8::1', 'special', '2001:db8::/32'],
    ['::127.0.0.1', 'loopback', '127.0.0.0/8'],
    ['::a9fe:a9fe', 'link-local', '169.254.0.0/16'],
    ['64:ff9b::a9fe:a9fe', 'link-local', '169.254.0.0/16'],
    ['2002:7f00:1::', 'loopback', '127.0.0.0/8'],
    ['2002:a00:1::1', 'private', '10.0.0.0/8'],
    // Teredo: the client address is the last 32 bits inverted (80ff:fffe → 127.0.0.1).
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback', '127.0.0.0/8'],
    ['2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private', '10.0.0.0/8'],
    ['64:ff9b:1::1', 'special', '64:ff9b:1::/48'],
  ])('classifies %s as %s (%s)', (address, expected, range) => {
    const found = classifyAddress(address);
    expect(found?.class).toBe(expected);
    expect(found?.range).toContain(range);
  });

  it('refuses each of them as a target, even with private and loopback targets allowed, naming the address and range', async () => {
    const all = { allowPrivateTargets: true, allowLoopback: true };
    for (const url of ['http://198.18.0.1/', 'http://224.0.0.1/', 'http://255.255.255.255/', 'http://[::a9fe:a9fe]/', 'http://[64:ff9b::a9fe:a9fe]/']) {
      const error = await vetTarget(new URL(url), all).catch((caught: unknown) => caught);
      expect(error, url).toMatchObject({ kind: 'forbidden_target' });
      expect((error as AgentError).message).toMatch(/Refused to call .+: it is a .+ in /);
    }
    await expect(vetTarget(new URL('http://[::127.0.0.1]/'), {})).rejects.toMatchObject({ kind: 'forbidden_target' });
    await expect(vetTarget(new URL('http://[2002:7f00:1::]/'), {})).rejects.toMatchObject({ kind: 'forbidden_target' });
    await expect(vetTarget(new URL('http://8.8.8.8/'), {})).resolves.toEqual([{ address: '8.8.8.8', family: 4 }]);
    await expect(vetTarget(new URL('http://[2606:4700:4700::1111]/'), {})).resolves.toEqual([{ address: '2606:4700:4700::1111', family: 6 }]);
  });
});

describe('vetTarget', () => {
  it('allows private targets only with allowPrivateTargets, and loopback only with allowLoopback', async () => {
    await expect(vetTarget(new URL('http://192.168.0.10/'), { allowPrivateTargets: true })).resolves.toEqual([{ address: '192.168.0.10', family: 4 }]);
    await expect(vetTarget(new URL('http://127.0.0.1/'), { allowPrivateTargets: true })).rejects.toMatchObject({ kind: 'forbidden_target' });
    await expect(vetTarget(new URL('http://127.0.0.1/'), { allowLoopback: true })).resolves.toEqual([{ address: '127.0.0.1', family: 4 }]);
    await expect(vetTarget(new URL('http://10.0.0.1/'), { allowLoopback: true })).rejects.toBeInstanceOf(AgentError);
  });

  it('refuses link-local addresses whatever the options, unless the host is listed', async () => {
    const all = { allowPrivateTargets: true, allowLoopback: true };
    await expect(vetTarget(new URL('http://169.254.169.254/'), all)).rejects.toMatchObject({ kind: 'forbidden_target' });
    await expect(vetTarget(new URL('http://[fe80::1]/'), all)).rejects.toMatchObject({ kind: 'forbidden_target' });
    await expect(vetTarget(new URL('http://169.254.169.254/'), { allowedHosts: ['169.254.169.254'] })).resolves.toBeNull();
  });

  it('matches allowedHosts exactly, ignoring case', async () => {
    await expect(vetTarget(new URL('http://LocalHost:8080/'), { allowedHosts: ['localhost'] })).resolves.toBeNull();
    await expect(vetTarget(new URL('http://127.0.0.1:8080/'), { allowedHosts: ['127.0.0.2', 'localhost'] })).rejects.toMatchObject({
      kind: 'forbidden_target',
    });
  });

  it('sees through numeric and hexadecimal spellings of loopback in URLs', async () => {
    await expect(vetTarget(new URL('http://2130706433/'), {})).rejects.toMatchObject({ kind: 'forbidden_target' });
    await expect(vetTarget(new URL('http://0x7f.1/'), {})).rejects.toMatchObject({ kind: 'forbidden_target' });
    await expect(vetTarget(new URL('http://[::ffff:169.254.169.254]/'), { allowPrivateTargets: true })).rejects.toMatchObject({ kind: 'forbidden_target' });
  });

  it('refuses schemes other than http and https', async () => {
    await expect(vetTarget(new URL('file:///etc/passwd'), { allowLoopback: true })).rejects.toMatchObject({ kind: 'forbidden_target' });
  });
});

describe('pinnedLookup', () => {
  let server: AgentServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('connects to the vetted address whatever the hostname would resolve to now (no DNS rebinding)', async () => {
    server = await startAgentServer((_request, res) => json(res, 200, { output: 'pinned' }));
    const lookup = pinnedLookup([{ address: '127.0.0.1', family: 4 }]);
    const body = await new Promise<string>((resolve, reject) => {
      const req = request(`http://rebinding.invalid:${server?.port}/agent`, { method: 'POST', lookup, agent: false }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe('{"output":"pinned"}');
    expect(server.requests[0]?.headers.host).toBe(`rebinding.invalid:${server.port}`);
  });
});
