/**
 * The tools that end an episode: in every workgym env a successful `submit`, `answer` or
 * `report_infeasible` step is `terminated`, and no other tool ends one (workgym.proto, EPISODES). Agents that put calls of
 * their own in place of a policy's (noise, perturbations) leave these out, so the episode goes on
 * from where the call led instead of ending there.
 */
/** The ending tool every generated family's session offers: the request cannot be done (workgym.proto, INFEASIBLE TASKS). */
export const REPORT_INFEASIBLE = 'report_infeasible';

export const ENDING_TOOLS: readonly string[] = ['submit', 'answer', REPORT_INFEASIBLE];

/** Whether a call of the tool `name` ends the episode. */
export const endsEpisode = (name: string): boolean => ENDING_TOOLS.includes(name);
