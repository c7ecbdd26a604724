import { describe, expect, it } from 'vitest';
import { declareForm, promiseFrom, promiseShown } from '#lib/console-forms.ts';
import { withNotice } from '#lib/console-page.ts';
import { refusalOf, validateForm } from '#lib/forms.ts';

const now = new Date('2026-11-20T10:00:00.000Z');

describe('the promise a console form asks for', () => {
  it('keeps the cadence when blank, promises nothing for 0, else minutes from now', () => {
    expect(promiseFrom(undefined, now)).toBeUndefined();
    expect(promiseFrom(0, now)).toBeNull();
    expect(promiseFrom(45, now)?.toISOString()).toBe('2026-11-20T10:45:00.000Z');
  });

  it('shows the severity’s cadence in a preview when none is asked for, and none for 0', () => {
    expect(promiseShown(undefined, 'sev2', 'investigating', now)?.toISOString()).toBe(
      '2026-11-20T10:30:00.000Z',
    );
    expect(promiseShown(undefined, 'sev5', 'investigating', now)).toBeNull();
    expect(promiseShown(0, 'sev1', 'investigating', now)).toBeNull();
    expect(promiseShown(5, 'sev1', 'investigating', now)?.toISOString()).toBe(
      '2026-11-20T10:05:00.000Z',
    );
  });
});

describe('declareForm', () => {
  const sent = {
    title: ' Checkout failing ',
    type: 'outage',
    severity: 'sev2',
    impact: '',
    audience: 'public',
    status: 'investigating',
    body: 'We are looking into it.',
    next_update_minutes: '',
    notify: 'on',
    incident_commander: '',
    comms_lead: 'Ana',
    technical_lead: '',
  };
  it('reads what a browser sends: trimmed text, blanks as none, a checkbox as on', () => {
    const parsed = validateForm(declareForm, sent);
    expect(parsed).toEqual({
      ok: true,
      data: expect.objectContaining({
        title: 'Checkout failing',
        impact: undefined,
        notify: true,
        next_update_minutes: undefined,
        incident_commander: null,
        comms_lead: 'Ana',
      }),
    });
  });
  it('names each failing field with a message a person can act on', () => {
    const parsed = validateForm(declareForm, {
      ...sent,
      title: '',
      severity: 'sev9',
      next_update_minutes: '2.5',
    });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors.title).toMatch(/^Write a title/);
    expect(parsed.errors.severity).toBe('Choose a severity.');
    expect(parsed.errors.next_update_minutes).toMatch(/^Give whole minutes/);
  });
});

describe('refusalOf', () => {
  const refusal = (message: string, field?: string) =>
    Object.assign(new Error(message), { name: 'DomainError', field });
  it('puts a use case’s refusal beside its field, a list entry’s beside the list', () => {
    expect(
      refusalOf(refusal('Too late.', 'next_update_at'), { next_update_at: 'minutes' }),
    ).toEqual({ minutes: 'Too late.' });
    expect(refusalOf(refusal('Internal only.', 'components.abc123'))).toEqual({
      components: 'Internal only.',
    });
    expect(refusalOf(refusal('Not resolved.'))).toEqual({ _form: 'Not resolved.' });
  });
  it('is null for anything else, which the page then throws on', () => {
    expect(refusalOf(new Error('disk full'))).toBeNull();
    expect(refusalOf('nope')).toBeNull();
  });
});

describe('the address a form redirects to with its notice', () => {
  it('puts the notice in the query, before the section the page scrolls to', () => {
    expect(withNotice('/admin/incidents/abc#timeline', 'Update published.')).toBe(
      '/admin/incidents/abc?done=Update%20published.#timeline',
    );
    expect(withNotice('/admin/subscribers?state=active', 'Done')).toBe(
      '/admin/subscribers?state=active&done=Done',
    );
    expect(withNotice('/admin', 'Saved & sent')).toBe('/admin?done=Saved%20%26%20sent');
  });
});
