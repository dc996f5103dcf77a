import type { Difficulty, ExpertStep } from '@workgym/protocol/kit';
import { listed, WebmailSite, type Mail } from '../sites/webmail.js';
import { act, click, findNode, leave, list, navigate, submit, tableRows, type ExpertView } from './expert-kit.js';
import { correspondent, correspondents, june, numbered, TOPICS } from './mail-data.js';
import { onMessage, openMessage } from './mail-expert.js';
import { type FamilyDef, verification } from './task.js';

const ME = 'you@company.example';
const FINANCE = 'Finance';
const ARCHIVE = 'Archive';
const VENDORS: [string, string][] = [
  ['Acme Supplies', 'acme-supplies.example'],
  ['Brightline Logistics', 'brightline.example'],
  ['Corto Print', 'cortoprint.example'],
  ['Delta Facilities', 'deltafm.example'],
  ['Evergreen Catering', 'evergreen-catering.example'],
];
const PUBLISHERS = ['cityjournal.example', 'techweekly.example', 'marketwatch-digest.example', 'designnotes.example'];
/** Mail per rule and look-alikes of each kind, per tier: the inbox grows and so do its traps. */
const TIER: Record<Difficulty, { invoices: number; ceo: number; newsletters: number; lookalikes: number; routine: number }> = {
  easy: { invoices: 2, ceo: 1, newsletters: 2, lookalikes: 1, routine: 4 },
  medium: { invoices: 3, ceo: 2, newsletters: 3, lookalikes: 2, routine: 7 },
  hard: { invoices: 4, ceo: 2, newsletters: 4, lookalikes: 3, routine: 11 },
};

/** The rules' conditions; a relaxation ignores one (an invoice from anyone, anything from a vendor, no flags, no archiving). */
type Condition = 'vendor' | 'invoice' | 'ceo' | 'newsletter';
/** Where a mail belongs and whether it is flagged. */
interface Filing {
  folder: string;
  flagged: boolean;
}

