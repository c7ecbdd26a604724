import { createMiddleware } from 'hono/factory';
import type { TokenScope } from '#domain/enums.ts';
import { authenticateToken, hasScope } from '#services/tokens.ts';
import type { AppEnv } from './env.ts';
import { problem } from './problem.ts';

const challenge = { 'www-authenticate': 'Bearer realm="candor"' };

/**
 * Requires a bearer token with `scope`. 401 without a token or with an unknown one; 403 for a
 * token that lacks the scope.
 * @example router.use('/incidents/*', requireScope('write'))
 */
export const requireScope = (scope: TokenScope) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = header.match(/^Bearer\s+(\S+)\s*$/i);
    if (!match?.[1]) {
      return problem(401, 'Send an API token: Authorization: Bearer <token>.', {
        headers: challenge,
      });
    }
    const candor = c.get('candor');
    const principal = await authenticateToken(
      candor.context('auth'),
      match[1],
      candor.config.bootstrapToken,
    );
    if (!principal) {
      return problem(401, 'The API token is unknown or revoked.', { headers: challenge });
    }
    if (!hasScope(principal.scopes, scope)) {
      return problem(403, `This token lacks the "${scope}" scope.`);
    }
    c.set('principal', principal);
    return next();
  });

/** The scope a request needs by its method: reads need `read`, everything else `write`. */
export const requireMethodScope = createMiddleware<AppEnv>(async (c, next) => {
  const read = c.req.method === 'GET' || c.req.method === 'HEAD';
  return requireScope(read ? 'read' : 'write')(c, next);
});
