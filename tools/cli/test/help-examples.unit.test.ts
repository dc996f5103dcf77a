import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beforePipe, commandPath, docsExamples, helpExamples, helpPages, outPath, withoutComment } from './help-examples.js';

// How help-examples.test.ts finds the examples it runs; running them is that file's work.

const pages = await helpPages();

describe('collecting examples', () => {
  it('walks every command and subcommand, and knows which have --dry-run', () => {
    const paths = pages.map((p) => p.path.join(' '));
    expect(paths).toEqual(expect.arrayContaining(['', 'rollout', 'data', 'data stats', 'eval compare', 'images build', 'images prune']));
    const dry = (path: string) => pages.find((p) => p.path.join(' ') === path)!.dryRun;
    expect(['rollout', 'eval', 'train', 'transfer', 'check', 'images build', 'images prune'].filter(dry)).toHaveLength(7);
    expect(dry('data stats')).toBe(false);
  });

  it("takes a help page's examples from its real --help, a continued line joined", () => {
    const train = helpExamples(pages.find((p) => p.path.join(' ') === 'train')!);
    expect(train.every((e) => e.source === 'workgym train --help')).toBe(true);
    expect(train.map((e) => e.command)).toContainEqual(expect.stringMatching(/--max-steps 15 --iterations 8 /));
    expect(train.some((e) => e.command.endsWith('\\'))).toBe(false);
  });

  it('reads only the docs blocks fenced as runnable, each command with where it is', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'workgym-docs-')), 'page.md');
    await writeFile(file, ['```sh', 'workgym envs', '```', '', '```sh runnable', '# a comment', 'npx workgym data stats \\', '  runs/demo', '```'].join('\n'));
    expect(await docsExamples(file, 'page.md')).toEqual([{ source: 'page.md:5 #1', command: 'npx workgym data stats runs/demo' }]);
  });

  it('finds the command an example runs, the path it writes, and what comes before its pipe', () => {
    expect(commandPath('npx workgym data stats runs/demo --json', pages)?.path).toEqual(['data', 'stats']);
    expect(commandPath('workgym eval compare runs/a runs/b', pages)?.path).toEqual(['eval', 'compare']);
    expect(commandPath('curl -s localhost:8100/v1', pages)).toBeUndefined();
    expect(outPath('workgym transfer --out transfer/ --runtime local')).toBe('transfer');
    expect(outPath('workgym rollout --agent expert')).toBeUndefined();
    expect(beforePipe(`workgym x --json | jq '.cells[] | select(.a)'`)).toBe('workgym x --json');
    expect(beforePipe(`workgym x --family "a|b"`)).toBe(`workgym x --family "a|b"`);
  });

  it("drops an example's trailing comment, whatever quotes it holds, and keeps a # inside quotes or a word", () => {
    expect(withoutComment(`workgym data rescore runs/demo   # replay with today's verifiers`)).toBe('workgym data rescore runs/demo');
    expect(withoutComment(`workgym x --family "a #b"  # the "a #b" family`)).toBe('workgym x --family "a #b"');
    expect(withoutComment(`workgym x --label a#b`)).toBe('workgym x --label a#b');
  });
});
