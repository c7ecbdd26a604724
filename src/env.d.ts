/// <reference types="astro/client" />

declare namespace App {
  /** Passed by src/boot.ts: the process's one set of services. Pages import only types. */
  interface Locals {
    candor: import('./services/candor.ts').Candor;
    /** The client's address, from src/boot.ts (behind a trusted proxy, from X-Forwarded-For). */
    clientIp: string;
    /** The email a trusted authenticating proxy vouches for (src/lib/trusted-proxy.ts). */
    proxyEmail: string | null;
    /** Who is signed in, read from the session cookie by src/middleware.ts. */
    user?: import('./services/people/sessions.ts').SignedIn | null;
  }
}
