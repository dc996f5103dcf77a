// The transfer matrix (`@workgym/trainers/transfer`): train on env subsets, test on every env.
export {
  embeddedTrainer,
  externalTrainer,
  trainingSets,
  transferMatrix,
  type TransferCell,
  type TransferOptions,
  type TransferResult,
  type TransferTrainer,
} from './transfer.js';
