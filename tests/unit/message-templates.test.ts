import { describe, expect, it } from 'vitest';
import { ContentError, loadContent } from '#services/content/load-content.ts';
import { parseMessageTemplate } from '#services/content/load-templates.ts';

const file = 'content/templates/x.md';
const error = (text: string) => {
  try {
    parseMessageTemplate(file, text);
  } catch (caught) {
    expect(caught).toBeInstanceOf(ContentError);
    return (caught as Error).message;
  }
  throw new Error('no error');
};

describe('message templates', () => {
  it('reads front matter and a body with placeholders, and renders it', () => {
    const template = parseMessageTemplate(
      file,
      '---\nname: Looking\nstatus: investigating\n---\nProblems with {{components}}.{{#next_update_at}} Next update by {{next_update_at}}.{{/next_update_at}}\n',
    );
    expect(template).toMatchObject({
      id: 'x',
      name: 'Looking',
      status: 'investigating',
      audience: 'public',
      source:
        'Problems with {{components}}.{{#next_update_at}} Next update by {{next_update_at}}.{{/next_update_at}}',
    });
    expect(template.template.render({ components: 'API' }).trim()).toBe('Problems with API.');
  });

  it('reports a broken template with its file and line', () => {
    expect(error('Just text')).toBe(
      `${file}:1: a template begins with front matter between two --- lines (name, status)`,
    );
    expect(error('---\nname: X\nstatus: fixed\n---\nBody')).toMatch(
      /^content\/templates\/x\.md: status: /,
    );
    expect(error('---\nname: X\nstatus: [unclosed\n---\nBody')).toMatch(
      /^content\/templates\/x\.md:3: /,
    );
    expect(error('---\nname: X\nstatus: resolved\n---\nFirst line.\nHello {{customer}}.')).toMatch(
      /^content\/templates\/x\.md:6: unknown placeholder "customer"/,
    );
    expect(error('---\nname: X\nstatus: resolved\n---\n\n')).toBe(
      `${file}:5: the template has no text`,
    );
  });

  it('ships a template for each incident status and an apology, all valid', async () => {
    const { templates } = await loadContent('content');
    expect(templates.map((t) => [t.id, t.status])).toEqual([
      ['apology', 'resolved'],
      ['identified', 'identified'],
      ['investigating', 'investigating'],
      ['monitoring', 'monitoring'],
      ['resolved', 'resolved'],
    ]);
  });
});
