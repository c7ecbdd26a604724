import { describe, expect, it } from 'vitest';
import {
  maxImportRows,
  maxReportedErrors,
  parseSubscriberCsv,
  readCsvRecords,
  subscribersCsv,
} from '#lib/subscriber-csv.ts';

const components = [
  { id: 'api', name: 'API' },
  { id: 'deploy', name: 'Deploy pipeline' },
];

const refusal = (text: string) => {
  const result = parseSubscriberCsv(text, components);
  if (result.ok) throw new Error('expected a refusal');
  return result;
};

describe('readCsvRecords', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks (RFC 4180)', () => {
    const read = readCsvRecords('a,b\r\n"x, y","say ""hi""\r\nthere"\r\nlast,');
    expect(read).toEqual({
      records: [
        { line: 1, fields: ['a', 'b'] },
        { line: 2, fields: ['x, y', 'say "hi"\r\nthere'] },
        { line: 4, fields: ['last', ''] },
      ],
    });
  });

  it('drops a byte-order mark, accepts LF alone and skips blank lines', () => {
    expect(readCsvRecords('\uFEFFemail\n\nops@example.com\n')).toEqual({
      records: [
        { line: 1, fields: ['email'] },
        { line: 3, fields: ['ops@example.com'] },
      ],
    });
  });

  it('names the line of a quote that is never closed, or misplaced', () => {
    expect(readCsvRecords('email\r\n"ops@example.com\r\n')).toEqual({
      error: 'Line 2: a quoted field is never closed.',
    });
    expect(readCsvRecords('email\r\nops"x@example.com\r\n')).toMatchObject({
      error: expect.stringMatching(/^Line 2: a quote inside a field/),
    });
    expect(readCsvRecords('email\r\n"ops"x\r\n')).toMatchObject({
      error: expect.stringMatching(/^Line 2: text after a closing quote/),
    });
  });
});

describe('parseSubscriberCsv', () => {
  it('reads addresses, components by id or name, and confirmed, in any column order', () => {
    const text = [
      'Confirmed,Email,components',
      'true,Ops@Example.com,api',
      'false,dev@example.com,"Deploy pipeline; api"',
      ',all@example.com,',
      'TRUE,words@example.com,api deploy',
    ].join('\r\n');
    expect(parseSubscriberCsv(text, components)).toEqual({
      ok: true,
      rows: [
        { email: 'ops@example.com', componentIds: ['api'], confirmed: true },
        { email: 'dev@example.com', componentIds: ['deploy', 'api'], confirmed: false },
        { email: 'all@example.com', componentIds: [], confirmed: false },
        { email: 'words@example.com', componentIds: ['api', 'deploy'], confirmed: true },
      ],
    });
  });

  it('needs only the email column', () => {
    expect(parseSubscriberCsv('email\nops@example.com', [])).toEqual({
      ok: true,
      rows: [{ email: 'ops@example.com', componentIds: [], confirmed: false }],
    });
  });

  it('refuses the whole file when one row is bad, naming its line and the problem', () => {
    const result = refusal(
      [
        'email,components,confirmed',
        'ok@example.com,api,true',
        'not-an-address,api,true',
        'second@example.com,Billing,true',
        'third@example.com,api,maybe',
        'ok@example.com,,',
        'short@example.com',
        ',api,',
      ].join('\n'),
    );
    expect(result.errors).toEqual([
      'Line 3: "not-an-address" is not an email address.',
      'Line 4: no public component "Billing" (separate names that contain spaces with ";").',
      'Line 5: confirmed is "maybe"; write true or false.',
      'Line 6: ok@example.com is also on line 2.',
      'Line 7: 1 fields where the header has 3.',
      'Line 8: no email address.',
    ]);
    expect(result.moreErrors).toBe(0);
  });

  it('counts a quoted line break in the line numbers of the rows after it', () => {
    const result = refusal('email,components\r\na@example.com,"api;\r\ndeploy"\r\nbad,\r\n');
    expect(result.errors).toEqual(['Line 4: "bad" is not an email address.']);
  });

  it('lists at most 20 problems and counts the rest', () => {
    const rows = Array.from({ length: 25 }, (_, i) => `bad${i}`);
    const result = refusal(['email', ...rows].join('\n'));
    expect(result.errors).toHaveLength(maxReportedErrors);
    expect(result.errors[0]).toBe('Line 2: "bad0" is not an email address.');
    expect(result.moreErrors).toBe(5);
  });

  it('refuses a file without a usable header, without rows, or with too many rows', () => {
    expect(refusal('').errors).toEqual([
      'The file is empty: give a header row, then one row per address.',
    ]);
    expect(refusal('address\nops@example.com').errors[0]).toMatch(
      /^Line 1: the header row must name the columns email.*unknown: "address"/,
    );
    expect(refusal('email,state\nops@example.com,active').errors[0]).toMatch(/unknown: "state"/);
    expect(refusal('email\r\n').errors).toEqual(['The file has a header row but no addresses.']);
    const many = Array.from({ length: maxImportRows + 1 }, (_, i) => `p${i}@example.com`);
    expect(refusal(['email', ...many].join('\n')).errors[0]).toMatch(
      /^The file has 10,001 rows; at most 10,000/,
    );
  });

  it('refuses more than 2 MiB', () => {
    const text = `email\n${'a'.repeat(2 * 1024 * 1024)}@example.com`;
    expect(refusal(text).errors).toEqual(['The file is larger than 2 MiB; split it.']);
  });
});

describe('subscribersCsv', () => {
  it('writes the API export columns, quoting what needs it, with CRLF', () => {
    const csv = subscribersCsv([
      {
        id: 's1',
        email: 'a,b@example.com',
        state: 'active',
        componentIds: ['api', 'deploy'],
        source: 'import',
        createdAt: new Date('2026-01-02T03:04:05Z'),
        confirmedAt: new Date('2026-01-02T03:04:06Z'),
        leftAt: null,
      },
    ]);
    expect(csv).toBe(
      'id,email,state,components,source,created_at,confirmed_at,left_at\r\n' +
        's1,"a,b@example.com",active,api deploy,import,2026-01-02T03:04:05.000Z,2026-01-02T03:04:06.000Z,\r\n',
    );
  });

  it('reads back what it writes', () => {
    const csv = subscribersCsv([
      {
        id: 's1',
        email: 'q"uote@example.com',
        state: 'pending',
        componentIds: null,
        source: 'form',
        createdAt: new Date(0),
        confirmedAt: null,
        leftAt: null,
      },
    ]);
    const read = readCsvRecords(csv);
    expect('records' in read && read.records[1]?.fields.slice(0, 3)).toEqual([
      's1',
      'q"uote@example.com',
      'pending',
    ]);
  });
});
