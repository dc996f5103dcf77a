// Everything trainers offers. Each part is also its own door, which loads only that part:
// `@workgym/trainers/sft`, `/rl`, `/loop`, `/learner`, `/charts`, `/serve`, `/eval`, `/transfer`
// (the CLI imports those, so a command loads only what it runs).
export { ExternalTrainerError, PolicyFormatError, PolicyRequestError, TemplateCheckError, TrainerInputError } from './errors.js';
export * from './eval/index.js';
export * from './rl/index.js';
export * from './learner/index.js';
export * from './serve/index.js';
export * from './loop/index.js';
export * from './charts/index.js';
export * from './transfer/index.js';
export * from './sft/index.js';
