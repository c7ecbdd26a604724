// Status badges: an SVG drawn by badge-maker (shields.io's own renderer, with its Verdana width
// tables, so a badge is as wide as its words) and the same content as a shields.io endpoint
// document. Pure: a status and a label in, a string or an object out.
//
// Words (the message, right-hand side):
//   component or group: operational · under maintenance · degraded performance · partial outage ·
//                       major outage (a group shows the worst status of its public components)
//   overall indicator:  none → all systems operational · maintenance → under maintenance ·
//                       minor → degraded service · major → partial outage · critical → major outage
// Colours: the status page's own banner tones, each ≥ 4.5:1 against the white text badge-maker
// draws on them (checked in tests/unit/badges.test.ts, flat's lighter gradient top included).

import { makeBadge } from 'badge-maker';
import type { ComponentStatus, Indicator } from '#domain/enums.ts';
import { escapeMarkup, xmlSafe } from './escape.ts';
import { componentTone, indicatorTone, type Tone } from './labels.ts';

export const badgeStyles = ['flat', 'flat-square', 'for-the-badge'] as const;
export type BadgeStyle = (typeof badgeStyles)[number];

/** The longest label a request may set. */
export const maxBadgeLabelLength = 100;

export const componentBadgeMessages: Record<ComponentStatus, string> = {
  operational: 'operational',
  under_maintenance: 'under maintenance',
  degraded_performance: 'degraded performance',
  partial_outage: 'partial outage',
  major_outage: 'major outage',
};

export const overallBadgeMessages: Record<Indicator, string> = {
  none: 'all systems operational',
  maintenance: 'under maintenance',
  minor: 'degraded service',
  major: 'partial outage',
  critical: 'major outage',
};

/** Message background per tone, `#rrggbb`; the label side stays badge-maker's `#555`. */
export const badgeColours: Record<Tone, string> = {
  ok: '#13795b', // green
  maintenance: '#2456b8', // blue
  minor: '#946200', // dark yellow
  major: '#b34700', // orange
  critical: '#b3261e', // red
};

/** What a badge says, before it is drawn. */
export interface BadgeContent {
  label: string;
  message: string;
  /** `#rrggbb` */
  color: string;
}

/** The overall badge: the page's indicator. */
export function overallBadge(indicator: Indicator, label: string): BadgeContent {
  return {
    label: clean(label),
    message: overallBadgeMessages[indicator],
    color: badgeColours[indicatorTone[indicator]],
  };
}

/** A component's badge, or a group's (give it the group's worst status). */
export function componentBadge(status: ComponentStatus, label: string): BadgeContent {
  return {
    label: clean(label),
    message: componentBadgeMessages[status],
    color: badgeColours[componentTone[status]],
  };
}

/**
 * Keeps text to what XML 1.0 allows (badge-maker escapes markup but not control characters or
 * lone surrogates, which would make the SVG ill-formed); tabs and line breaks become spaces.
 */
function clean(text: string): string {
  return xmlSafe(text)
    .replace(/[\t\n\r]/g, ' ')
    .trim();
}

/** "label: message", or the message alone when the label is empty: what screen readers say. */
export function accessibleText(content: BadgeContent): string {
  const label = clean(content.label);
  return label ? `${label}: ${content.message}` : content.message;
}

/** Escapes as badge-maker does (`&apos;` for quotes), so the replacement below finds its text. */
function escapeAsBadgeMaker(text: string): string {
  return escapeMarkup(text).replace(/&#39;/g, '&apos;');
}

/**
 * The badge as an SVG document. badge-maker gives it `role="img"`, an `aria-label` and a
 * `<title>` of "label: message"; for `for-the-badge`, which it draws in capitals, those two are
 * put back in the words' own case so that screen readers read words, not letters.
 * An empty label draws the message alone.
 */
export function badgeSvg(content: BadgeContent, style: BadgeStyle = 'flat'): string {
  const label = clean(content.label);
  const message = clean(content.message);
  const svg = makeBadge({ label, message, color: content.color, style });
  if (style !== 'for-the-badge') return svg;
  const spoken = escapeAsBadgeMaker(accessibleText({ ...content, label, message }));
  const shouted = escapeAsBadgeMaker(
    label ? `${label.toUpperCase()}: ${message.toUpperCase()}` : message.toUpperCase(),
  );
  // Function replacers: the label may hold `$&` and the like.
  return svg
    .replace(`aria-label="${shouted}"`, () => `aria-label="${spoken}"`)
    .replace(`<title>${shouted}</title>`, () => `<title>${spoken}</title>`);
}

/**
 * A shields.io endpoint document (https://shields.io/badges/endpoint-badge). Only keys shields'
 * schema knows: it refuses documents with others. `color` is hex without `#`, as shields' own
 * query parameters take it; `style`, when given, is a default that shields' `?style=` overrides.
 */
export interface ShieldsEndpoint {
  schemaVersion: 1;
  label: string;
  message: string;
  color: string;
  style?: BadgeStyle;
}

export function badgeEndpoint(content: BadgeContent, style?: BadgeStyle): ShieldsEndpoint {
  return {
    schemaVersion: 1,
    label: clean(content.label),
    message: clean(content.message),
    color: content.color.replace(/^#/, ''),
    ...(style ? { style } : {}),
  };
}
