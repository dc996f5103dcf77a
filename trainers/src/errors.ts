import { WorkgymError } from '@workgym/protocol';

/** Training data or settings that cannot produce a correct result; the message says what to change. */
export class TrainerInputError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_TRAINER_INPUT', message);
  }
}

/** A saved policy folder that is missing, unreadable or of another format. */
export class PolicyFormatError extends WorkgymError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('WORKGYM_POLICY_FORMAT', message, options);
  }
}

/** A chat template whose output would silently train on the wrong tokens. */
export class TemplateCheckError extends WorkgymError {
  constructor(
    message: string,
    readonly problems: readonly string[],
  ) {
    super('WORKGYM_TEMPLATE_CHECK', message);
  }
}

/** The external trainer command failed or printed no endpoint. */
export class ExternalTrainerError extends WorkgymError {
  constructor(message: string) {
    super('WORKGYM_EXTERNAL_TRAINER', message);
  }
}

/** A chat-completions request the embedded policy cannot answer (HTTP 400); `param` names the request field at fault. */
export class PolicyRequestError extends WorkgymError {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super('WORKGYM_POLICY_REQUEST', message);
  }
}
