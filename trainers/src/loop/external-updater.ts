import { spawn } from 'node:child_process';
import { ExternalTrainerError } from '../errors.js';
import type { PolicyEndpoint } from './endpoint.js';
import type { PolicyUpdater, RlBatch } from './policy-updater.js';

export interface ExternalUpdaterOptions {
  /**
   * A shell command run once per iteration. `{batch}`, `{iteration}`, `{endpoint}` and `{model}`
   * are replaced (shell-quoted); the same values are in WORKGYM_BATCH, WORKGYM_ITERATION,
   * WORKGYM_ENDPOINT and WORKGYM_MODEL. Its last non-empty stdout line is the new policy's
   * endpoint: a base URL (`http://host:8000/v1`) or JSON `{"baseURL": "...", "model": "..."}`.
   */
  command: string;
  /** The endpoint of the policy before the first update. */
  initial: PolicyEndpoint;
  log?: (line: string) => void;
}

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

/** An external trainer (TRL, verl, your own script) reached through a command. */
export class ExternalUpdater implements PolicyUpdater {
  readonly kind = 'external';
  private endpoint: PolicyEndpoint;

  constructor(private readonly options: ExternalUpdaterOptions) {
    this.endpoint = options.initial;
  }

  async start(): Promise<PolicyEndpoint> {
    return this.endpoint;
  }

  async update(batch: RlBatch, signal?: AbortSignal): Promise<PolicyEndpoint> {
    const values: Record<string, string> = {
      batch: batch.file,
      iteration: String(batch.iteration),
      endpoint: this.endpoint.baseURL,
      model: this.endpoint.model,
    };
    const command = this.options.command.replace(/\{(batch|iteration|endpoint|model)\}/g, (_, k: string) => quote(values[k]!));
    const { code, stdout, stderr } = await run(
      command,
      {
        ...process.env,
        WORKGYM_BATCH: batch.file,
        WORKGYM_ITERATION: String(batch.iteration),
        WORKGYM_ENDPOINT: this.endpoint.baseURL,
        WORKGYM_MODEL: this.endpoint.model,
      },
      signal,
    );
    if (code !== 0) {
      throw new ExternalTrainerError(
        `the trainer command exited with ${code} at iteration ${batch.iteration}: ${command}\n--- stderr ---\n${stderr.slice(-4000)}`,
      );
    }
    this.endpoint = parseEndpoint(stdout, this.endpoint.model, command);
    this.options.log?.(`iteration ${batch.iteration}: the trainer returned ${this.endpoint.baseURL} (${this.endpoint.model})`);
    return this.endpoint;
  }

  async close(): Promise<void> {}

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The endpoint in the command's last non-empty stdout line. */
export function parseEndpoint(stdout: string, model: string, command = 'the trainer command'): PolicyEndpoint {
  const line =
    stdout
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .at(-1) ?? '';
  if (line.startsWith('{')) {
    try {
      const parsed = JSON.parse(line) as { baseURL?: unknown; model?: unknown };
      if (typeof parsed.baseURL === 'string' && /^https?:\/\//.test(parsed.baseURL)) {
        return { baseURL: parsed.baseURL, model: typeof parsed.model === 'string' && parsed.model ? parsed.model : model };
      }
    } catch {
      // falls through to the error below
    }
  } else if (/^https?:\/\/\S+$/.test(line)) {
    return { baseURL: line, model };
  }
  throw new ExternalTrainerError(
    `${command} printed no endpoint: its last stdout line must be a base URL (http://host:port/v1) or {"baseURL": "...", "model": "..."}, not ${JSON.stringify(line.slice(0, 200))}`,
  );
}

function run(command: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { env, stdio: ['ignore', 'pipe', 'pipe'], signal });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
      if (stderr.length > 64_000) stderr = stderr.slice(-32_000);
    });
    child.on('error', (error) => reject(signal?.aborted ? signal.reason : new ExternalTrainerError(`cannot run the trainer command: ${error.message}`)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}
