// npm run user -- create --email EMAIL --role admin|editor|viewer [--name NAME]
// npm run user -- list
// npm run user -- password --email EMAIL     (a new one-time password; ends their sessions)
import { parseArgs } from 'node:util';
import { type UserRole, userRoles } from '#domain/enums.ts';
import { generatePassword } from '#services/people/passwords.ts';
import { createUser, listUsers, updateUser } from '#services/people/users.ts';
import { fail, openForCli } from './open.ts';

const usage =
  'Usage: npm run user -- create --email EMAIL --role admin|editor|viewer [--name NAME] | list | password --email EMAIL';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
});
const [command] = positionals;
if (!command || !['create', 'list', 'password'].includes(command)) fail(usage);

const { handle, ctx } = await openForCli();
try {
  if (command === 'list') {
    for (const user of await listUsers(ctx))
      console.log(`${user.id}  ${user.email}  ${user.role}  ${user.name}`);
  } else {
    if (!values.email) fail(`--email is required. ${usage}`);
    const password = generatePassword();
    if (command === 'create') {
      const role = (values.role ?? '') as UserRole;
      if (!userRoles.includes(role))
        fail(`--role must be one of ${userRoles.join(', ')}. ${usage}`);
      const user = await createUser(ctx, {
        email: values.email,
        name: values.name ?? values.email,
        role,
        password,
      });
      console.log(`Created ${user.role} ${user.email} (${user.id}).`);
    } else {
      const user = (await listUsers(ctx)).find(
        (u) => u.email === values.email?.trim().toLowerCase(),
      );
      if (!user) fail(`No user with email ${values.email}.`);
      await updateUser(ctx, user.id, { password });
      console.log(`New password for ${user.email}; their sessions have ended.`);
    }
    console.log('One-time password (shown only now; change it after signing in):');
    console.log(password);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
} finally {
  handle.close();
}
