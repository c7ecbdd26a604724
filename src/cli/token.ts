// npm run token -- create --name NAME --scope read|write|admin
// npm run token -- list
// npm run token -- revoke ID
import { parseArgs } from 'node:util';
import { type TokenScope, tokenScopes } from '#domain/enums.ts';
import { createToken, listTokens, revokeToken } from '#services/tokens.ts';
import { fail, openForCli } from './open.ts';

const usage =
  'Usage: npm run token -- create --name NAME [--scope read|write|admin]… | list | revoke ID';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { name: { type: 'string' }, scope: { type: 'string', multiple: true } },
});
const [command, id] = positionals;
if (!command || !['create', 'list', 'revoke'].includes(command)) fail(usage);

const { handle, ctx } = await openForCli();
try {
  if (command === 'create') {
    if (!values.name) fail(`--name is required. ${usage}`);
    const scopes = (values.scope ?? ['write']) as TokenScope[];
    const unknown = scopes.find((scope) => !tokenScopes.includes(scope));
    if (unknown) fail(`Unknown scope "${unknown}": use ${tokenScopes.join(', ')}.`);
    const created = await createToken(ctx, { name: values.name, scopes });
    console.log(`Created token ${created.id} (${values.name}; scopes: ${scopes.join(', ')}).`);
    console.log('It is shown only now; store it in your secret manager:');
    console.log(created.token);
  } else if (command === 'list') {
    for (const token of await listTokens(ctx)) {
      const state = token.revokedAt ? `revoked ${token.revokedAt.toISOString()}` : 'active';
      const used = token.lastUsedAt ? token.lastUsedAt.toISOString() : 'never';
      console.log(
        `${token.id}  ${token.prefix}…  ${token.name}  [${token.scopes.join(',')}]  ${state}  last used ${used}`,
      );
    }
  } else {
    if (!id) fail(`Name the token to revoke. ${usage}`);
    await revokeToken(ctx, id);
    console.log(`Revoked token ${id}.`);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  handle.close();
}
