// @ts-check
import node from '@astrojs/node';
import { defineConfig } from 'astro/config';

// Pages are rendered by the node adapter in middleware mode, under Candor's own server
// (src/boot.ts), which passes the process's services in `locals`: see docs/adr/0001.
export default defineConfig({
  output: 'server',
  adapter: node({ mode: 'middleware' }),
  // Relative links and a site-independent build: SITE_URL is read at run time, not build time.
  trailingSlash: 'never',
  // Styles travel inside each page: one request for the whole page, which matters most when
  // everyone reloads it during an outage.
  build: { format: 'file', inlineStylesheets: 'always' },
  devToolbar: { enabled: false },
  // Cross-site form posts are refused by Candor's own check in front of every page (src/boot.ts,
  // src/lib/csrf.ts), which also knows SITE_URL's origin behind a proxy that rewrites Host.
  security: { checkOrigin: false },
});
