import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { ContactsSite, directoryOrder, squash, type Contact, type ContactsData } from '../sites/contacts.js';
import { contactAt, directory, otherCompanies, people, phoneLike } from './contacts-data.js';
import { onContact, openContact, pageThrough } from './contacts-expert.js';
import { act, click, fillForm, findNode, mustFind, submit, type ExpertView } from './expert-kit.js';
import type { Rng } from './rng.js';
import { verification, type FamilyDef } from './task.js';

/** Merge the directory's second entry into its first, without looking for duplicates. */
const GUESS = 'first-two-listed';
/** The tier's knob: duplicated people, namesakes (same name, another person), the directory's size. */
const TIERS: Record<Difficulty, { pairs: number; lookalikes: number; size: [number, number] }> = {
  easy: { pairs: 2, lookalikes: 1, size: [25, 35] },
  medium: { pairs: 3, lookalikes: 2, size: [35, 50] },
  hard: { pairs: 4, lookalikes: 3, size: [50, 65] },
};

/** Two entries and which one's phone the merged entry keeps; `keep` is listed first and is the one merged into. */
interface Merge {
  keep: Contact;
  other: Contact;
  phoneFrom: Contact;
}

interface Directory {
  data: ContactsData;
  /** The duplicated people, each with the newer entry's phone. */
  pairs: Merge[];
  /** Namesakes: same name, another company and email; never to merge. */
  lookalikes: Merge[];
}

export const contactsMergeDuplicates: FamilyDef = {
  name: 'contacts-merge-duplicates',
  job: 'office-assistant',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Merge the contact entries that share an email once case and spaces are ignored, keeping the more recently updated phone, and leave namesakes with other emails alone.',
  strategies: ['by-name', 'by-email'],
  nearMisses: ['keep-older-phone'],
  // The kit judges the whole directory: the duplicated entries are the task's changes
  // (expectsChange), so a namesake merged or any other entry changed fails its no_collateral.
  collateral: true,
  // Every duplicate merged with the newer phone before the emails kept; the merged entries' other
  // fields only take away (the snapshot sees an entry changed, not which of its fields).
  components: [
    { name: 'merged_newer_phone', kind: 'progress' },
    { name: 'emails_kept', kind: 'progress' },
    { name: 'survivors_intact', kind: 'guard' },
  ],
  // Same name is not the rule (namesakes get merged); the phone listed first is not always the newer.
  conditions: ['same_email', 'newer_phone'],
  guesses: [GUESS],
  generate(rng, _task, tier) {
    const d = drawUntil(
      rng,
      (r) => drawDirectory(r, tier),
      (x) => {
        const [a, b] = directoryOrder(x.data.contacts);
        return (
          x.pairs.some((p) => p.phoneFrom === p.keep) && x.pairs.some((p) => p.phoneFrom === p.other) && !x.pairs.some((p) => p.keep === a && p.other === b)
        );
      },
    );
    const { data, pairs, lookalikes } = d;
    const count = data.contacts.length;
    const paired = new Set(pairs.flatMap((p) => [`site:contacts/contacts/${p.keep.id}`, `site:contacts/contacts/${p.other.id}`]));
    const original = new Map(pairs.map((p) => [p, { ...p.keep }]));
    const first = directoryOrder(data.contacts).slice(0, 2);

    const plan = (strategy: string): Merge[] => {
      if (strategy === `guess:${GUESS}`) return [{ keep: first[0]!, other: first[1]!, phoneFrom: first[0]! }];
      if (strategy === 'relax:same_email') return [...pairs, ...lookalikes].map((p) => ({ ...p, phoneFrom: newer(p) }));
      if (strategy === 'relax:newer_phone') return pairs.map((p) => ({ ...p, phoneFrom: p.keep }));
      if (strategy === 'keep-older-phone') return pairs.map((p) => ({ ...p, phoneFrom: p.phoneFrom === p.keep ? p.other : p.keep }));
      return pairs;
    };

    const merge = (view: ExpertView, m: Merge): ExpertStep => {
      const { keep, other, phoneFrom } = m;
      if (onContact(view, keep, `/merge/${other.id}`)) {
        const radio = findNode(view.snapshot, 'radio', `${phoneFrom.phone} (updated ${phoneFrom.updated})`);
        if (radio && radio.states.checked !== 'true')
          return act(click(radio), `Keep the phone ${phoneFrom.phone}: that entry was updated on ${phoneFrom.updated}, the more recent.`);
        return act(
          click(mustFind(view.snapshot, 'button', 'Merge contacts')),
          `${other.email} is ${keep.email} once case and spaces are ignored: merge, keeping ${phoneFrom.phone}.`,
        );
      }
      if (onContact(view, keep, '/merge')) {
        const choose = view.snapshot.nodes.find((n) => n.role === 'link' && squash(n.name) === squash(`Choose ${other.name}, ${other.email}`));
        if (choose) return act(click(choose), `This is the other entry, ${other.email}: choose it.`);
        const q = view.strategy === 'by-email' ? other.email : keep.name;
        return fillForm(
          view.snapshot,
          [{ label: 'Find the duplicate', value: q, why: `Find the other entry by ${view.strategy === 'by-email' ? 'its email' : 'name'}.` }],
          'Find',
          'Find it.',
        );
      }
      if (onContact(view, keep))
        return act(click(mustFind(view.snapshot, 'link', 'Merge a duplicate into this contact')), `Merge ${other.email} into this entry (${keep.email}).`);
      return openContact(view, keep, view.strategy === 'by-email' ? 'browse' : 'search');
    };

    return {
      instruction: `Clean up the contacts directory at http://contacts.test/contacts: some people were entered twice. Two entries are the same person when their emails are the same once upper/lower case and spaces are ignored; merge each such pair into one entry, keeping the phone number of the more recently updated entry. Entries with the same name but another email are different people: leave them alone. Change nothing else, then submit.`,
      sites: [new ContactsSite(data)],
      startUrl: 'http://contacts.test/contacts',
      expert(view) {
        const todo = plan(view.strategy);
        // A relaxation or a guess is judged by what it merges: it skips reading the list (a shorter episode).
        if (!/^(guess|relax):/.test(view.strategy)) {
          const read = pageThrough(view, 'Read the whole list for entries sharing an email');
          if (read) return read;
        }
        const next = todo.find((m) => data.contacts.includes(m.keep) && data.contacts.includes(m.other));
        return next ? merge(view, next) : act(submit(), 'Every duplicate is merged: submit.');
      },
      expectsChange: (key) => paired.has(key),
      verify() {
        const alive = (p: Merge) => data.contacts.filter((c) => c === p.keep || c === p.other);
        const merged = pairs.every((p) => alive(p).length === 1 && squash(alive(p)[0]!.phone) === squash(p.phoneFrom.phone));
        const emails = pairs.every((p) => alive(p).length === 1 && squash(alive(p)[0]!.email) === squash(p.keep.email));
        const intact = pairs.every((p) => alive(p).every((c) => (['name', 'company', 'role', 'city'] as const).every((k) => c[k] === original.get(p)![k])));
        const components = {
          merged_newer_phone: merged ? 1 : 0,
          emails_kept: emails ? 1 : 0,
          survivors_intact: intact ? 1 : 0,
        };
        const got = pairs
          .map(
            (p) =>
              `${p.keep.name}: ${alive(p)
                .map((c) => c.phone)
                .join(' + ')} (want ${p.phoneFrom.phone})`,
          )
          .join('; ');
        return verification(components, `${got}; ${count - data.contacts.length} entries removed, ${pairs.length} expected`);
      },
    };
  },
};

