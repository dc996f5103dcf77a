// The one flag of every command that puts stored episodes in one table or file (eval --run,
// data stats, data export, data sft, train --from): see refuseMixedVerifiers in trajectories.
export const MIX_VERIFIERS_FLAG = '--mix-verifiers';
export const MIX_VERIFIERS_HELP =
  "put a family's episodes judged by different verifier versions together (refused otherwise: `workgym data rescore` re-verifies a run)";
