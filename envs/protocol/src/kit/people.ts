import { CallRefusedError } from '../errors.js';
import type { ExpertStep } from './family.js';
import { defineTools, z, type ToolTable } from './tools.js';

/**
 * Something only a person of the task knows (a figure, which spec holds, an order number) or an
 * approval only they give. The person says it when a message asks for it, and only then.
 */
export interface Fact {
  /** The fact's name within its person ("target", "spec", "approval"). */
  id: string;
  /** What it is, in words ("the Q3 sales target"), for people reading checks and docs. */
  about: string;
  /**
   * The intents that ask for it: each a pattern of word groups joined by `&`, every group a set
   * of alternatives joined by `|` (a word, a phrase, or a word stem ending in `*`). A message
   * asks for the fact when it holds every group of one intent: `target|goal & q3|third quarter`.
   */
  asks: readonly string[];
  /** At least three messages that ask for it in different words: each must get the same answer (the paraphrase check). */
  paraphrases: readonly string[];
  /** What the person says when asked ("The Q3 target is 1,240,000."). */
  answer: string;
  /** The private value inside the answer ("1,240,000"): a reply to anything else must not contain it. */
  value: string;
  /**
   * What the person says first, by mistake, before correcting themselves in the same reply: the
   * seed's change of detail ("It's order 4412.", then "Sorry, it was order 4411, not 4412.").
   */
  slip?: string;
  /** The fact is an approval: the answer grants it (true) or refuses it (false). */
  approval?: boolean;
}

/** Someone the task's agent can reach: a customer, a colleague, a manager. */
export interface Person {
  /** How the agent addresses them (`message`'s `to`, a ticket's requester): "dana.kim". */
  id: string;
  name: string;
  /** Their role, as the agent is told it ("product owner", "customer"). */
  role: string;
  tone: 'formal' | 'casual';
  /** Where they answer: `message` (the kit's tool, in every env) or an env's own channel (`desk`, `mail`, `chat`). */
  channel: string;
  facts: readonly Fact[];
}

/** One thing a person said, as the episode records it. */
export interface PersonTurn {
  /** The person's id. */
  who: string;
  /** Their name, as the agent saw it. */
  name: string;
  /** Where it was said (`message`, `desk`, `mail`, `chat`). */
  channel: string;
  text: string;
}

/**
 * How the task's people take part: `scripted` answers by the persons' data; `muted` never
 * answers (the conformance check's `muted` near-miss: a people family's expert must then fail,
 * which proves that the instruction alone is not enough).
 */
export type PeopleMode = 'scripted' | 'muted';

/** An OpenAI chat message: what a person is played from. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/**
 * Plays a person from chat messages and gives their reply: the client's language model (a reset
 * with people "client"). The kit writes the messages and checks the reply.
 */
export type PersonVoice = (person: string, messages: ChatMessage[]) => Promise<string>;

/**
 * A person could not be played: the voice failed, or its reply left out a fact the agent asked
 * for or gave one nobody asked for. The person's fault, never the agent's: the step fails with
 * the protocol's people_error, and a rollout retries the episode like an infra fault.
 */
export function peopleError(message: string): CallRefusedError {
  return new CallRefusedError('people_error', message);
}

/** Messages that ask for nothing specific: no person may answer one with anything private. */
export const GENERIC_PROBES: readonly string[] = [
  'Hello!',
  'Hi, I am working on this task. Can you help me?',
  'Thanks for your time.',
  'Is there anything I should know?',
  'What should I do next?',
];

/** The cast of one episode and what they have said: the kit's `message` tool and an env's channels both talk through it. */
export class People {
  /** Which paraphrase of a fact the expert asks with (the conformance check's `paraphrase:<k>` strategies). */
  paraphrase = 0;
  private readonly heardValues = new Map<string, string>();
  private readonly askedFacts = new Set<string>();
  private readonly conversations = new Map<string, ChatMessage[]>();
  private pending: PersonTurn[] = [];

  constructor(
    readonly cast: readonly Person[],
    public mode: PeopleMode = 'scripted',
    /** Who plays the people instead of their script (a client's language model); the kit checks each reply. */
    private readonly voice?: PersonVoice,
  ) {
    for (const person of cast) checkPerson(person);
    const ids = cast.map((p) => p.id);
    if (new Set(ids).size !== ids.length) throw new TypeError(`the task's people share an id: ${ids.join(', ')}`);
  }

  /** The person with id `id`. */
  person(id: string): Person | undefined {
    return this.cast.find((p) => p.id === id);
  }

  /** The people reachable through `channel`. */
  on(channel: string): Person[] {
    return this.cast.filter((p) => p.channel === channel);
  }

