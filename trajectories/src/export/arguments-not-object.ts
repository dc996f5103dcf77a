/**
 * Raised by a row builder when a tool call's arguments are not a JSON object (the model
 * wrote broken JSON); the exporter leaves that episode out and counts it. Internal: it
 * never leaves exportRun.
 */
export class ArgumentsNotObject extends Error {
  constructor(readonly argumentsJson: string) {
    super('tool call arguments are not a JSON object');
  }
}
