import { implementFunctionFamily } from './implement-function.js';

/** code/py-implement-function: write a Python function from its description. */
export const pyImplementFunction = implementFunctionFamily('python');
