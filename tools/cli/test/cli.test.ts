import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workgym } from './run-cli.js';

describe('the workgym command', () => {
  it('lists its commands in --help', async () => {
    const { code, stdout } = await workgym('--help');
    expect(code).toBe(0);
    for (const command of ['envs', 'images', 'serve', 'check', 'rollout', 'demo']) expect(stdout).toContain(command);
  });

  it('shows examples in the help of a command', async () => {
    const { stdout } = await workgym('envs', '--help');
    expect(stdout).toMatch(/Examples:\n\s+workgym envs/);
  });

  it('prints envs as JSON in the documented shape', async () => {
    const { code, stdout } = await workgym('envs', '--json');
    expect(code).toBe(0);
    const { envs } = JSON.parse(stdout) as {
      envs: { name: string; version: string; families: { id: string; job: string; difficulty: string; strategies: string[] }[]; tools: { name: string }[] }[];
    };
    expect(envs.map((e) => e.name)).toContain('code');
    // The names --expert-variant takes.
    expect(envs.find((e) => e.name === 'code')!.families.find((f) => f.id === 'code/py-fix-bug')!.strategies).toEqual(['edit-file', 'sed']);
    for (const env of envs) {
      expect(env.families.length).toBeGreaterThan(0);
      for (const f of env.families) expect(f.id.startsWith(`${env.name}/`)).toBe(true);
      expect(env.tools.length).toBeGreaterThan(0);
    }
  });

  it('rejects a bad option value with what was wrong', async () => {
    const { code, stderr } = await workgym('check', '--runtime', 'cloud');
    expect(code).toBe(1);
    expect(stderr).toContain('--runtime must be docker or local, not cloud');
  });

  it('explains every problem with a rollout configuration before starting anything', async () => {
    const { code, stderr } = await workgym('rollout', '--agent', 'expert', '--episodes', '0', '--out', '/tmp/never', '--split', 'dev');
    expect(code).toBe(1);
    expect(stderr).toContain('invalid rollout configuration');
    expect(stderr).toMatch(/episodes: Too small/);
    expect(stderr).toMatch(/split: Invalid option/);
    const openai = await workgym('rollout', '--agent', 'openai', '--out', '/tmp/never');
    expect(openai.stderr).toContain('the openai agent needs --model and --base-url');
  });

  it('validates a rollout config file, naming the file and the unknown keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'workgym-cli-'));
    const file = join(dir, 'rollout.json');
    await writeFile(file, JSON.stringify({ agent: 'expert', out: join(dir, 'run'), paralel: 4 }));
    const typo = await workgym('rollout', '--config', file);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(file);
    expect(typo.stderr).toMatch(/paralel/);
    await writeFile(file, '{"agent": "expert",');
    const broken = await workgym('rollout', '--config', file);
    expect(broken.stderr).toMatch(/is not valid JSON/);
  });

  it('lists env images', async () => {
    const { code, stdout } = await workgym('images', 'ls', '--json');
    expect(code).toBe(0);
    const { images } = JSON.parse(stdout) as { images: { env: string; tag: string }[] };
    expect(images.map((i) => i.env)).toContain('counter');
  });

  it('exits non-zero on an unknown command and says so', async () => {
    const { code, stderr } = await workgym('fly');
    expect(code).not.toBe(0);
    expect(stderr).toMatch(/unknown command 'fly'/);
  });
});
