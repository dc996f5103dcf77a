import { fixBugFamily } from './fix-bug.js';

/**
 * code/js-fix-bug: fix an injected bug in a small JavaScript project with failing tests. The
 * junior programmer's held-out family: py-fix-bug trains the same work in another language.
 */
export const jsFixBug = { ...fixBugFamily('javascript'), heldOut: true };
