// Preloaded before the TypeScript entry (`node --import ./src/preload.mjs src/server.ts`), in
// plain JavaScript so that an old Node.js can read it.
import './node-check.mjs';
import * as nodeModule from 'node:module';

// Start-up fast path. For every module it loads, Node looks up the package's package.json to
// learn the module format and, in Node 24, decodes that file again each time. drizzle-orm ships
// a 180 KB package.json and loads ~150 files, which cost a second and 130 MB of garbage at every
// start (measured: boot.ts imports in 2.2-2.7 s, 274 MB without this; 1.3 s, 144 MB with it).
// drizzle-orm is ESM throughout ("type": "module", no nested package.json), so a relative `.js`
// import inside it is an ES module at the joined URL: answer that without the lookup.
const drizzle = '/node_modules/drizzle-orm/';
nodeModule.registerHooks?.({
  resolve(specifier, context, nextResolve) {
    const parent = context.parentURL;
    if (
      parent?.includes(drizzle) &&
      (specifier.startsWith('./') || specifier.startsWith('../')) &&
      specifier.endsWith('.js')
    ) {
      return { url: new URL(specifier, parent).href, format: 'module', shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
