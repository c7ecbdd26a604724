// How the server process starts: `npm run serve` spells these out (package.json cannot import),
// and every test and benchmark that starts a server uses them, so all run what users run.
// A test checks that the two agree.
//
// --max-semi-space-size=4: V8 grows the young generation to 16 MB semispaces on the burst of
// allocation a start-up's reads and first renders make, and keeps them: 70 MB of the peak at
// 500 components (301 MB → 236 MB measured with bench:scale's data). The hot path, answering
// from the cache of finished responses, allocates little, and a render runs once per change.
export const serverArgs = [
  '--max-semi-space-size=4',
  '--import',
  './src/preload.mjs',
  'src/server.ts',
];
