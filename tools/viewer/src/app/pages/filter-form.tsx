import { useEffect, useRef, useState } from 'preact/hooks';
import type { EpisodePage, EpisodeQuery } from '../../model/api.js';

const SORTS: [NonNullable<EpisodeQuery['sort']>, string][] = [
  ['index', 'store order'],
  ['reward', 'reward'],
  ['steps', 'steps'],
  ['tokens', 'tokens'],
  ['seed', 'seed'],
  ['family', 'family'],
  ['status', 'status'],
];
const TYPING_MS = 300;

/** The episode list's filters; every change becomes the URL's query (so a filtered list has a link). */
export function FilterForm({
  query,
  facets,
  onChange,
}: {
  query: EpisodeQuery;
  facets: EpisodePage['facets'];
  onChange: (query: EpisodeQuery, replace?: boolean) => void;
}) {
  const [text, setText] = useState(query.text ?? '');
  // Any filter chosen while the search box's text waits for its pause takes that text along.
  const set = (key: keyof EpisodeQuery, value: string | number | undefined, replace = false) => {
    const next: EpisodeQuery = { ...query, text: text || undefined, [key]: value === '' ? undefined : value };
    delete next.offset;
    onChange(next, replace);
  };
  const latestSet = useRef(set);
  latestSet.current = set;
  useEffect(() => setText(query.text ?? ''), [query.text]);
  useEffect(() => {
    if (text === (query.text ?? '')) return;
    const timer = setTimeout(() => latestSet.current('text', text, true), TYPING_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return (
    <form class="filters" role="search" aria-label="Filter the episodes" onSubmit={(event) => event.preventDefault()}>
      {(['env', 'family', 'job', 'status', 'split'] as const).map((key) => (
        <Select key={key} id={`filter-${key}`} label={key} value={query[key] ?? ''} options={facets[key].map((v) => [v, v])} onChange={(v) => set(key, v)} />
      ))}
      <Select
        id="filter-success"
        label="success"
        value={query.success ?? ''}
        options={[
          ['yes', 'succeeded'],
          ['no', 'failed'],
        ]}
        onChange={(v) => set('success', v)}
      />
      <Select
        id="filter-feasibility"
        label="feasibility"
        value={query.feasibility ?? ''}
        options={[
          ['feasible', 'feasible seeds'],
          ['infeasible', 'infeasible seeds'],
        ]}
        onChange={(v) => set('feasibility', v)}
      />
      <RewardInput id="filter-min-reward" label="min reward" value={query.minReward} onChange={(v) => set('minReward', v)} />
      <RewardInput id="filter-max-reward" label="max reward" value={query.maxReward} onChange={(v) => set('maxReward', v)} />
      <span class="field wide">
        <label for="filter-text">text in instruction or tool calls</label>
        <input id="filter-text" type="search" value={text} onInput={(event) => setText(event.currentTarget.value)} />
      </span>
      <Select
        id="sort"
        label="sort by"
        value={query.sort ?? 'index'}
        options={SORTS}
        onChange={(v) => set('sort', v === 'index' ? undefined : v)}
        any={false}
      />
      <Select
        id="order"
        label="order"
        value={query.order ?? 'asc'}
        options={[
          ['asc', 'ascending'],
          ['desc', 'descending'],
        ]}
        onChange={(v) => set('order', v === 'asc' ? undefined : v)}
        any={false}
      />
    </form>
  );
}

function Select({
  id,
  label,
  value,
  options,
  onChange,
  any = true,
}: {
  id: string;
  label: string;
  value: string;
  options: [string, string][];
  onChange: (value: string) => void;
  any?: boolean;
}) {
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
        {any ? <option value="">any</option> : null}
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

function RewardInput({ id, label, value, onChange }: { id: string; label: string; value: number | undefined; onChange: (value: number | undefined) => void }) {
  return (
    <span class="field">
      <label for={id}>{label}</label>
      <input
        id={id}
        type="number"
        min="0"
        max="1"
        step="0.1"
        value={value ?? ''}
        onChange={(event) => {
          const text = event.currentTarget.value;
          onChange(text === '' || !Number.isFinite(Number(text)) ? undefined : Number(text));
        }}
      />
    </span>
  );
}
