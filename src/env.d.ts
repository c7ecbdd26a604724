/// <reference types="astro/client" />

declare namespace App {
  /** Passed by src/boot.ts: the process's one set of services. Pages import only types. */
  interface Locals {
    candor: import('./services/candor.ts').Candor;
    /** Who is signed in, read from the session cookie by src/middleware.ts. */
    user?: import('./services/people/sessions.ts').SignedIn | null;
  }
}
