// The estimator lives with the records (`data stats` reports it too); trainers use it from there.
export { wilson, type Proportion } from '@workgym/trajectories';
