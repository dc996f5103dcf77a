import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRun } from '../src/index.js';
import { makeEpisode } from './make-episode.js';
const recs = Array.from({ length: 5000 }, (_, i) => makeEpisode({ seed: i + 1 }));
for (let k = 0; k < 3; k++) {
const root = mkdtempSync(join(tmpdir(), 'wg-'));
const w = await createRun(join(root, 'run'));
let t = performance.now();
for (const r of recs) await w.append(r);
const a = performance.now() - t;
t = performance.now();
await w.finalize();
const f = performance.now() - t;
const fh = await open(join(root, 'x.jsonl'), 'a');
t = performance.now();
for (const r of recs) await fh.write(JSON.stringify(r) + '\n');
const j = performance.now() - t;
t = performance.now();
await fh.sync(); await fh.close();
const js = performance.now() - t;
console.log(`appends ${a.toFixed(0)} finalize ${f.toFixed(0)} | jsonl ${j.toFixed(0)} sync ${js.toFixed(0)}`);
rmSync(root, { recursive: true });
}
