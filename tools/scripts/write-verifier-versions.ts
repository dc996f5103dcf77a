// Regenerates the verifier versions module of each env package named (default: the current
// folder); every env's `build` runs it before tsc, so a built env never carries stale versions.
import { writeVerifierVersions } from '../../envs/runtime/src/images/verifier-versions.js';

for (const dir of process.argv.length > 2 ? process.argv.slice(2) : [process.cwd()]) {
  if (await writeVerifierVersions(dir)) process.stderr.write(`[verifier-versions] ${dir}: updated\n`);
}
