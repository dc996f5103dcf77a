// The state checks of the IT families (disk clean-up, secret rotation) and the user audit's
// answer, on their edge cases: the expert's work, then one change an agent might make, then the
// verdict of the real judge (local sandbox, in process).
import { describe, expect, it } from 'vitest';
import type { EnvClient, StepReply, Verdict } from '@workgym/protocol';
import { CodeEnv } from '../src/index.js';
import { call, open, servedInProcess, type OpenEpisode } from './helpers.js';

const env = new CodeEnv();
const client = servedInProcess(env);

/** Plays the expert until it would submit or answer; returns that final call's name and arguments. */
async function expertUntilFinal(c: EnvClient, episode: OpenEpisode): Promise<{ name: string; args: Record<string, unknown> }> {
  for (let step = 0; step < 40; step++) {
    const action = await c.expert(episode.session);
    const next = action.calls[0]!;
    const args = JSON.parse(next.argumentsJson!) as Record<string, unknown>;
    if (next.name === 'submit' || next.name === 'answer') return { name: next.name, args };
    await c.step(episode.session, [call(next.name, args)]);
  }
  throw new Error('the expert did not finish');
}

/** The verdict after `change`, made once the expert's work is done (or on the untouched start: `expert` false). */
async function verdictAfter(family: string, seed: number, change: (episode: OpenEpisode) => Promise<unknown>, expert = true): Promise<Verdict> {
  const episode = await open(client, family, seed);
  if (expert) await expertUntilFinal(client, episode);
  await change(episode);
  const reply: StepReply = await episode.step('submit');
  await episode.close();
  return reply.verdict!;
}

