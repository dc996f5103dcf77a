import type { Command } from 'commander';
import { lazy } from '../lazy.js';
import { MIX_VERIFIERS_FLAG } from '../mix-verifiers.js';
import { addOptions } from '../options.js';

export function defineEvalCompare(command: Command): void {
  addOptions(command, { onlyEnvs: {}, family: { help: 'only families whose id matches' } })
    .option(
      MIX_VERIFIERS_FLAG,
      'compare runs whose episodes of a family were judged by different verifier versions (refused otherwise: `workgym data rescore` re-verifies a run)',
    )
    .option(
      '--json',
      'print the report as JSON: {"a", "b", "pairs", "onlyInA": {"tasks", "first"}, "onlyInB", "unpairedEpisodes", "rows": [{"scope", "key", "pairs", "a", "b", "difference", "low", "high", "mcnemarP", "both", "onlyA", "onlyB", "neither"}]}',
    )
    .addHelpText(
      'after',
      `
Pairs the episodes of two runs by task (env, family, split, seed): the k-th episode of a task in
A with the k-th of the same task in B, in episode-id order. Tasks in one run only are left out
and listed; with no task in common the command refuses. Per env, family and job, and in total:
each run's success (verified successes only) with its 95% Wilson interval, B − A with a 95%
paired bootstrap interval, and the exact McNemar p over the pairs only one run solved.

Examples:
  workgym eval compare runs/base runs/trained
  workgym eval compare runs/base runs/trained --env code --family "code/sql-*"
  workgym eval compare runs/base runs/trained --json | jq '.rows[] | select(.scope == "family")'`,
    )
    .action(lazy(async () => (await import('../actions/eval-compare.js')).compare));
}
