import type { Command } from 'commander';
import { LinearPolicy, PolicyServer } from '@workgym/trainers';
import { UsageError } from '../usage-error.js';

export function registerServePolicyCommand(program: Command): void {
  program
    .command('serve-policy')
    .description('serve a trained embedded policy behind an OpenAI-compatible chat-completions endpoint')
    .argument('<dir>', 'the policy folder (from `workgym train`)')
    .option('--port <n>', 'port to listen on (0: any free port)', '8100')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--model <name>', 'model name to report', 'workgym-linear')
    .addHelpText(
      'after',
      `
POST /v1/chat/completions answers each of its n choices with one tool call: the candidate
action the policy picks (greedy at temperature 0, sampled otherwise), as JSON or, with
"stream": true, as server-sent chunks. The candidates come from the request's
\`workgym_candidates\` field (the openai agent sends it with --candidates) or from a
"Candidate actions:" list in the last user or tool message. A parameter the policy cannot
honour (tool_choice "none", stop, penalties, JSON output, ...) gets a 400 naming it; see
docs/trainers.md. Ctrl-C stops it.

Examples:
  workgym serve-policy policies/bc --port 8100
  workgym eval --agent policy --policy policies/bc --env code     # serves it for you
  curl -s localhost:8100/v1/chat/completions -d '{"messages":[{"role":"user","content":"hi"}],"workgym_candidates":[{"name":"submit","arguments":"{}"}]}'`,
    )
    .action(async (dir: string, flags: { port: string; host: string; model: string }) => {
      const port = Number(flags.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, not ${flags.port}`);
      const policy = await LinearPolicy.load(dir);
      const server = await PolicyServer.start({ policy, port, host: flags.host, model: flags.model }).catch((error: Error) => {
        throw new UsageError(`cannot listen on ${flags.host}:${port}: ${error.message}; pick another --port`);
      });
      console.log(`serving ${dir} (${policy.meta.method}, trained on ${policy.meta.trainedOn.join(', ') || 'nothing'}) at ${server.baseURL}`);
      await new Promise<void>((resolve) => {
        const stop = () => resolve();
        process.once('SIGINT', stop).once('SIGTERM', stop);
      });
      await server.close();
    });
}
