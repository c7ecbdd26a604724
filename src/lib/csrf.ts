/** What a cross-site check needs of a request: its method and headers. */
export interface RequestFacts {
  method: string;
  header(name: string): string | undefined;
}

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Why a cookie-authenticated state change must be refused as possibly cross-site, or null when
 * it may go on. Browsers say where a request comes from in Sec-Fetch-Site; where that header is
 * missing (older browsers, other clients) the Origin must be one of ours. A request with neither
 * is refused: every browser that could carry our cookie sends one of them on a POST. `ourOrigins`
 * is asked only when needed: reads, the common case, cost nothing.
 * @example crossSiteRefusal({ method: 'POST', header: () => undefined }, () => ['https://status.example.com']) // 'The request …'
 */
export function crossSiteRefusal(
  request: RequestFacts,
  ourOrigins: () => readonly string[],
): string | null {
  if (safeMethods.has(request.method.toUpperCase())) return null;
  const fetchSite = request.header('sec-fetch-site');
  if (fetchSite !== undefined) {
    return fetchSite === 'same-origin'
      ? null
      : `This form was sent from another site (Sec-Fetch-Site: ${fetchSite}); send it from this site's own page.`;
  }
  const origin = request.header('origin');
  if (origin === undefined) {
    return "The request has no Origin header, so it cannot be told apart from a cross-site one; send it from this site's own page.";
  }
  return ourOrigins().includes(origin)
    ? null
    : `This form was sent from another origin (${origin}); send it from this site's own page.`;
}
