import { makeBadge } from 'badge-maker';
import { SaxesParser } from 'saxes';
import { describe, expect, it } from 'vitest';
import { componentStatuses, indicators } from '#domain/enums.ts';
import {
  type BadgeContent,
  badgeColours,
  badgeEndpoint,
  badgeStyles,
  badgeSvg,
  componentBadge,
  componentBadgeMessages,
  overallBadge,
  overallBadgeMessages,
} from '#render/badges.ts';

const svgNs = 'http://www.w3.org/2000/svg';

interface Element {
  name: string;
  uri: string;
  attributes: Record<string, string>;
  children: Element[];
  text: string;
}

/** Parses strictly (XML 1.0 with namespaces): any well-formedness error throws. */
function parseXml(xml: string): Element {
  const parser = new SaxesParser({ xmlns: true });
  const stack: Element[] = [];
  let root: Element | null = null;
  parser.on('error', (error) => {
    throw error;
  });
  parser.on('opentag', (tag) => {
    const element: Element = {
      name: tag.local,
      uri: tag.uri,
      attributes: Object.fromEntries(
        Object.values(tag.attributes).map((attribute) => [attribute.name, attribute.value]),
      ),
      children: [],
      text: '',
    };
    stack.at(-1)?.children.push(element);
    stack.push(element);
    root ??= element;
  });
  parser.on('text', (text) => {
    const current = stack.at(-1);
    if (current) current.text += text;
  });
  parser.on('closetag', () => {
    stack.pop();
  });
  parser.write(xml).close();
  if (!root) throw new Error('no root element');
  return root;
}

function all(element: Element, name: string): Element[] {
  return [
    ...(element.name === name ? [element] : []),
    ...element.children.flatMap((child) => all(child, name)),
  ];
}

/** The visible text elements: badge-maker's shadows sit in `aria-hidden` groups. */
function visibleTexts(element: Element, hidden = false): Element[] {
  const isHidden = hidden || element.attributes['aria-hidden'] === 'true';
  return [
    ...(element.name === 'text' && !isHidden ? [element] : []),
    ...element.children.flatMap((child) => visibleTexts(child, isHidden)),
  ];
}

