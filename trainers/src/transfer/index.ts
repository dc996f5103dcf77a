// The transfer matrix (`@workgym/trainers/transfer`): train on env subsets, test on every env.
export { trainingSets, transferMatrix, type TransferOptions, type TransferResult } from './transfer.js';
export { embeddedTrainer, externalTrainer, type TransferTrainer } from './transfer-trainers.js';
export { DIFFERS_BELOW_P, type CellComparison, type CellPart, type CellResult, type TransferCell, type TransferMatrix } from './matrix.js';
export { transferCsv, transferJson, transferMarkdown, type TransferFiles } from './write-transfer.js';
export { startWarmPools, type WarmPools } from './warm-pools.js';