  /**
   * Delivers `text` to the person `to` and returns their reply, as turns (none when muted): by
   * their script, or played by the voice and checked (a people_error when the reply fails). The
   * turns are kept for the step's record too (`takeTurns`).
   */
  async send(to: string, text: string): Promise<PersonTurn[]> {
    const person = this.person(to);
    if (!person) throw new RangeError(`no person ${JSON.stringify(to)} in this task (there are: ${this.cast.map((p) => p.id).join(', ') || 'none'})`);
    const facts = asked(person, text);
    const before = new Set(this.askedFacts);
    for (const fact of facts) this.askedFacts.add(`${person.id}/${fact.id}`);
    if (this.mode === 'muted') return [];
    const said = this.voice ? [await this.played(person, text, facts, before)] : replyOf(person, text);
    const turns = said.map((line) => ({ who: person.id, name: person.name, channel: person.channel, text: line }));
    for (const fact of facts) this.heardValues.set(`${person.id}/${fact.id}`, fact.value);
    this.pending.push(...turns);
    return turns;
  }

  /** The voice's reply to `text`, checked: it gives every fact asked for and none that nobody has asked for. */
  private async played(person: Person, text: string, facts: readonly Fact[], askedBefore: ReadonlySet<string>): Promise<string> {
    const history = this.conversations.get(person.id) ?? [];
    const messages = [{ role: 'system' as const, content: personBrief(person, facts) }, ...history, { role: 'user' as const, content: text }];
    let reply: string;
    try {
      reply = await this.voice!(person.id, messages);
    } catch (error) {
      throw peopleError(`${person.name} could not be played: ${(error as Error).message}`);
    }
    const left = facts.find((fact) => !mentions(reply, fact.value));
    if (left) throw peopleError(`${person.name}'s reply left out ${left.about}, which the message asked for: ${JSON.stringify(reply)}`);
    const leaked = person.facts.find((fact) => !facts.includes(fact) && !askedBefore.has(`${person.id}/${fact.id}`) && mentions(reply, fact.value));
    if (leaked) throw peopleError(`${person.name}'s reply gave ${leaked.about}, which nobody asked for: ${JSON.stringify(reply)}`);
    this.conversations.set(person.id, [...history, { role: 'user', content: text }, { role: 'assistant', content: reply }]);
    return reply;
  }

  /** The turns said since the last call, for the step that caused them. */
  takeTurns(): PersonTurn[] {
    const turns = this.pending;
    this.pending = [];
    return turns;
  }

  /**
   * The value of the person's fact as the episode has shown it (after any correction), or
   * undefined when nobody has asked yet or the person did not answer: what an expert may act on.
   */
  heard(person: string, fact: string): string | undefined {
    return this.heardValues.get(`${person}/${fact}`);
  }

  /** Whether a message has asked the person for the fact (answered or not): an expert asks once, then goes on with what it heard. */
  wasAsked(person: string, fact: string): boolean {
    return this.askedFacts.has(`${person}/${fact}`);
  }

  /** The words the expert asks the fact with: its paraphrase number `paraphrase` (mod their count). */
  question(person: string, fact: string): string {
    const found = this.fact(person, fact);
    return found.paraphrases[this.paraphrase % found.paraphrases.length]!;
  }

  /**
   * The expert's step that asks the person for the fact with `message`, saying `why`. The
   * question is the expert's own words about what the episode showed: derived from the person's
   * name (which the instruction shows), so the grounding rule holds.
   */
  ask(person: string, fact: string, why: string): ExpertStep {
    const question = this.question(person, fact);
    const { name } = this.person(person)!;
    const call = { name: MESSAGE, arguments: { to: person, text: question } };
    return { call, text: why, derived: [{ value: question, sources: [name], how: `a question asking ${name} for ${this.fact(person, fact).about}` }] };
  }

  private fact(person: string, fact: string): Fact {
    const found = this.person(person)?.facts.find((f) => f.id === fact);
    if (!found) throw new RangeError(`no fact ${JSON.stringify(fact)} of person ${JSON.stringify(person)}`);
    return found;
  }
}

/** The kit's tool that reaches a person in any env. */
export const MESSAGE = 'message';

/** The near-miss the kit adds to a people family: its expert with no one answering, which must fail. */
export const MUTED = 'muted';

/** The expert strategies `paraphrase:<k>`: the expert asks every fact in its k-th words, and must still succeed. */
export const PARAPHRASE_PREFIX = 'paraphrase:';

/** The paraphrase strategies a people family's expert plays: every fact has at least three paraphrases. */
export const PARAPHRASE_STRATEGIES: readonly string[] = [0, 1, 2].map((k) => `${PARAPHRASE_PREFIX}${k}`);

const DEFINITIONS = {
  [MESSAGE]: {
    description:
      'Send a message to a person of the task (a colleague, a manager, a customer) and read their reply. Ask one clear question; they answer what they know and say so when they do not.',
    args: z.strictObject({
      to: z.string().min(1).max(200).describe("The person's id, as the task names them (e.g. dana.kim)."),
      text: z.string().min(1).max(4_000).describe('Your message.'),
    }),
  },
};

