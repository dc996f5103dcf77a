import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { numberOption } from '../options.js';

export function defineServePolicy(command: Command): void {
  command
    .addOption(numberOption('--port <n>', 'port to listen on (0: any free port)', { integer: true, min: 0, max: 65535 }, 8100))
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
    .action(lazy(async () => (await import('../actions/serve-policy.js')).servePolicy));
}
