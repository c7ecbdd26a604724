import { describe, expect, it } from 'vitest';
import { renderConfirmEmail, renderUpdateEmail } from '#render/email.ts';
import { markdownToHtml, markdownToText } from '#render/markdown.ts';
import { compileTemplate, TemplateError } from '#render/template.ts';
import { loadContent } from '#services/content/load-content.ts';
import { signLink, verifyLink } from '#services/subscribers/links.ts';

const { emails } = await loadContent('content');
const site = { name: 'Testco', url: 'https://status.testco.example', brandColor: '#2563eb' };

describe('templates', () => {
  it('escapes text in HTML, keeps it in plain text, and inserts safe HTML where asked', () => {
    const options = { allowed: ['name', 'body', 'shown'], file: 't' };
    const html = compileTemplate('<p>{{name}}</p>{{{body}}}{{#shown}}yes{{/shown}}', {
      ...options,
      html: true,
    });
    expect(html.render({ name: '<b>"A&B"</b>', body: '<em>ok</em>', shown: true })).toBe(
      '<p>&lt;b&gt;&quot;A&amp;B&quot;&lt;/b&gt;</p><em>ok</em>yes',
    );
    expect(html.render({ name: 'x', body: '', shown: false })).toBe('<p>x</p>');
    const text = compileTemplate('{{name}}', { ...options, html: false });
    expect(text.render({ name: '<b>' })).toBe('<b>');
  });

  it.each([
    ['Hi {{nmae}}', /t\.html:1: unknown placeholder "nmae"/],
    ['line\n{{#shown}} open', /t\.html:2: \{\{#shown\}\} is never closed/],
    ['{{/shown}}', /t\.html:1: \{\{\/shown\}\} closes nothing open/],
  ])('refuses %j naming file and line', (source, message) => {
    expect(() =>
      compileTemplate(source, { html: true, allowed: ['name', 'shown'], file: 't.html' }),
    ).toThrow(message);
    expect(() =>
      compileTemplate(source, { html: true, allowed: ['name', 'shown'], file: 't.html' }),
    ).toThrow(TemplateError);
  });

  it('refuses raw HTML in a text template', () => {
    expect(() =>
      compileTemplate('{{{name}}}', { html: false, allowed: ['name'], file: 'x.txt' }),
    ).toThrow(/only for HTML/);
  });
});

describe('update emails', () => {
  const input = {
    kind: 'incident' as const,
    title: 'API errors <script>',
    status: 'Identified',
    bodyHtml: markdownToHtml('We **found** it. <img src=x onerror=alert(1)>'),
    bodyText: markdownToText('We **found** it. <img src=x onerror=alert(1)>'),
    components: ['API (Partial outage)'],
    url: 'https://status.testco.example/incidents/abc',
    manageUrl: 'https://status.testco.example/subscribe/manage?token=m',
    unsubscribeUrl: 'https://status.testco.example/unsubscribe?token=u',
  };

  it('say site, title and status in the subject, and carry the update, components and links', () => {
    const email = renderUpdateEmail(emails, site, input);
    expect(email.subject).toBe('[Testco] API errors <script> — Identified');
    expect(email.html).toContain('<strong>found</strong>');
    expect(email.html).toContain('API errors &lt;script&gt;');
    expect(email.html).not.toMatch(/<script|onerror|<img/);
    expect(email.html).toContain('href="https://status.testco.example/unsubscribe?token=u"');
    expect(email.text).toContain('We found it.');
    expect(email.text).toContain('Affected: API (Partial outage)');
    expect(email.text).toContain('Unsubscribe: https://status.testco.example/unsubscribe?token=u');
  });

  it('keep the subject on one line', () => {
    expect(renderUpdateEmail(emails, site, { ...input, title: 'Two\nlines' }).subject).toBe(
      '[Testco] Two lines — Identified',
    );
  });
});

describe('confirmation emails', () => {
  it('ask to confirm while pending, and point to the preferences when already active', () => {
    const pending = renderConfirmEmail(emails, site, {
      alreadyActive: false,
      confirmUrl: 'https://c',
      manageUrl: 'https://m',
    });
    expect(pending.subject).toBe('[Testco] Confirm your subscription to status updates');
    expect(pending.text).toContain('https://c');
    expect(pending.text).not.toContain('https://m');
    const active = renderConfirmEmail(emails, site, {
      alreadyActive: true,
      confirmUrl: 'https://c',
      manageUrl: 'https://m',
    });
    expect(active.text).toContain('https://m');
    expect(active.text).not.toContain('https://c');
  });
});

describe('signed links', () => {
  const secret = 'a-test-secret-that-is-long-enough';
  const now = new Date('2026-11-27T12:00:00Z');
  const claims = { subscriberId: 'abc123', version: 1 };

  it('verify for their own purpose only', () => {
    const token = signLink(secret, { ...claims, purpose: 'manage', expiresAt: null });
    expect(verifyLink(secret, token, 'manage', now)).toMatchObject({
      subscriberId: 'abc123',
      version: 1,
    });
    expect(verifyLink(secret, token, 'unsubscribe', now)).toBeNull();
    expect(verifyLink(secret, token, 'confirm', now)).toBeNull();
  });

  it('carry at least 128 bits of MAC and refuse any change', () => {
    const token = signLink(secret, { ...claims, purpose: 'unsubscribe', expiresAt: null });
    const mac = token.split('.').at(-1) ?? '';
    expect(Buffer.from(mac, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
    expect(verifyLink(secret, token.replace('abc123', 'abc124'), 'unsubscribe', now)).toBeNull();
    expect(verifyLink(secret, token.replace('.1.', '.2.'), 'unsubscribe', now)).toBeNull();
    expect(verifyLink('another-secret-entirely-xxxxxxxx', token, 'unsubscribe', now)).toBeNull();
    expect(verifyLink(secret, `${token.slice(0, -2)}AA`, 'unsubscribe', now)).toBeNull();
    expect(verifyLink(secret, 'garbage', 'unsubscribe', now)).toBeNull();
  });

  it('expire when they say so', () => {
    const token = signLink(secret, {
      ...claims,
      purpose: 'confirm',
      expiresAt: now.getTime() + 1000,
    });
    expect(verifyLink(secret, token, 'confirm', now)).not.toBeNull();
    expect(verifyLink(secret, token, 'confirm', new Date(now.getTime() + 1000))).toBeNull();
  });
});
