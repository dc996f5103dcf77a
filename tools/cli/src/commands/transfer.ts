import type { Command } from 'commander';
import { addAgentOptions } from '../agent-options.js';
import { addPeopleOptions } from '../people-options.js';
import { addDryRunOption } from '../dry-run.js';
import { lazy } from '../lazy.js';
import { addOptions, COUNT, numberOption } from '../options.js';

export function defineTransfer(command: Command): void {
  addOptions(command, { env: {}, family: { help: 'only families whose id matches' }, holdOut: {}, includeHeldOut: {} })
    .addOption(numberOption('--train-episodes <n>', 'expert episodes per family to train on (train split)', COUNT, 20))
    .addOption(numberOption('--test-episodes <n>', 'test episodes per family (test split)', COUNT, 10))
    .option('--out <dir>', 'output folder: transfer.md, transfer.csv, transfer.json, transfer.png and every run');
  addOptions(command, {
    runtime: { default: 'docker' },
    maxSteps: { help: 'step limit per episode', default: 30 },
    parallel: { default: 'auto' },
    epochs: { help: 'behaviour-cloning epochs of the embedded learner', default: 8 },
    reward: { help: "what every episode's final reward pays (the cells are success rates either way): success | shaped", default: 'success' },
  })
    .option('--trainer-command <cmd>', 'train with an external trainer instead (gets {batch}: the expert episodes; prints the endpoint)')
    .option('--no-baseline', 'leave out the untrained-policy row (and with it every paired difference)')
    .option(
      '--json',
      'print the matrix as JSON on stdout (as transfer.json): {"trainSets", "testEnvs", "cells": [{"trainSet", "testEnv", "success", "vsUntrained": {"pairs", "difference", "low", "high", "mcnemarP", "onlyUntrained", "onlyTrained", "differs"}, "trainedFamilies", "heldOutFamilies"}], "differsBelowP"}; trainedFamilies and heldOutFamilies ({"families", "success", "vsUntrained"}) split a cell whose test env holds out families',
    );
  addAgentOptions(command, {
    only: ['baseUrl', 'model', 'apiKeyEnv', 'context'],
    help: {
      baseUrl: 'with --trainer-command: the endpoint before training (passed as {endpoint})',
      model: 'with --trainer-command: the model name before training',
    },
  });
  addPeopleOptions(command);
  addDryRunOption(command)
    .addHelpText(
      'after',
      `
Training sets: each env alone, all envs (2+ envs), and all-but-<env> for each env (3+ envs),
plus an "untrained" baseline row. Each set's policy is evaluated greedily on every env's test
split; cells are success rates with 95% Wilson intervals, and each trained cell's difference to
the untrained row on the same test tasks (env, family, split, seed) with its 95% paired
interval and exact McNemar p; cells with p < 0.05 are marked.

Held-out families: the expert episodes every set trains on leave out the families the catalogue
holds out (\`workgym envs\` marks them; --hold-out names others in their place, --include-held-out
keeps none out), while every set is tested on all. A cell whose test env holds out families is
also split into "trained families" (the families training draws from: test seeds unseen) and
"held-out families" (unseen families), each with its own paired difference to the untrained
row: transfer.md's second table, the families column of transfer.csv (all, trained, held-out),
trainedFamilies and heldOutFamilies in transfer.json.

One warm pool of --parallel instances per env (auto: the fewest that --parallel auto gives any
of the envs) serves the whole matrix, and the sets are evaluated at once through it.

Examples:
  workgym transfer --out transfer/ --runtime local --train-episodes 20 --test-episodes 10
  workgym transfer --env code,browser --family "*/*{question,find-answer}*" --out transfer/q
  workgym transfer --env spreadsheet --hold-out "spreadsheet/answer-question" --out transfer/unseen --json | jq '.cells[].heldOutFamilies'
  workgym transfer --train-episodes 3 --test-episodes 3 --out transfer/quick --json | jq '.cells[] | select(.vsUntrained.differs)'
  workgym transfer --trainer-command "python sft.py {batch}" --base-url http://localhost:8000/v1 --model base --out transfer/ext`,
    )
    .action(lazy(async () => (await import('../actions/transfer.js')).transfer));
}
