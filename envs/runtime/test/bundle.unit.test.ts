import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { bundleServer } from '../src/index.js';

/** A server entry importing one module, in a package of its own. */
async function fixture(): Promise<{ dir: string; entry: string; outfile: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'workgym-bundle-'));
  await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'fixture-server', type: 'module' }));
  await writeFile(join(dir, 'greeting.ts'), "export const greeting: string = 'hello';\n");
  await writeFile(join(dir, 'server.ts'), "import { greeting } from './greeting.js';\nconsole.log(greeting);\n");
  return { dir, entry: join(dir, 'server.ts'), outfile: join(dir, 'out', 'server.mjs') };
}

/** Puts other bytes where the bundle is, and records them as the bundle: what a reused bundle keeps. */
async function markBundle(outfile: string, text: string): Promise<void> {
  await writeFile(outfile, text);
  const record = JSON.parse(await readFile(`${outfile}.inputs.json`, 'utf8')) as { bundle: string };
  record.bundle = createHash('sha256').update(text).digest('hex');
  await writeFile(`${outfile}.inputs.json`, JSON.stringify(record));
}

describe('bundleServer reuses a bundle whose inputs are unchanged', () => {
  it('rebuilds only when a file the bundle was built from changes', async () => {
    const { dir, entry, outfile } = await fixture();
    try {
      expect(await readFile(await bundleServer(entry, outfile), 'utf8')).toContain('hello');
      await markBundle(outfile, '// reused\n');
      await bundleServer(entry, outfile);
      expect(await readFile(outfile, 'utf8')).toBe('// reused\n');

      await writeFile(join(dir, 'greeting.ts'), "export const greeting: string = 'bonjour';\n");
      const rebuilt = await readFile(await bundleServer(entry, outfile), 'utf8');
      expect(rebuilt).toContain('bonjour');
      expect(rebuilt).not.toContain('hello');

      // The package.json names an env's verifier sources: a change there rebuilds too.
      await markBundle(outfile, '// reused\n');
      await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'fixture-server', type: 'module', version: '2.0.0' }));
      expect(await readFile(await bundleServer(entry, outfile), 'utf8')).toContain('bonjour');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('rebuilds a bundle that is not the one its record describes, or one whose input is gone', async () => {
    const { dir, entry, outfile } = await fixture();
    try {
      await bundleServer(entry, outfile);
      // Replaced by another process (or by hand) after the record was written.
      await writeFile(outfile, '// stale\n');
      expect(await readFile(await bundleServer(entry, outfile), 'utf8')).toContain('hello');

      await markBundle(outfile, '// reused\n');
      await rm(join(dir, 'greeting.ts'));
      await expect(bundleServer(entry, outfile)).rejects.toThrow(/greeting/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
