import { describe, expect, it } from 'vitest';
import { markdownToHtml, markdownToText } from '#render/markdown.ts';

describe('markdownToHtml', () => {
  it('renders the Markdown people write in updates', () => {
    const html = markdownToHtml(
      'We have **identified** the cause.\n\n- API\n- [Docs](https://docs.example.com)',
    );
    expect(html).toContain('<strong>identified</strong>');
    expect(html).toContain('<li>API</li>');
    expect(html).toContain(
      '<a href="https://docs.example.com" rel="nofollow noopener noreferrer">Docs</a>',
    );
  });

  it.each([
    ['<script>alert(1)</script>', /<script|alert\(1\)/],
    ['<img src=x onerror=alert(1)>', /<img|onerror/],
    ['[click](javascript:alert(1))', /javascript:/],
    ['<a href="javascript:alert(1)">x</a>', /javascript:/],
    ['<iframe src="https://evil.example"></iframe>', /<iframe/],
    ['<p style="position:fixed">x</p>', /style=/],
    ['<svg><script>alert(1)</script></svg>', /<svg|<script/],
    ['<a href="//evil.example">x</a>', /href="\/\/evil/],
    ['<form action="https://evil.example"><input></form>', /<form|<input/],
  ])('removes %s', (payload, forbidden) => {
    expect(markdownToHtml(payload)).not.toMatch(forbidden);
  });

  it('keeps headings below the page headings', () => {
    expect(markdownToHtml('# Big')).toBe('<h3>Big</h3>');
  });
});

describe('markdownToText', () => {
  it('strips markup to plain words', () => {
    expect(markdownToText('**Fixed** the _thing_ <b>now</b>')).toBe('Fixed the thing now');
  });
});
