// Module hooks for load-trace.test.ts: every module this process loads is appended, as a URL, to
// the file named by WORKGYM_LOAD_TRACE.
import { appendFileSync } from 'node:fs';

export async function load(url, context, nextLoad) {
  appendFileSync(process.env.WORKGYM_LOAD_TRACE, `${url}\n`);
  return nextLoad(url, context);
}
