import { describe, expect, it } from 'vitest';
import { identify, proxyEntryProblem, trustedProxies } from '#lib/trusted-proxy.ts';

const headers = (values: Record<string, string>) => (name: string) => values[name];

describe('trusted proxies', () => {
  const proxies = trustedProxies(['10.0.0.0/8', '192.0.2.7', '::1'], 'X-Forwarded-Email');

  it('trusts listed addresses and ranges only, IPv4-mapped IPv6 included', () => {
    expect(proxies.trusts('10.20.30.40')).toBe(true);
    expect(proxies.trusts('::ffff:10.1.1.1')).toBe(true);
    expect(proxies.trusts('192.0.2.7')).toBe(true);
    expect(proxies.trusts('::1')).toBe(true);
    expect(proxies.trusts('192.0.2.8')).toBe(false);
    expect(proxies.trusts('11.0.0.1')).toBe(false);
    expect(proxies.trusts(undefined)).toBe(false);
    expect(trustedProxies([], 'x').trusts('127.0.0.1')).toBe(false);
  });

  it('ignores the user header and X-Forwarded-For from anyone else', () => {
    const sent = headers({ 'x-forwarded-email': 'ceo@example.com', 'x-forwarded-for': '1.2.3.4' });
    expect(identify(proxies, '198.51.100.9', sent)).toEqual({
      ip: '198.51.100.9',
      proxyEmail: null,
    });
  });

  it('takes the email a trusted proxy vouches for, lower-cased, and nothing that is not one', () => {
    expect(
      identify(proxies, '10.0.0.5', headers({ 'x-forwarded-email': ' Ops@Example.COM ' }))
        .proxyEmail,
    ).toBe('ops@example.com');
    expect(
      identify(proxies, '10.0.0.5', headers({ 'x-forwarded-email': 'ops' })).proxyEmail,
    ).toBeNull();
    expect(identify(proxies, '10.0.0.5', headers({})).proxyEmail).toBeNull();
  });

  it('takes the client as the last X-Forwarded-For hop that is not a proxy', () => {
    // A client may forge the start of the list; only what the proxies appended counts.
    const sent = headers({ 'x-forwarded-for': '6.6.6.6, 203.0.113.5, 10.0.0.9' });
    expect(identify(proxies, '10.0.0.5', sent).ip).toBe('203.0.113.5');
    expect(identify(proxies, '10.0.0.5', headers({ 'x-forwarded-for': 'garbage' })).ip).toBe(
      '10.0.0.5',
    );
  });

  it('names what is wrong with a setting entry', () => {
    expect(proxyEntryProblem('10.0.0.0/8')).toBeNull();
    expect(proxyEntryProblem('2001:db8::/32')).toBeNull();
    expect(proxyEntryProblem('10.0.0.0/33')).toMatch(/prefix length/);
    expect(proxyEntryProblem('proxy.internal')).toMatch(/not an IP address/);
    expect(proxyEntryProblem('10.0.0.1/8/9')).toMatch(/not an IP address/);
  });
});
