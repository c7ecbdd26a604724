// Candor's entry: `node --import ./src/preload.mjs src/server.ts` (npm run serve).
import { ConfigError, loadConfig } from '#config';
import { ContentError } from '#services/content/load-content.ts';
import { issueSetupToken } from '#services/people/setup.ts';
import { boot } from './boot.ts';

try {
  const config = loadConfig(process.env);
  const running = await boot(config);
  // performance.now() counts from the process start: module loading included.
  const ms = Math.round(performance.now());
  console.log(
    `Candor is serving ${running.candor.site.site.name} at ${running.url} (ready in ${ms} ms)`,
  );
  const setupToken = await issueSetupToken(running.candor.context('setup'));
  if (setupToken) {
    console.log(
      `No one can sign in yet. Create the first admin within 24 hours at: ${running.candor.site.siteUrl}/setup?token=${setupToken}`,
    );
  }
  if (!config.bootstrapToken) {
    console.log(
      'The management API needs a token: set BOOTSTRAP_TOKEN, or run npm run token -- create.',
    );
  }
  const stop = (signal: string) => {
    console.log(`${signal}: closing`);
    running.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError || error instanceof ContentError) {
    console.error(error.message);
  } else {
    console.error('Candor could not start:', error instanceof Error ? error.message : error);
  }
  process.exit(1);
}
