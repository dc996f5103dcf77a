import { WorkgymError } from '@workgym/protocol';

/** The command line asked for something that cannot be: said plainly, with what to do. */
export class UsageError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_USAGE', message);
  }
}
