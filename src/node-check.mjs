// Preloaded with `node --import` before the TypeScript entry, in plain JavaScript so that an old
// Node.js reads it too and says what is needed instead of failing on a `.ts` file.

/** The oldest Node.js major Candor runs on: 24 LTS strips TypeScript types natively. */
export const requiredMajor = 24;

/**
 * Why this Node.js version cannot run Candor, or null when it can.
 * @param {string} version as in process.versions.node, e.g. "20.20.2"
 * @returns {string | null}
 */
export function nodeVersionProblem(version) {
  const major = Number(version.split('.')[0]);
  if (major >= requiredMajor) return null;
  return (
    `Candor needs Node.js ${requiredMajor} or newer; this is Node.js ${version}. ` +
    'Run it through npm (npm start, npm test): the project installs Node.js 24 as a dev ' +
    'dependency and npm scripts use it. Or install Node.js 24 LTS.'
  );
}

const problem = nodeVersionProblem(process.versions.node);
if (problem) {
  console.error(problem);
  process.exit(1);
}
