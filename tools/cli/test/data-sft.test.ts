import { createHash } from 'node:crypto';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadTokenizer } from '@workgym/trainers';
import { beforeAll, describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

interface SftLine {
  input_ids: number[];
  loss_mask: number[];
  weights: number[];
  position_ids: number[];
  boundaries: number[];
  examples: string[];
}

const readLines = async (path: string) =>
  (await readFile(path, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as SftLine);

let dir: string;
let run: string;

// A real run written by the store: expert episodes of a spreadsheet family, env server as a child process.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'workgym-cli-sft-'));
  run = join(dir, 'run');
  const rollout = await workgym(
    'rollout',
    '--env',
    'spreadsheet',
    '--family',
    'spreadsheet/clean-names',
    '--runtime',
    'local',
    '--agent',
    'expert',
    '--episodes',
    '2',
    '--out',
    run,
  );
  expect(rollout.code, rollout.stderr).toBe(0);
}, 300_000);

describe('workgym data sft', () => {
  it('writes packed token ids whose loss mask covers exactly the assistant tool calls, with the tokenizer and template hash', async () => {
    const out = join(dir, 'qwen');
    const { code, stdout, stderr } = await workgym('data', 'sft', run, '--out', out, '--json');
    expect(code, stderr).toBe(0);
    const report = JSON.parse(stdout) as { examples: number; packs: number; check: { ok: boolean } };
    expect(report).toMatchObject({ examples: 2, check: { ok: true } });
    const lines = await readLines(join(out, 'sft.jsonl'));
    expect(lines).toHaveLength(report.packs);
    const qwen = loadTokenizer('qwen3');
    for (const line of lines) {
      for (const key of ['loss_mask', 'weights', 'position_ids'] as const) expect(line[key]).toHaveLength(line.input_ids.length);
      expect(line.input_ids.length).toBeLessThanOrEqual(8192);
      expect(line.boundaries.at(-1)).toBe(line.input_ids.length);
      const trained = qwen.decode(line.input_ids.filter((_, i) => line.loss_mask[i] === 1));
      const masked = qwen.decode(line.input_ids.filter((_, i) => line.loss_mask[i] === 0));
      // Trained: the assistant's calls and end-of-turn tokens. Masked: the system, the user turn and tool outputs.
      expect(trained).toContain('<tool_call>');
      expect(trained).toContain('<|im_end|>');
      expect(trained).not.toContain('<tool_response>');
      expect(masked).toContain('<tool_response>');
      expect(masked).toContain('<|im_start|>user');
    }
    const meta = JSON.parse(await readFile(join(out, 'sft-meta.json'), 'utf8')) as {
      tokenizer: string;
      template: string;
      templateSha256: string;
      examples: number;
    };
    const source = await readFile(fileURLToPath(new URL('../../../trainers/templates/qwen-hermes.jinja', import.meta.url)), 'utf8');
    expect(meta).toMatchObject({ template: 'qwen-hermes', templateSha256: createHash('sha256').update(source).digest('hex'), examples: 2 });
    expect(meta.tokenizer).toMatch(/qwen3/i);
  }, 120_000);

  it('renders another template family unpacked: one episode per line with its own tokenizer', async () => {
    const out = join(dir, 'llama');
    const { code, stderr } = await workgym('data', 'sft', run, '--template', 'llama3.1', '--no-pack', '--out', out);
    expect(code, stderr).toBe(0);
    const lines = await readLines(join(out, 'sft.jsonl'));
    expect(lines.map((l) => l.boundaries)).toEqual(lines.map((l) => [0, l.input_ids.length]));
    expect(lines).toHaveLength(2);
    const trained = loadTokenizer('llama3').decode(lines[0]!.input_ids.filter((_, i) => lines[0]!.loss_mask[i] === 1));
    expect(trained).toContain('"parameters"');
    expect(trained).not.toContain('<|start_header_id|>ipython');
  }, 120_000);

  it('refuses a template that re-renders earlier turns, writing nothing', async () => {
    const template = join(dir, 'rewrites.jinja');
    await writeFile(
      template,
      "{%- for m in messages %}<|im_start|>{{ m.role }}\n{%- if m.role == 'assistant' and not loop.last %}(earlier reply){%- else %}{{ m.content }}{%- endif %}<|im_end|>\n{%- endfor %}{%- if add_generation_prompt %}<|im_start|>assistant\n{%- endif %}",
    );
    const out = join(dir, 'broken');
    const refused = await workgym('data', 'sft', run, '--template', template, '--tokenizer', 'qwen3', '--out', out);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/fails the check.*\n.*prefix: appending message/);
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
    const noTokenizer = await workgym('data', 'sft', run, '--template', template, '--out', out);
    expect(noTokenizer.code).toBe(1);
    expect(noTokenizer.stderr).toMatch(/needs --tokenizer/);
  }, 120_000);
});