export const mailTriageRules: FamilyDef = {
  name: 'mail-triage-rules',
  job: 'office-assistant',
  difficulty: 'medium',
  tiers: ['easy', 'medium', 'hard'],
  description:
    "Triage a webmail inbox by written rules: vendors' invoices to Finance, the CEO's mail flagged, newsletters archived, among look-alikes (a vendor's newsletter, a personal mail about an invoice, mail about the CEO).",
  strategies: ['open-each', 'bulk'],
  nearMisses: ['delete-newsletters'],
  // The kit judges the whole mailbox: the mails the rules file or flag are the task's changes
  // (expectsChange), so a mail sent, or any other mail moved, flagged or deleted, fails its
  // no_collateral; a received mail deleted is also misfiled.
  collateral: true,
  // One component for the filing: each rule alone is a constant policy's worth, so only every
  // mail right counts.
  components: [{ name: 'filed', kind: 'progress' }],
  conditions: ['vendor', 'invoice', 'ceo', 'newsletter'],
  guesses: ['keyword-rules', 'archive-all'],
  generate(rng, _task, tier) {
    const t = TIER[tier];
    const vendors = rng.sample(VENDORS, 3);
    const colleagues = correspondents(rng, 6, 'company.example');
    const ceo = colleagues[0]!;
    const ceoFirst = ceo.name.split(' ')[0]!;
    const mail = (from: string, subject: string, body: string): Mail => ({ id: 0, folder: 'inbox', from, to: ME, subject, body, date: june(rng.int(1, 28)) });
    const subjects = new Set<string>();
    const unique = (make: () => string): string => {
      let s = make();
      while (subjects.has(s)) s = make();
      subjects.add(s);
      return s;
    };
    const month = () => rng.pick(['April', 'May', 'June']);
    const invoices = Array.from({ length: t.invoices }, () => {
      const [name, domain] = rng.pick(vendors);
      const subject = unique(() => `Invoice ${name.slice(0, 2).toUpperCase()}-${rng.int(1000, 9999)} for ${month()}`);
      return mail(`billing@${domain}`, subject, `Dear customer,\nPlease find attached our invoice. Payment is due in 30 days.\n${name} accounts`);
    });
    const fromCeo = Array.from({ length: t.ceo }, () =>
      mail(
        ceo.email,
        unique(() => rng.pick(['Board prep', 'Quick question', 'Numbers for Thursday', 'Customer visit next week', 'Offsite agenda'])),
        `Can you look at this today?\n${ceoFirst}`,
      ),
    );
    const newsletters = Array.from({ length: t.newsletters }, () => {
      const domain = rng.pick(PUBLISHERS);
      return mail(
        `news@${domain}`,
        unique(() => `${rng.pick(['Weekly digest', 'This week', 'Top stories', 'Your briefing'])}: ${rng.pick(TOPICS)}`),
        'The week in short.\nUnsubscribe at any time.',
      );
    });
    // Look-alikes, one of each kind per step of the tier: a vendor's newsletter and a vendor's
    // other mail (not invoices), a personal mail about an invoice, a mail about the CEO.
    const lookalikes = Array.from({ length: t.lookalikes }, () => {
      const [name, domain] = rng.pick(vendors);
      const colleague = rng.pick(colleagues.slice(1));
      const friend = correspondent(rng, 'mail.example');
      return [
        mail(
          `news@${domain}`,
          unique(() => `${name} newsletter: ${rng.pick(['summer offers', 'what is new', 'product news', 'events'])} (${month()})`),
          `News from ${name}.\nUnsubscribe at any time.`,
        ),
        mail(
          `orders@${domain}`,
          unique(() => `${rng.pick(['Delivery schedule for PO', 'Order confirmation PO', 'Price update for PO'])} ${rng.int(1000, 9999)}`),
          `Hello,\nDetails of your order are attached.\n${name}`,
        ),
        rng.next() < 0.5
          ? mail(
              colleague.email,
              unique(() => `Invoice for the team ${rng.pick(['dinner', 'lunch', 'gift', 'taxi'])}?`),
              `Who keeps the invoice for the ${rng.pick(['dinner', 'lunch'])}? I need it for my expenses.\n${colleague.name}`,
            )
          : mail(
              friend.email,
              unique(() => `Re: the ${rng.pick(['plumber', 'electrician', 'painter'])}'s invoice`),
              `Did you pay the invoice already? Let me know.\n${friend.name}`,
            ),
        mail(
          colleague.email,
          unique(() => `Notes from ${ceoFirst}'s ${rng.pick(['all-hands', 'town hall', 'strategy talk'])}`),
          `My notes from what ${ceo.name} said today.\n${colleague.name}`,
        ),
      ];
    }).flat();
    const routine = Array.from({ length: t.routine }, () => {
      const who = rng.pick(colleagues.slice(1));
      const topic = rng.pick(TOPICS);
      return mail(
        who.email,
        unique(() => `${topic[0]!.toUpperCase()}${topic.slice(1)}: ${rng.pick(['update', 'notes', 'question', 'follow-up', 'agenda'])}`),
        `Hi,\nA short note about the ${topic}.\n${who.name}`,
      );
    });
    const messages = numbered(rng, [...invoices, ...fromCeo, ...newsletters, ...lookalikes, ...routine]);
    const data = { me: ME, messages, folders: [FINANCE, ARCHIVE] };
    const site = new WebmailSite(data);
    const domains = vendors.map(([, d]) => d);

    /** Where a mail belongs by the rules, with one condition ignored by a relaxation. */
    const filing = (m: Mail, ignore?: Condition): Filing => {
      const domain = m.from.split('@')[1]!;
      const newsletter = m.from.startsWith('news@');
      if (newsletter) return { folder: ignore === 'newsletter' ? 'inbox' : ARCHIVE, flagged: false };
      const invoice = /\binvoice\b/i.test(m.subject);
      if ((ignore === 'invoice' || invoice) && (ignore === 'vendor' || domains.includes(domain))) return { folder: FINANCE, flagged: false };
      return { folder: 'inbox', flagged: m.from === ceo.email && ignore !== 'ceo' };
    };
    const truth = new Map(messages.map((m) => [m.id, filing(m)]));
    const refiled = new Set(
      messages.filter((m) => truth.get(m.id)!.folder !== m.folder || truth.get(m.id)!.flagged !== Boolean(m.flagged)).map((m) => `site:mail/messages/${m.id}`),
    );

    /** The filing an attempt aims for. */
    const wanted =
      (strategy: string) =>
      (m: Mail): Filing | 'trash' => {
        if (strategy === 'guess:archive-all') return { folder: ARCHIVE, flagged: false };
        if (strategy === 'guess:keyword-rules') {
          if (/newsletter|digest/i.test(m.subject)) return { folder: ARCHIVE, flagged: false };
          return { folder: /invoice/i.test(m.subject) ? FINANCE : 'inbox', flagged: m.from === ceo.email };
        }
        if (strategy === 'delete-newsletters' && m.from.startsWith('news@')) return 'trash';
        return filing(m, strategy.startsWith('relax:') ? (strategy.slice(6) as Condition) : undefined);
      };

    /** Why a mail goes where it does, from its sender and subject as the inbox showed them. */
    const why = (m: Mail, f: Filing | 'trash'): string => {
      const seen = `${m.from}, "${m.subject}"`;
      if (f === 'trash') return `${seen} is a newsletter: delete it.`;
      if (f.folder === FINANCE) return `${seen} is an invoice from a vendor: move it to ${FINANCE}.`;
      if (f.folder === ARCHIVE) return `${seen} comes from a news@ address, a newsletter: move it to ${ARCHIVE}.`;
      if (f.flagged) return `${seen} is from the CEO, ${ceo.name}: flag it.`;
      return `${seen} matches no rule: it stays in the inbox, unflagged.`;
    };

    return {
      instruction: `Triage the inbox in the webmail by these rules. 1) An invoice from one of our vendors goes to the ${FINANCE} folder; our vendors are ${list(vendors.map(([n, d]) => `${n} (${d})`))}. 2) Anything from our CEO, ${ceo.name} (${ceo.email}), is flagged and stays in the inbox. 3) Newsletters (sent from news@ addresses) go to the ${ARCHIVE} folder. Every other mail stays in the inbox unflagged. Delete nothing and send nothing; submit when the inbox is triaged.`,
      sites: [site],
      startUrl: 'http://mail.test/',
      expert(view) {
        const goal = wanted(view.strategy);
        const done = (m: Mail): boolean => {
          const g = goal(m);
          return g === 'trash' ? m.folder === 'trash' : m.folder === g.folder && Boolean(m.flagged) === g.flagged;
        };
        // Mail in the order the inbox lists it, then mail already filed elsewhere.
        const order = [...listed(messages, 'inbox'), ...messages.filter((m) => m.folder !== 'inbox')];
        const pending = order.filter((m) => !done(m));
        if (pending.length === 0) return act(submit(), 'Every mail is where the rules put it: submit.');
        if (view.strategy === 'bulk') {
          const step = bulkStep(view, pending, goal, why);
          if (step) return step;
        }
        const next = pending[0]!;
        const g = goal(next);
        const { snapshot } = view;
        if (onMessage(view, next)) {
          if (g === 'trash') return act(click(findNode(snapshot, 'button', 'Delete')!), why(next, g));
          if (Boolean(next.flagged) !== g.flagged) return act(click(findNode(snapshot, 'button', g.flagged ? 'Flag' : 'Remove flag')!), why(next, g));
          const move = findNode(snapshot, 'combobox', 'Move to')!;
          const label = g.folder === 'inbox' ? 'Inbox' : g.folder;
          if (move.value !== label) return act({ name: 'select', arguments: { id: move.id, option: label } }, why(next, g));
          return act(click(findNode(snapshot, 'button', 'Move')!), `Move it to ${label}.`);
        }
        if (next.folder === 'inbox') return openMessage(view, next, undefined);
        return openFiled(view, next);
      },
      expectsChange: (key) => refiled.has(key),
      verify() {
        // The received mail against the rules; a sent mail has no filing (the kit's no_collateral judges it).
        const misfiled = messages.filter((m) => {
          const t = truth.get(m.id);
          return t && (m.folder !== t.folder || Boolean(m.flagged) !== t.flagged);
        });
        const components = { filed: misfiled.length === 0 ? 1 : 0 };
        const shown = (f: Filing) => `${f.folder}${f.flagged ? ', flagged' : ''}`;
        return verification(
          components,
          `${misfiled.length} of ${truth.size} mails misfiled${misfiled
            .slice(0, 4)
            .map((m) => `; "${m.subject}" in ${shown({ folder: m.folder, flagged: Boolean(m.flagged) })} (expected ${shown(truth.get(m.id)!)})`)
            .join('')}; ${messages.filter((m) => m.folder === 'sent').length} sent`,
        );
      },
    };
  },
};

