// The estimators live with the records (`data stats` reports them too); trainers use them from there.
export { meanPassAtK, meanPassHatK, passAtK, passHatK, type TaskMean } from '@workgym/trajectories';
