import { cp, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { miniwobFamilies } from '../src/miniwob/miniwob-suite.js';

const fixture = fileURLToPath(new URL('./fixtures/miniwob', import.meta.url));

const versions = (dir: string, loader = 'loader-1'): Record<string, string> =>
  Object.fromEntries(miniwobFamilies(dir, loader).map(({ family }) => [family.id!, family.verifierVersion ?? '']));

describe('MiniWoB++ verifier versions', () => {
  it("hash the loader's version, the task page and the suite's shared scripts (core/, common/)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'workgym-miniwob-'));
    await cp(fixture, dir, { recursive: true });
    const before = versions(dir);
    expect(Object.values(before).every((v) => /^[0-9a-f]{16}$/.test(v))).toBe(true);
    expect(new Set(Object.values(before)).size).toBe(Object.keys(before).length);
    expect(versions(dir)).toEqual(before);

    const loaderChanged = versions(dir, 'loader-2');
    for (const id of Object.keys(before)) expect(loaderChanged[id]).not.toBe(before[id]);

    await writeFile(join(dir, 'html/miniwob/click-button.html'), '<html><body>changed</body></html>');
    const pageChanged = versions(dir);
    expect(pageChanged['browser/miniwob.click-button']).not.toBe(before['browser/miniwob.click-button']);
    expect(pageChanged['browser/miniwob.enter-text']).toBe(before['browser/miniwob.enter-text']);

    await writeFile(join(dir, 'html/core/extra.js'), '// a change to the shared reward code\n');
    const coreChanged = versions(dir);
    for (const id of Object.keys(before)) expect(coreChanged[id]).not.toBe(pageChanged[id]);

    await writeFile(join(dir, 'html/common/ui_utils.js'), '// the helpers pages use changed\n');
    const commonChanged = versions(dir);
    for (const id of Object.keys(before)) expect(commonChanged[id]).not.toBe(coreChanged[id]);
  });
});
