import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { serverArgs } from '../../src/server-args.mjs';

describe('the server command', () => {
  it('is the same for npm run serve and npm run dev as for the tests and benchmarks', () => {
    const { scripts } = JSON.parse(readFileSync('package.json', 'utf8'));
    expect(scripts.serve).toBe(`node ${serverArgs.join(' ')}`);
    const flags = serverArgs.slice(0, -1).join(' ');
    expect(scripts.dev).toContain(`node ${flags} `);
  });
});
