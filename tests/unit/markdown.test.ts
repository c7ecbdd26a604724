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
    ['[x](JaVaScRiPt:alert(1))', /javascript:/i],
    ['[x](&#106;avascript:alert(1))', /href="[^"]*script/i],
    ['<a href="jav&#x09;ascript:alert(1)">x</a>', /href="[^"]*script/i],
    ['[x](vbscript:msgbox(1))', /vbscript:/i],
    ['[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)', /data:/],
    ['![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)', /data:/],
    ['<svg onload=alert(1)>', /<svg|onload/],
    ['<math><mi xlink:href="javascript:alert(1)">x</mi></math>', /<math|javascript:/],
    ['<object data="x.swf"></object><embed src="x.swf">', /<object|<embed/],
    ['<base href="https://evil.example/">', /<base/],
    ['<meta http-equiv="refresh" content="0;url=https://evil.example">', /<meta/],
    ['<div onmouseover="alert(1)">x</div>', /onmouseover/],
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
