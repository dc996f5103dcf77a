import type { Verdict } from '@workgym/protocol';
import type { McpVerifier } from './task.js';
import type { Workspace } from './workspace.js';

/**
 * The verdict on the workspace as the episode left it: a generated family's own judge, or for a
 * task file's task 1 when every part of the verifier passes, else 0 (a task is done or not; the
 * components say which part failed).
 */
export async function verifyWorkspace(verifier: McpVerifier, workspace: Workspace, signal: AbortSignal): Promise<Verdict> {
  if (verifier.judge) return verifier.judge(workspace);
  const components: Record<string, number> = {};
  const problems: string[] = [];
  if (verifier.files) {
    const wrong = await wrongFiles(verifier.files, workspace);
    const total = Object.keys(verifier.files).length;
    components.files = total === 0 ? 1 : (total - wrong.length) / total;
    problems.push(...wrong);
  }
  if (verifier.check !== undefined) {
    const run = await workspace.runCheck(verifier.check, signal);
    components.check = run.code === 0 ? 1 : 0;
    if (run.code !== 0) problems.push(`the check command exited with ${run.code ?? 'a signal'}${run.output ? `: ${run.output.slice(-500)}` : ''}`);
  }
  const success = problems.length === 0;
  return { reward: success ? 1 : 0, success, components, detail: success ? 'every check passed' : problems.join('; ') };
}

async function wrongFiles(expected: Readonly<Record<string, string | null>>, workspace: Workspace): Promise<string[]> {
  const wrong: string[] = [];
  for (const [path, want] of Object.entries(expected)) {
    const found = await workspace.read(path);
    if ('problem' in found) wrong.push(found.problem);
    else if (want === null && found.content !== null) wrong.push(`${path} should not exist`);
    else if (want !== null && found.content === null) wrong.push(`${path} is missing`);
    else if (want !== null && found.content !== want) wrong.push(`${path} does not hold what it should`);
  }
  return wrong;
}
