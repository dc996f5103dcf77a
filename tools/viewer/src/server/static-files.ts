import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { HttpError } from './api-routes.js';
import { STATIC_TYPES } from './headers.js';

/**
 * The app's built files; any other path that is not a file gets index.html (the app routes on
 * the client). Paths never leave the app's folder.
 */
export async function serveStatic(pathname: string, appDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const root = normalize(appDir.endsWith(sep) ? appDir : appDir + sep);
  let file = normalize(join(root, safeDecode(pathname)));
  if (!file.startsWith(root) || !(await isFile(file))) file = join(root, 'index.html');
  const body = await readFile(file).catch(() => {
    throw new HttpError(404, `the app is not built (no ${join(root, 'index.html')}): run \`npm run build -w @workgym/viewer\``);
  });
  res.setHeader('Content-Type', STATIC_TYPES[extname(file)] ?? 'application/octet-stream');
  res.end(req.method === 'HEAD' ? undefined : body);
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

/** A malformed escape names no file: the app's index.html answers it. */
function safeDecode(pathname: string): string {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return '/';
  }
}
