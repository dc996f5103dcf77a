import { implementFunctionFamily } from './implement-function.js';

/** code/js-implement-function: write a JavaScript function from its description. */
export const jsImplementFunction = implementFunctionFamily('javascript');
