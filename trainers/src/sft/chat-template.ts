import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Template } from '@huggingface/jinja';
import { TrainerInputError } from '../errors.js';

/** A chat message in the OpenAI shape templates expect. */
export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  tool_calls?: { id: string; type: 'function'; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}

export const SHIPPED_TEMPLATES = { 'qwen-hermes': 'qwen-hermes.jinja', 'llama3.1': 'llama3.1.jinja' } as const;
export type ShippedTemplate = keyof typeof SHIPPED_TEMPLATES;

/** A compiled Jinja chat template and the hash of its source (recorded with the data it renders). */
export class ChatTemplate {
  readonly sha256: string;
  private readonly template: Template;

  constructor(
    readonly name: string,
    readonly source: string,
  ) {
    this.sha256 = createHash('sha256').update(source).digest('hex');
    try {
      this.template = new Template(source);
    } catch (error) {
      throw new TrainerInputError(`chat template ${name} does not parse: ${(error as Error).message}`);
    }
  }

  /** One of the templates in trainers/templates/ (qwen-hermes, llama3.1). */
  static shipped(name: ShippedTemplate): ChatTemplate {
    const file = SHIPPED_TEMPLATES[name];
    if (!file)
      throw new TrainerInputError(`no shipped template ${JSON.stringify(name)}; use one of ${Object.keys(SHIPPED_TEMPLATES).join(', ')} or a .jinja file`);
    return new ChatTemplate(name, readFileSync(new URL(`../../templates/${file}`, import.meta.url), 'utf8'));
  }

  render(messages: readonly TemplateMessage[], options: { tools?: unknown[]; addGenerationPrompt?: boolean; bosToken?: string } = {}): string {
    return this.template.render({
      messages: messages.map((m) => ({ ...m, tool_calls: m.tool_calls ?? [] })),
      tools: options.tools && options.tools.length ? options.tools : undefined,
      add_generation_prompt: options.addGenerationPrompt ?? false,
      bos_token: options.bosToken ?? '',
      eos_token: '',
    });
  }
}
