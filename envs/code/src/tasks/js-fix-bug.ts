import { fixBugFamily } from './fix-bug.js';

/** code/js-fix-bug: fix an injected bug in a small JavaScript project with failing tests. */
export const jsFixBug = fixBugFamily('javascript');
