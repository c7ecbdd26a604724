import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '#config';
import { nodeVersionProblem } from '../../src/node-check.mjs';

describe('loadConfig', () => {
  it('starts with nothing set, on the defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4321,
      host: '127.0.0.1',
      databaseUrl: 'file:data/candor.db',
      siteUrl: 'http://127.0.0.1:4321',
      siteUrlConfigured: false,
      contentDir: 'content',
      production: false,
      maintenanceReminderMinutes: 60,
    });
  });

  it('reads the maintenance reminder lead time, 0 turning reminders off', () => {
    expect(loadConfig({ MAINTENANCE_REMINDER_MINUTES: '1440' }).maintenanceReminderMinutes).toBe(
      1440,
    );
    expect(loadConfig({ MAINTENANCE_REMINDER_MINUTES: '0' }).maintenanceReminderMinutes).toBe(0);
  });

  it('takes the five settings a deployment needs, plain http included, in production', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      PORT: '8080',
      HOST: '0.0.0.0',
      DATABASE_URL: 'libsql://candor-acme.turso.io',
      SITE_URL: 'http://status.internal.example/',
      BOOTSTRAP_TOKEN: 'a-long-enough-bootstrap-token',
    });
    expect(config.port).toBe(8080);
    expect(config.siteUrl).toBe('http://status.internal.example');
    expect(config.production).toBe(true);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ PORT: '', SITE_URL: '' }).port).toBe(4321);
  });

  it.each([
    [{ PORT: 'eighty' }, /^Invalid setting PORT \(got "eighty"\): /],
    [{ PORT: '70000' }, /^Invalid setting PORT/],
    [{ DATABASE_URL: 'postgres://x' }, /^Invalid setting DATABASE_URL .*must start with file:/],
    [{ SITE_URL: 'status.example.com' }, /^Invalid setting SITE_URL .*absolute http\(s\) URL/],
    [{ SITE_URL: 'ftp://status.example.com' }, /^Invalid setting SITE_URL/],
    [
      { BOOTSTRAP_TOKEN: 'short' },
      /^Invalid setting BOOTSTRAP_TOKEN \(got "…"\): must be at least 16/,
    ],
    [{ EMAIL_FROM: 'not an address' }, /^Invalid setting EMAIL_FROM .*"Name <address>"/],
    [{ NODE_ENV: 'staging' }, /^Invalid setting NODE_ENV/],
    [{ MAINTENANCE_REMINDER_MINUTES: '-5' }, /^Invalid setting MAINTENANCE_REMINDER_MINUTES .*0/],
    [{ MAINTENANCE_REMINDER_MINUTES: 'an hour' }, /^Invalid setting MAINTENANCE_REMINDER_MINUTES/],
  ])('refuses %j with one line naming the setting', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
    try {
      loadConfig(env);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('\n');
    }
  });

  it('accepts a named sender', () => {
    expect(loadConfig({ EMAIL_FROM: 'Acme Status <status@acme.example>' }).emailFrom).toBe(
      'Acme Status <status@acme.example>',
    );
  });
});

describe('nodeVersionProblem', () => {
  it('refuses Node.js older than 24 and says what to do', () => {
    expect(nodeVersionProblem('20.20.2')).toMatch(
      /needs Node\.js 24 or newer; this is Node\.js 20\.20\.2/,
    );
    expect(nodeVersionProblem('22.12.0')).toMatch(/npm start/);
  });
  it('accepts 24 and later', () => {
    expect(nodeVersionProblem('24.21.0')).toBeNull();
    expect(nodeVersionProblem('26.0.0')).toBeNull();
  });
});
