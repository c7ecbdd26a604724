import { z } from 'zod';

// Subscribers as CSV, both ways: the export's rows (the API's GET /api/v1/subscribers.csv and the
// console's /admin/subscribers.csv write the same columns), and the console's import, read in
// full and checked row by row before anything is written, so an import is all or nothing.

/** The largest import: what one request carries and one transaction writes comfortably. */
export const maxImportRows = 10_000;
export const maxImportBytes = 2 * 1024 * 1024;
/** A refused import lists this many problems; the rest are counted. */
export const maxReportedErrors = 20;

// ---- Export ----

export const exportColumns = [
  'id',
  'email',
  'state',
  'components',
  'source',
  'created_at',
  'confirmed_at',
  'left_at',
] as const;

/** What the export needs of a subscriber (a row of the subscribers table). */
export interface ExportedSubscriber {
  id: string;
  email: string;
  state: string;
  componentIds: readonly string[] | null;
  source: string;
  createdAt: Date;
  confirmedAt: Date | null;
  leftAt: Date | null;
}

/** A field quoted when it holds a comma, a quote or a line break (RFC 4180). */
const csvField = (value: string) =>
  /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;

/** The export file: a header row, then one CRLF-ended row per subscriber. */
export function subscribersCsv(rows: readonly ExportedSubscriber[]): string {
  const lines = [
    exportColumns.join(','),
    ...rows.map((row) =>
      [
        row.id,
        row.email,
        row.state,
        (row.componentIds ?? []).join(' '),
        row.source,
        row.createdAt.toISOString(),
        row.confirmedAt?.toISOString() ?? '',
        row.leftAt?.toISOString() ?? '',
      ]
        .map(csvField)
        .join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

// ---- Import ----

/** One record of a CSV file and the line it starts on (1 is the header). */
interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180: quoted fields may hold commas, quotes doubled and line
 * breaks; CRLF or LF ends a record; a leading byte-order mark is dropped; blank lines are skipped).
 */
export function readCsvRecords(text: string): { records: CsvRecord[] } | { error: string } {
  const records: CsvRecord[] = [];
  const input = text.startsWith('\uFEFF') ? text.slice(1) : text;
  let line = 1;
  let fields: string[] = [];
  let field = '';
  let recordLine = 1;
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    fields.push(field);
    field = '';
    wasQuoted = false;
  };
  const endRecord = () => {
    endField();
    if (fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
  };
  for (let i = 0; i < input.length; i++) {
    const char = input[i] as string;
    if (quoted) {
      if (char === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') {
        quoted = false;
      } else {
        if (char === '\n') line++;
        field += char;
      }
      continue;
    }
    if (char === ',') endField();
    else if (char === '\n' || (char === '\r' && input[i + 1] === '\n')) {
      if (char === '\r') i++;
      endRecord();
      line++;
      recordLine = line;
    } else if (char === '"') {
      if (field !== '' || wasQuoted) {
        return {
          error: `Line ${line}: a quote inside a field; enclose the field in quotes and double the quote ("").`,
        };
      }
      quoted = true;
      wasQuoted = true;
    } else if (wasQuoted) {
      return { error: `Line ${line}: text after a closing quote; put a comma between fields.` };
    } else field += char;
  }
  if (quoted) return { error: `Line ${recordLine}: a quoted field is never closed.` };
  endRecord();
  return { records };
}

/** A component a row may name, by id or by name. */
export interface NamedComponent {
  id: string;
  name: string;
}

/** A row ready for the import: components as ids (empty: every component). */
export interface ImportRow {
  email: string;
  componentIds: string[];
  confirmed: boolean;
}

export type ImportCheck =
  | { ok: true; rows: ImportRow[] }
  | { ok: false; errors: string[]; moreErrors: number };

const importColumns = ['email', 'components', 'confirmed'] as const;
const email = z.email().max(320);

/**
 * Reads an import file: a header row naming `email` and, optionally, `components` (ids or names,
 * separated by `;` or spaces) and `confirmed` (true or false), in any order. Every problem is
 * named with its line; any problem refuses the whole file.
 * @example parseSubscriberCsv('email\r\nops@example.com\r\n', []) // { ok: true, rows: [{ email: 'ops@example.com', componentIds: [], confirmed: false }] }
 */
export function parseSubscriberCsv(
  text: string,
  components: readonly NamedComponent[],
): ImportCheck {
  const refuse = (errors: string[]): ImportCheck => ({
    ok: false,
    errors: errors.slice(0, maxReportedErrors),
    moreErrors: Math.max(0, errors.length - maxReportedErrors),
  });
  if (new TextEncoder().encode(text).length > maxImportBytes) {
    return refuse([`The file is larger than ${maxImportBytes / 1024 / 1024} MiB; split it.`]);
  }
  const read = readCsvRecords(text);
  if ('error' in read) return refuse([read.error]);
  const [header, ...records] = read.records;
  if (!header) return refuse(['The file is empty: give a header row, then one row per address.']);
  const names = header.fields.map((name) => name.trim().toLowerCase());
  const unknown = names.filter((name) => !(importColumns as readonly string[]).includes(name));
  if (unknown.length > 0 || !names.includes('email')) {
    return refuse([
      `Line ${header.line}: the header row must name the columns email and, optionally, components and confirmed${unknown.length > 0 ? `; unknown: ${unknown.map((name) => JSON.stringify(name)).join(', ')}` : ''}.`,
    ]);
  }
  if (records.length === 0) return refuse(['The file has a header row but no addresses.']);
  if (records.length > maxImportRows) {
    return refuse([
      `The file has ${records.length.toLocaleString('en')} rows; at most ${maxImportRows.toLocaleString('en')} can be imported at once: split it.`,
    ]);
  }
  const column = (record: CsvRecord, name: string) => {
    const at = names.indexOf(name);
    return at === -1 ? '' : (record.fields[at] ?? '').trim();
  };
  const componentIdOf = componentLookup(components);
  const rows: ImportRow[] = [];
  const errors: string[] = [];
  const firstLineOf = new Map<string, number>();
  for (const record of records) {
    const problem = (message: string) => errors.push(`Line ${record.line}: ${message}`);
    if (record.fields.length !== names.length) {
      problem(`${record.fields.length} fields where the header has ${names.length}.`);
      continue;
    }
    const address = column(record, 'email').toLowerCase();
    const confirmed = column(record, 'confirmed').toLowerCase();
    const chosen = splitComponents(column(record, 'components'), componentIdOf);
    if (!email.safeParse(address).success) {
      problem(
        address === ''
          ? 'no email address.'
          : `${JSON.stringify(address)} is not an email address.`,
      );
    } else if (firstLineOf.has(address)) {
      problem(`${address} is also on line ${firstLineOf.get(address)}.`);
    }
    firstLineOf.set(address, firstLineOf.get(address) ?? record.line);
    if (!['', 'true', 'false'].includes(confirmed)) {
      problem(`confirmed is ${JSON.stringify(confirmed)}; write true or false.`);
    }
    if (chosen.unknown.length > 0) {
      problem(
        `no public component ${chosen.unknown.map((name) => JSON.stringify(name)).join(', ')} (separate names that contain spaces with ";").`,
      );
    }
    rows.push({ email: address, componentIds: chosen.ids, confirmed: confirmed === 'true' });
  }
  return errors.length > 0 ? refuse(errors) : { ok: true, rows };
}

/** Finds a component by id or by name, without regard to case. */
function componentLookup(components: readonly NamedComponent[]) {
  const byKey = new Map<string, string>();
  for (const component of components) {
    byKey.set(component.name.trim().toLowerCase(), component.id);
    byKey.set(component.id.toLowerCase(), component.id);
  }
  return (key: string) => byKey.get(key.trim().toLowerCase());
}

/**
 * The components a field names. Parts between `;` are tried whole first, so a name with a space
 * ("Deploy pipeline") stays one; a part that is no name is read as words separated by spaces
 * (the export writes ids that way).
 */
function splitComponents(field: string, idOf: (key: string) => string | undefined) {
  const ids: string[] = [];
  const unknown: string[] = [];
  for (const part of field
    .split(';')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const whole = idOf(part);
    if (whole) {
      ids.push(whole);
      continue;
    }
    for (const word of part.split(/\s+/)) {
      const id = idOf(word);
      if (id) ids.push(id);
      else unknown.push(word);
    }
  }
  return { ids: [...new Set(ids)], unknown };
}
