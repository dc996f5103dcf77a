import { fixBugFamily } from './fix-bug.js';

/** code/py-fix-bug: fix an injected bug in a small Python package with failing tests. */
export const pyFixBug = fixBugFamily('python');
