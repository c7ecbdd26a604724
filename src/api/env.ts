import type { HttpBindings } from '@hono/node-server';
import type { Candor } from '#services/candor.ts';
import type { Principal } from '#services/tokens.ts';

/** The Hono environment every router shares. */
export interface AppEnv {
  Bindings: Partial<HttpBindings>;
  Variables: {
    candor: Candor;
    principal: Principal;
  };
}