describe('it-rotate-secret judge', () => {
  const family = 'code/it-rotate-secret';
  // Every line of .env that holds the new value, rewritten with double quotes and backslash escapes.
  const doubleQuoteEnv = `python3 - <<'EOF'
import re
lines = open('.env').read().split('\\n')
out = []
for line in lines:
    m = re.match(r"^([A-Z_]+)='(.*)'$", line)
    if m and '"' in m.group(2):
        value = re.sub(r'([\\\\"$\`])', r'\\\\\\1', m.group(2))
        line = f'{m.group(1)}="{value}"'
    out.append(line)
open('.env', 'w').write('\\n'.join(out))
EOF`;

  it('accepts another quoting that gives the same value, and ignores modules planted for its parsers (which fail only as collateral)', async () => {
    const requote = async (e: OpenEpisode) => {
      expect(await e.bash(doubleQuoteEnv)).toMatch(/exit code 0/);
      expect(await e.bash("grep -c '=\"' .env")).toMatch(/exit code 0/);
    };
    const verdict = await verdictAfter(family, 1, requote);
    expect(verdict.success, verdict.detail ?? undefined).toBe(true);
    const planted = await verdictAfter(family, 1, async (e) => {
      await requote(e);
      await e.bash("printf 'raise SystemExit(3)\\n' > configparser.py && cp configparser.py shlex.py");
    });
    // The parsers still read the rotated files right; the planted modules are files the task did not ask for.
    expect(planted.components).toMatchObject({ new_value_set: 1, old_value_gone: 1, other_keys_kept: 1, no_collateral: 0 });
    expect(planted.detail).toContain('file:configparser.py added');
  });

  it('fails a JSON file broken by an unescaped quote, and counts that place as not rotated', async () => {
    const verdict = await verdictAfter(family, 2, (e) => e.bash(`sed -i 's/\\\\"/"/' config/settings.json`));
    expect(verdict.success).toBe(false);
    expect(verdict.components!.new_value_set).toBeLessThan(1);
    expect(verdict.components!.other_keys_kept).toBe(0);
  });

  it('fails when a neighbouring key changed, and when the old value survives in a comment', async () => {
    const neighbour = await verdictAfter(family, 3, (e) => e.bash("sed -i 's/^\\(.*_HOST=\\).*/\\1changed.internal/' .env"));
    expect(neighbour.components).toMatchObject({ new_value_set: 1, old_value_gone: 1, other_keys_kept: 0 });
    const episode = await open(client, family, 4);
    const old = /^\S+?=(?:'|")?([A-Za-z0-9]+)/m.exec((await episode.bash("grep -E '^[A-Z_]+(PASSWORD|API_KEY)=' .env | head -n 1")).split('---').pop()!)![1]!;
    await expertUntilFinal(client, episode);
    await episode.bash(`printf '# was ${old}\\n' >> config/app.yaml`);
    const comment = (await episode.step('submit')).verdict!;
    await episode.close();
    expect(comment.components).toMatchObject({ new_value_set: 1, old_value_gone: 0, other_keys_kept: 1 });
  });
});

describe('it-disk-cleanup judge', () => {
  const family = 'code/it-disk-cleanup';

  it('counts an allowed file emptied in place as freed', async () => {
    const verdict = await verdictAfter(family, 1, (e) => e.bash('true'));
    expect(verdict.success, verdict.detail ?? undefined).toBe(true);
    const episode = await open(client, family, 1);
    await episode.bash('for f in var/crash/core.*; do truncate -s 0 "$f"; done');
    await expertUntilFinal(client, episode);
    expect((await episode.step('submit')).verdict!.success).toBe(true);
    await episode.close();
  });

  it('finds one byte written into the hole of a protected file, a file replaced by a link, and a truncated current log', async () => {
    // On the untouched start (nothing freed yet): the guard alone tells these apart.
    const damage = [
      'f=$(ls data/*/*.db | head -n 1); printf \'x\' | dd of="$f" bs=1 seek=5000000 conv=notrunc status=none',
      'f=$(ls home/*/notes.txt | head -n 1); mv "$f" "$f.bak" && ln -s notes.txt.bak "$f"',
      'f=$(ls var/log/*/*.log | head -n 1); truncate -s -1 "$f"',
    ];
    for (const [i, command] of damage.entries()) {
      const verdict = await verdictAfter(family, 2 + i, (e) => e.bash(command), false);
      expect(verdict.components, command).toMatchObject({ space_freed: 0, protected_kept: 0 });
    }
    const untouched = await verdictAfter(family, 2, (e) => e.bash('true'), false);
    expect(untouched.components).toMatchObject({ space_freed: 0, protected_kept: 1 });
  });

  it('gives the declared apparent sizes and ages at reset', async () => {
    const episode = await open(client, family, 5);
    const out = await episode.bash("find var/crash -type f -printf '%s %T@\\n'");
    const rows = out
      .split('\n')
      .filter((l) => /^\d+ \d+/.test(l))
      .map((l) => l.split(' ').map(Number));
    await episode.close();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    for (const [size, mtime] of rows) {
      expect(size).toBeGreaterThan(40 * 1024 * 1024);
      expect(mtime).toBeLessThan(Date.now() / 1000 - 86_400 + 60);
    }
  });
});

describe('it-user-audit answers', () => {
  it('accepts the names joined by commas with or without spaces, not in another order', async () => {
    const family = 'code/it-user-audit';
    for (const [seed, form, success] of [
      [1, (names: string[]) => names.join(','), true],
      [2, (names: string[]) => names.join(' '), true],
      [3, (names: string[]) => [...names].reverse().join(', '), false],
    ] as const) {
      const episode = await open(client, family, seed);
      const final = await expertUntilFinal(client, episode);
      const names = String(final.args.text).split(', ');
      if (!success) expect(names.length).toBeGreaterThanOrEqual(2);
      const reply = await episode.step('answer', { text: form(names) });
      await episode.close();
      expect(reply.verdict!.success, `seed ${seed}`).toBe(success);
    }
  });
});

// The env is closed by servedInProcess after the file; nothing else to clean.
export {};