/**
 * The bulk strategy's next call in the unsearched inbox: tick exactly the rows bound for the
 * first folder that has some (or, once none is left to move, the rows to flag), then move or
 * flag them. Undefined when nothing is left for bulk actions (the rest is done one by one).
 */
function bulkStep(
  view: ExpertView,
  pending: readonly Mail[],
  goal: (m: Mail) => Filing | 'trash',
  why: (m: Mail, f: Filing | 'trash') => string,
): ExpertStep | undefined {
  const inInbox = pending.filter((m) => m.folder === 'inbox' && !m.flagged);
  const bound = (m: Mail, folder: string, flagged = false) => {
    const g = goal(m);
    return g !== 'trash' && g.folder === folder && g.flagged === flagged;
  };
  const folder = [FINANCE, ARCHIVE].find((f) => inInbox.some((m) => bound(m, f)));
  const group = inInbox.filter((m) => (folder ? bound(m, folder) : bound(m, 'inbox', true)));
  if (group.length === 0) return undefined;
  const { snapshot } = view;
  if (snapshot.title !== 'Inbox' || view.url.searchParams.get('q')) return leave(view, 'Inbox', 'Back to the whole inbox to tick the mails');
  const ids = new Set(group.map((m) => m.subject));
  for (const row of tableRows(snapshot)) {
    const subject = row.links[0]?.name ?? '';
    const box = findNode(snapshot, 'checkbox', `Select ${subject}`);
    if (!box) continue;
    const ticked = box.states.checked === 'true';
    if (ticked !== ids.has(subject)) {
      const m = group.find((x) => x.subject === subject);
      return act(click(box), m ? why(m, goal(m)) : `"${subject}" is not one of them: untick it.`);
    }
  }
  if (folder) {
    const to = findNode(snapshot, 'combobox', 'Move selected to')!;
    if (to.value !== folder) return act({ name: 'select', arguments: { id: to.id, option: folder } }, `The ticked mails go to ${folder}.`);
    return act(click(findNode(snapshot, 'button', 'Move selected')!), `Move the ${group.length} ticked mails to ${folder}.`);
  }
  return act(click(findNode(snapshot, 'button', 'Flag selected')!), `Flag the ${group.length} ticked mails from the CEO.`);
}

/** The way to a mail filed outside the inbox: its row in that folder's list, or its address if shown. */
function openFiled(view: ExpertView, m: Mail): ExpertStep {
  const title = m.folder === 'trash' ? 'Trash' : m.folder;
  if (view.snapshot.title === title) {
    const row = tableRows(view.snapshot).find((r) => r.links[0]?.name === m.subject);
    if (row) return act(click(row.links[0]!), `"${m.subject}" is in ${title}: open it to file it again.`);
  }
  return navigate(view, `http://mail.test/m/${m.id}`, `Open "${m.subject}" again`) ?? leave(view, title, `"${m.subject}" was filed in ${title}: look there`);
}
