import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { notFound, type SiteResponse } from './site-app.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/** The file at `path` under `root` (a folder's index.html), or 404; nothing outside `root` is served. */
export async function serveFile(root: string, path: string): Promise<SiteResponse> {
  try {
    let file = normalize(join(root, decodeURIComponent(path)));
    if (file !== root && !file.startsWith(root + sep)) return notFound();
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
    return { body: await readFile(file), contentType: TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream' };
  } catch {
    return notFound();
  }
}
