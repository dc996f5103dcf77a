import { WorkgymError } from '@workgym/protocol/errors';

/**
 * The command line asked for something that cannot be: said plainly, with what to do. The CLI
 * prints `hint` on its own line (default: see the command's --help).
 */
export class UsageError extends WorkgymError {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super('WORKGYM_USAGE', message);
  }
}