function newer(p: Merge): Contact {
  return p.keep.updated > p.other.updated ? p.keep : p.other;
}

/** The same address as typed differently: capitals, or a stray space. */
function retyped(rng: Rng, email: string): string {
  const [local, domain] = email.split('@') as [string, string];
  const cap = (s: string) => s.replace(/(^|\.)([a-z])/g, (_m, dot: string, ch: string) => dot + ch.toUpperCase());
  return rng.pick([`${cap(local)}@${cap(domain)}`, `${local} @${domain}`, `${local.toUpperCase()}@${domain}`, `${cap(local)} @ ${domain}`]);
}

function drawDirectory(rng: Rng, tier: Difficulty): Directory {
  const t = TIERS[tier];
  const crowd = people(rng, rng.int(...t.size));
  const twins = crowd.slice(0, t.pairs).map((c) => {
    let updated = c.updated;
    while (updated === c.updated) updated = `2025-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    return { ...c, email: retyped(rng, c.email), phone: phoneLike(rng, c.phone), updated };
  });
  const namesakes = crowd.slice(t.pairs, t.pairs + t.lookalikes).map((c) => contactAt(rng, c.name, otherCompanies(rng, [c.company], 1)[0]!));
  const data = directory(rng, [...crowd, ...twins, ...namesakes]);
  const pair = (a: Contact, b: Contact): Merge => {
    const [keep, other] = directoryOrder([a, b]) as [Contact, Contact];
    return { keep, other, phoneFrom: keep };
  };
  const pairs = twins.map((twin, i) => {
    const p = pair(crowd[i]!, twin);
    return { ...p, phoneFrom: newer(p) };
  });
  const lookalikes = namesakes.map((n, i) => pair(crowd[t.pairs + i]!, n));
  return { data, pairs, lookalikes };
}
