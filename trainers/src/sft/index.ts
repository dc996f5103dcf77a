// Token-level SFT data (`@workgym/trainers/sft`).
export { loadTokenizer, TOKENIZERS, type TextTokenizer, type TokenizerName } from './tokenizer.js';
export { ChatTemplate, SHIPPED_TEMPLATES, type ShippedTemplate, type TemplateMessage } from './chat-template.js';
export {
  recordExamples,
  renderSegments,
  tokenizeSegments,
  type RenderOptions,
  type Segment,
  type TemplateExample,
  type TokenizedExample,
} from './render-sft.js';
export { checkTemplate, SAMPLE_CONVERSATION, SAMPLE_TOOLS, type TemplateCheckReport } from './template-check.js';
export { buildSftDataset, pack, writeSftDataset, type Pack, type SftDataset, type SftOptions } from './sft-dataset.js';
