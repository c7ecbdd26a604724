import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from '#lib/csrf.ts';

const ours = () => ['https://status.example.com', 'http://127.0.0.1:4321'];
const request = (method: string, headers: Record<string, string> = {}) => ({
  method,
  header: (name: string) => headers[name],
});

describe('crossSiteRefusal', () => {
  it('lets reads through whatever their headers say', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS', 'get']) {
      expect(
        crossSiteRefusal(request(method, { 'sec-fetch-site': 'cross-site' }), ours),
      ).toBeNull();
    }
  });

  it('trusts Sec-Fetch-Site when the browser sends it, and only same-origin', () => {
    expect(crossSiteRefusal(request('POST', { 'sec-fetch-site': 'same-origin' }), ours)).toBeNull();
    for (const site of ['same-site', 'cross-site', 'none']) {
      expect(crossSiteRefusal(request('POST', { 'sec-fetch-site': site }), ours)).toMatch(site);
    }
    // A matching Origin does not rescue a request the browser calls cross-site.
    expect(
      crossSiteRefusal(
        request('POST', { 'sec-fetch-site': 'cross-site', origin: ours()[0] as string }),
        ours,
      ),
    ).not.toBeNull();
  });

  it('falls back to Origin, which must be one of ours, exactly', () => {
    expect(
      crossSiteRefusal(request('POST', { origin: 'https://status.example.com' }), ours),
    ).toBeNull();
    expect(
      crossSiteRefusal(request('DELETE', { origin: 'http://127.0.0.1:4321' }), ours),
    ).toBeNull();
    for (const origin of [
      'https://evil.example',
      'https://status.example.com.evil.example',
      'http://status.example.com',
      'https://status.example.com:8443',
      'null',
    ]) {
      expect(crossSiteRefusal(request('POST', { origin }), ours), origin).toMatch(/another origin/);
    }
  });

  it('refuses a state change that carries neither header', () => {
    expect(crossSiteRefusal(request('POST'), ours)).toMatch(/no Origin header/);
    expect(crossSiteRefusal(request('PUT'), ours)).not.toBeNull();
  });
});
