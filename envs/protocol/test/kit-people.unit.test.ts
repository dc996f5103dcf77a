import { describe, expect, it } from 'vitest';
import { GENERIC_PROBES, People, replyOf, type Person } from '../src/kit/index.js';

const owner: Person = {
  id: 'dana.kim',
  name: 'Dana Kim',
  role: 'product owner',
  tone: 'formal',
  channel: 'message',
  facts: [
    {
      id: 'rounding',
      about: 'which rounding rule the spec means',
      asks: ['round* & rule|mode|way|half|spec*', 'which & spec* & right|holds|correct'],
      paraphrases: ['Which rounding rule should I follow?', 'Should rounding go half up or half to even?', 'Which spec holds for rounding?'],
      answer: 'Round half to even, as in the 2024 spec.',
      value: 'half to even',
    },
    {
      id: 'approval',
      about: 'approval to change the public API',
      asks: ['approv*|ok|allowed|permission & api|interface|signature'],
      paraphrases: ['Do I have your approval to change the API?', 'Is it OK to change the function signature?', 'Am I allowed to change the public interface?'],
      answer: 'No, please keep the public API as it is.',
      value: 'keep the public API',
      approval: false,
    },
  ],
};

describe('a scripted person', () => {
  it('answers each paraphrase of a fact the same way, and only with that fact', () => {
    for (const fact of owner.facts) {
      const replies = fact.paraphrases.map((p) => replyOf(owner, p));
      expect(replies).toEqual(fact.paraphrases.map(() => [fact.answer]));
    }
  });

  it('answers a question about something else with "I don\'t know", and a message that asks nothing with nothing private', () => {
    expect(replyOf(owner, 'When is the release?')).toEqual(["I'm afraid I don't know that."]);
    for (const probe of GENERIC_PROBES) {
      const said = replyOf(owner, probe).join(' ');
      for (const fact of owner.facts) expect(said).not.toContain(fact.value);
    }
  });

  it('answers two facts asked in one message with both answers, and a slip with the wrong detail then its correction', () => {
    expect(replyOf(owner, 'Which rounding rule, and is it OK to change the API signature?')).toEqual([owner.facts[0]!.answer, owner.facts[1]!.answer]);
    const slipping = { ...owner, tone: 'casual' as const, facts: [{ ...owner.facts[0]!, slip: 'Round half up.' }] };
    expect(replyOf(slipping, 'Which rounding rule should I follow?')).toEqual([
      'Round half up.',
      'Sorry, my mistake! Round half to even, as in the 2024 spec.',
    ]);
  });

  it('is heard only once it answered: muted, the fact was asked but nothing was said', async () => {
    const people = new People([owner]);
    expect(people.heard('dana.kim', 'rounding')).toBeUndefined();
    people.mode = 'muted';
    expect(await people.send('dana.kim', 'Which rounding rule should I follow?')).toEqual([]);
    expect(people.wasAsked('dana.kim', 'rounding')).toBe(true);
    expect(people.heard('dana.kim', 'rounding')).toBeUndefined();
    people.mode = 'scripted';
    const turns = await people.send('dana.kim', 'Which spec holds for rounding?');
    expect(turns).toEqual([{ who: 'dana.kim', name: 'Dana Kim', channel: 'message', text: owner.facts[0]!.answer }]);
    expect(people.heard('dana.kim', 'rounding')).toBe('half to even');
    expect(people.takeTurns()).toEqual(turns);
    expect(people.takeTurns()).toEqual([]);
  });

  it('asks in the words the paraphrase strategy picks, as a derived value from the name the instruction shows', () => {
    const people = new People([owner]);
    people.paraphrase = 2;
    const step = people.ask('dana.kim', 'rounding', 'Only Dana knows which spec holds.');
    expect(step.call).toEqual({ name: 'message', arguments: { to: 'dana.kim', text: 'Which spec holds for rounding?' } });
    expect(step.derived).toEqual([
      { value: 'Which spec holds for rounding?', sources: ['Dana Kim'], how: 'a question asking Dana Kim for which rounding rule the spec means' },
    ]);
  });

  it('refuses a person whose data does not hold up, naming what is wrong', async () => {
    const fact = owner.facts[0]!;
    expect(() => new People([{ ...owner, facts: [{ ...fact, paraphrases: fact.paraphrases.slice(0, 2) }] }])).toThrow(
      "dana.kim's fact rounding has 2 paraphrases; it needs at least 3",
    );
    expect(() => new People([{ ...owner, facts: [{ ...fact, paraphrases: [...fact.paraphrases.slice(0, 2), 'What time is it?'] }] }])).toThrow(
      `dana.kim's paraphrase "What time is it?" asks for [], not only rounding`,
    );
    expect(() => new People([{ ...owner, facts: [{ ...fact, asks: ['what|which'], paraphrases: ['Which one?', 'What rule?', 'Which rule?'] }] }])).toThrow(
      'dana.kim answers the generic message "What should I do next?" with rounding',
    );
    expect(() => new People([owner, owner])).toThrow("the task's people share an id: dana.kim, dana.kim");
    await expect(new People([owner]).send('sam', 'hi')).rejects.toThrow('no person "sam" in this task (there are: dana.kim)');
  });
});