/** `message` as a tool table: every session of a family whose people answer on it offers it. */
export const MESSAGE_TOOL: ToolTable<typeof DEFINITIONS> = defineTools(DEFINITIONS);

/** The tool message the agent reads after `message`: each reply turn, or that none came. */
export function messageResult(person: Person, turns: readonly PersonTurn[]): string {
  if (turns.length === 0) return `Your message to ${person.name} was delivered. No reply came.`;
  return turns.map((turn) => `${person.name} (${person.role}): ${turn.text}`).join('\n');
}

/** Who the agent can message, for the instruction: "Dana Kim (dana.kim), product owner". */
export function reachable(people: readonly Person[]): string {
  return people.map((p) => `${p.name} (${p.id}), ${p.role}`).join('; ');
}

/** What the person says to `text`: the answers to every fact it asks for, or a reply that reveals nothing. */
export function replyOf(person: Person, text: string): string[] {
  const facts = asked(person, text);
  if (facts.length === 0) return [nothingAsked(person, text)];
  return facts.flatMap((fact) => (fact.slip === undefined ? [fact.answer] : [fact.slip, correction(person, fact)]));
}

/** The person's facts that `text` asks for. */
export function asked(person: Person, text: string): Fact[] {
  const words = normalise(text);
  return person.facts.filter((fact) => fact.asks.some((intent) => matchesIntent(words, intent)));
}

function correction(person: Person, fact: Fact): string {
  return person.tone === 'formal' ? `My apologies, I misspoke. ${fact.answer}` : `Sorry, my mistake! ${fact.answer}`;
}

function nothingAsked(person: Person, text: string): string {
  if (text.includes('?')) return person.tone === 'formal' ? "I'm afraid I don't know that." : 'Sorry, no idea about that.';
  return person.tone === 'formal' ? 'Thank you. Let me know what you need from me.' : 'Sure, just tell me what you need.';
}

/** What the voice plays the person from: who they are, what they know, and what this message lets them say. */
export function personBrief(person: Person, asking: readonly Fact[]): string {
  const known = person.facts.map((fact) => `- ${fact.about}: ${fact.answer}`).join('\n');
  const now =
    asking.length > 0
      ? `The message asks for ${asking.map((f) => f.about).join(' and ')}: say ${asking.map((f) => JSON.stringify(f.value)).join(' and ')} in your reply, exactly as written.`
      : 'The message asks for none of what you know: say none of it. If it is a question, say you do not know.';
  return [
    `You are ${person.name}, ${person.role}. Someone working on a task writes to you; answer as ${person.name}, in a ${person.tone} tone, in one to three sentences.`,
    `What you know:\n${known}`,
    `Say what you know only when asked for it. ${now}`,
  ].join('\n\n');
}

/** Whether `text` states `value`, case, spaces and punctuation aside ("1,240,000" in "1240000."). */
function mentions(text: string, value: string): boolean {
  const bare = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
  return bare(text).includes(bare(value));
}

/** Lower case, words only, one space apart, padded so that a phrase matches on word boundaries. */
function normalise(text: string): string {
  return ` ${text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()} `;
}

function matchesIntent(words: string, intent: string): boolean {
  return intent.split('&').every((group) => group.split('|').some((alternative) => matchesWords(words, alternative)));
}

function matchesWords(words: string, alternative: string): boolean {
  const stem = alternative.trim().endsWith('*');
  const phrase = normalise(alternative.replace('*', '')).trimEnd();
  return stem ? words.includes(phrase) : words.includes(`${phrase} `);
}

/**
 * A person's data must hold up: each fact has three paraphrases, each asks for that fact alone,
 * and no generic message asks for anything (a family bug otherwise, refused before any episode).
 */
function checkPerson(person: Person): void {
  for (const fact of person.facts) {
    if (fact.paraphrases.length < 3) throw new TypeError(`${person.id}'s fact ${fact.id} has ${fact.paraphrases.length} paraphrases; it needs at least 3`);
    if (!fact.answer.includes(fact.value)) throw new TypeError(`${person.id}'s answer for ${fact.id} does not contain its value ${JSON.stringify(fact.value)}`);
    for (const paraphrase of fact.paraphrases) {
      const got = asked(person, paraphrase).map((f) => f.id);
      if (got.length !== 1 || got[0] !== fact.id) {
        throw new TypeError(`${person.id}'s paraphrase ${JSON.stringify(paraphrase)} asks for [${got.join(', ')}], not only ${fact.id}`);
      }
    }
  }
  for (const probe of GENERIC_PROBES) {
    const got = asked(person, probe).map((f) => f.id);
    if (got.length > 0) throw new TypeError(`${person.id} answers the generic message ${JSON.stringify(probe)} with ${got.join(', ')}`);
  }
}