function width(svg: string): number {
  return Number(parseXml(svg).attributes.width);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours. */
function contrast(a: string, b: string): number {
  const luminance = (hex: string) => {
    const [r, g, bl] = [1, 3, 5].map((i) => {
      const v = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    }) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** `colour` under a layer of `over` at `alpha`, as flat's gradient draws it. */
function blend(colour: string, over: string, alpha: number): string {
  const channels = (hex: string) => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  const top = channels(over);
  return `#${channels(colour)
    .map((v, i) => Math.round(v * (1 - alpha) + (top[i] ?? 0) * alpha))
    .map((v) => v.toString(16).padStart(2, '0'))
    .join('')}`;
}

const subjects: (readonly [string, BadgeContent])[] = [
  ...componentStatuses.map(
    (status) => [`component ${status}`, componentBadge(status, 'Payments API')] as const,
  ),
  ...indicators.map(
    (indicator) => [`overall ${indicator}`, overallBadge(indicator, 'Acme')] as const,
  ),
];

const cases = subjects.flatMap(([name, content]) =>
  badgeStyles.map((style) => [name, style, content] as const),
);

describe('badgeSvg', () => {
  it.each(cases)('%s, %s: well-formed, titled, worded and coloured', (_, style, content) => {
    const svg = badgeSvg(content, style);
    const root = parseXml(svg);
    const spoken = `${content.label}: ${content.message}`;
    expect(root.name).toBe('svg');
    expect(root.uri).toBe(svgNs);
    expect(root.attributes.role).toBe('img');
    expect(root.attributes['aria-label']).toBe(spoken);
    const title = root.children[0];
    expect(title?.name).toBe('title');
    expect(title?.text).toBe(spoken);
    const shown = style === 'for-the-badge' ? content.message.toUpperCase() : content.message;
    const texts = visibleTexts(root).map((text) => text.text);
    expect(texts).toContain(shown);
    const label = style === 'for-the-badge' ? content.label.toUpperCase() : content.label;
    expect(texts).toContain(label);
    expect(all(root, 'rect').map((rect) => rect.attributes.fill)).toContain(content.color);
    // White text on every status colour: badge-maker switches to dark text on light colours.
    for (const text of all(root, 'text')) expect(text.attributes.fill).not.toBe('#333');
  });

  it('says each status in plain words', () => {
    expect(componentBadgeMessages).toEqual({
      operational: 'operational',
      under_maintenance: 'under maintenance',
      degraded_performance: 'degraded performance',
      partial_outage: 'partial outage',
      major_outage: 'major outage',
    });
    expect(overallBadgeMessages).toEqual({
      none: 'all systems operational',
      maintenance: 'under maintenance',
      minor: 'degraded service',
      major: 'partial outage',
      critical: 'major outage',
    });
  });

  it('colours green, blue, yellow, orange and red by status', () => {
    expect(componentBadge('operational', 'x').color).toBe(badgeColours.ok);
    expect(componentBadge('under_maintenance', 'x').color).toBe(badgeColours.maintenance);
    expect(componentBadge('degraded_performance', 'x').color).toBe(badgeColours.minor);
    expect(componentBadge('partial_outage', 'x').color).toBe(badgeColours.major);
    expect(componentBadge('major_outage', 'x').color).toBe(badgeColours.critical);
    expect(overallBadge('none', 'x').color).toBe(badgeColours.ok);
    expect(overallBadge('maintenance', 'x').color).toBe(badgeColours.maintenance);
    expect(overallBadge('minor', 'x').color).toBe(badgeColours.minor);
    expect(overallBadge('major', 'x').color).toBe(badgeColours.major);
    expect(overallBadge('critical', 'x').color).toBe(badgeColours.critical);
    expect(new Set(Object.values(badgeColours)).size).toBe(5);
  });

  it.each(Object.entries(badgeColours))(
    '%s colour %s keeps white text at 4.5:1 or more, under flat’s lighter gradient top too',
    (_, colour) => {
      expect(colour).toMatch(/^#[0-9a-f]{6}$/);
      expect(contrast(colour, '#ffffff')).toBeGreaterThanOrEqual(4.5);
      expect(contrast(blend(colour, '#bbbbbb', 0.1), '#ffffff')).toBeGreaterThanOrEqual(4.5);
    },
  );

  it('keeps the label side readable too', () => {
    const root = parseXml(badgeSvg(componentBadge('operational', 'API')));
    const labelFill = all(root, 'rect')[1]?.attributes.fill;
    expect(labelFill).toBe('#555');
    expect(contrast('#555555', '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });

  it.each(badgeStyles)('%s: grows with the text, measured by font metrics', (style) => {
    const short = width(badgeSvg(componentBadge('operational', 'API'), style));
    const long = width(badgeSvg(componentBadge('operational', 'Payments API (EU)'), style));
    expect(long).toBeGreaterThan(short);
    const narrow = width(badgeSvg(componentBadge('operational', 'iiiiiiii'), style));
    const wide = width(badgeSvg(componentBadge('operational', 'WWWWWWWW'), style));
    expect(wide).toBeGreaterThan(narrow + 20);
    const operational = width(badgeSvg(componentBadge('operational', 'API'), style));
    const outage = width(badgeSvg(componentBadge('degraded_performance', 'API'), style));
    expect(outage).toBeGreaterThan(operational);
  });

  it.each(badgeStyles)('%s: escapes a hostile label and keeps it word for word', (style) => {
    const label = `<script>alert("x")</script> & 'quotes' $& $' ]]> <!-- --> &amp;`;
    const svg = badgeSvg(componentBadge('partial_outage', label), style);
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('<!--');
    const root = parseXml(svg);
    expect(root.attributes['aria-label']).toBe(`${label}: partial outage`);
    expect(root.children[0]?.text).toBe(`${label}: partial outage`);
    expect(all(root, 'script')).toHaveLength(0);
    const shown = style === 'for-the-badge' ? label.toUpperCase() : label;
    expect(visibleTexts(root).map((text) => text.text)).toContain(shown);
  });

  it('reads for-the-badge in the words’ own case, while drawing capitals', () => {
    const root = parseXml(badgeSvg(overallBadge('critical', 'Acme Cloud'), 'for-the-badge'));
    expect(root.children[0]?.text).toBe('Acme Cloud: major outage');
    expect(root.attributes['aria-label']).toBe('Acme Cloud: major outage');
    expect(visibleTexts(root).map((text) => text.text)).toEqual(['ACME CLOUD', 'MAJOR OUTAGE']);
  });

  it.each(badgeStyles)('%s: drops characters XML cannot hold', (style) => {
    const label = 'Pay\u0000ments\u0001 \uD800API\u000b\tEU';
    // badge-maker alone escapes markup only: the strict parser refuses what it makes of this.
    expect(() => parseXml(makeBadge({ label, message: 'operational', style }))).toThrow();
    const root = parseXml(badgeSvg(componentBadge('operational', label), style));
    expect(root.children[0]?.text).toBe('Payments API EU: operational');
  });

  it.each(badgeStyles)('%s: an empty label draws the message alone', (style) => {
    const root = parseXml(badgeSvg(componentBadge('major_outage', ''), style));
    expect(root.attributes['aria-label']).toBe('major outage');
    expect(root.children[0]?.text).toBe('major outage');
    expect(visibleTexts(root)).toHaveLength(1);
  });

  it('defaults to flat', () => {
    const content = overallBadge('none', 'Acme');
    expect(badgeSvg(content)).toBe(badgeSvg(content, 'flat'));
    expect(badgeSvg(content)).not.toBe(badgeSvg(content, 'flat-square'));
  });
});

describe('badgeEndpoint', () => {
  // Every key shields.io's endpoint schema accepts; it refuses documents with any other.
  const shieldsKeys = [
    'schemaVersion',
    'label',
    'message',
    'color',
    'labelColor',
    'isError',
    'namedLogo',
    'logoSvg',
    'logoColor',
    'logoWidth',
    'style',
    'cacheSeconds',
  ];

  it.each(subjects)('%s: a valid shields.io endpoint document', (_, content) => {
    const document = badgeEndpoint(content);
    for (const key of Object.keys(document)) expect(shieldsKeys).toContain(key);
    expect(document).toEqual({
      schemaVersion: 1,
      label: content.label,
      message: content.message,
      color: content.color.slice(1),
    });
    expect(document.message).not.toBe('');
    expect(document.color).toMatch(/^[0-9a-f]{6}$/);
  });

  it('carries the requested style and the cleaned label', () => {
    expect(badgeEndpoint(overallBadge('major', 'Acme\u0007 '), 'for-the-badge')).toEqual({
      schemaVersion: 1,
      label: 'Acme',
      message: 'partial outage',
      color: badgeColours.major.slice(1),
      style: 'for-the-badge',
    });
  });
});
