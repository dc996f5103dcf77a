import { useEffect, useLayoutEffect, useMemo, useRef } from 'preact/hooks';
import type { EpisodeQuery, EpisodeView } from '../../model/api.js';
import { LongText } from '../components/long-text.js';
import { Pending } from '../components/status.js';
import { useData } from '../data/context.js';
import { number, percent } from '../format.js';
import { useLoaded } from '../hooks.js';
import { navigate } from '../navigate.js';
import { formatQuery, href } from '../route.js';
import { EnvViewSection } from './env-view.js';
import { readRecord, type RecordView } from './record.js';
import { StepSection } from './step-view.js';

/** Steps shown at once: a 10,000-step episode renders one window at a time. */
const WINDOW = 100;

interface Props {
  source: string;
  episodeId: string;
  step?: number;
  query: EpisodeQuery;
}

export function EpisodePage(props: Props) {
  const data = useData();
  const { source, episodeId, query } = props;
  const loaded = useLoaded(() => data.episode(source, episodeId, query), [source, episodeId, formatQuery(query)]);
  if (loaded.state !== 'ready') return <Pending loaded={loaded} what={`episode ${episodeId}`} />;
  return <Episode {...props} view={loaded.value} />;
}

function Episode({ source, episodeId, step, query, view }: Props & { view: EpisodeView }) {
  const record = useMemo(() => readRecord(view.record), [view]);
  const steps = record.steps;
  useKeyboard({ source, episodeId, step, query, view, last: steps.length - 1 });
  useEffect(() => {
    if (step === undefined) return;
    const section = document.getElementById(`step-${step}`);
    section?.focus();
    section?.scrollIntoView({ block: 'start' });
  }, [step, view]);
  const start = Math.floor((step ?? 0) / WINDOW) * WINDOW;
  return (
    <article class="episode">
      <h1>Episode {record.episodeId}</h1>
      <EpisodeNav source={source} query={query} view={view} />
      <Facts record={record} />
      <section aria-labelledby="instruction-title">
        <h2 id="instruction-title">Instruction</h2>
        <LongText text={record.instruction} class="text instruction" />
      </section>
      <Verdict record={record} />
      <EnvViewSection view={view.envView} truncated={record.stateChangesTruncated} />
      <section aria-labelledby="steps-title">
        <h2 id="steps-title">Steps ({number(steps.length)})</h2>
        <p class="muted keys">Keys: j / → next step, k / ← previous step, n / ] next episode, p / [ previous episode.</p>
        {steps.length > WINDOW ? <StepWindows source={source} episodeId={episodeId} query={query} start={start} total={steps.length} /> : null}
        {steps.slice(start, start + WINDOW).map((s) => (
          <StepSection key={s.index} step={s} source={source} episodeId={episodeId} query={query} />
        ))}
      </section>
    </article>
  );
}

function EpisodeNav({ source, query, view }: { source: string; query: EpisodeQuery; view: EpisodeView }) {
  return (
    <nav class="episode-nav" aria-label="Episodes">
      <a href={href.episodes(source, query)}>Episode list</a>
      {view.previous !== undefined ? (
        <a href={href.episode(source, view.previous, query)} rel="prev">
          Previous episode
        </a>
      ) : null}
      {view.next !== undefined ? (
        <a href={href.episode(source, view.next, query)} rel="next">
          Next episode
        </a>
      ) : null}
    </nav>
  );
}

function StepWindows({ source, episodeId, query, start, total }: { source: string; episodeId: string; query: EpisodeQuery; start: number; total: number }) {
  return (
    <nav class="pager" aria-label="Steps">
      <span>
        Steps {number(start)}–{number(Math.min(total, start + WINDOW) - 1)} of {number(total)}
      </span>
      {start > 0 ? <a href={href.episode(source, episodeId, query, start - WINDOW)}>Earlier steps</a> : null}
      {start + WINDOW < total ? <a href={href.episode(source, episodeId, query, start + WINDOW)}>Later steps</a> : null}
    </nav>
  );
}

function Facts({ record }: { record: RecordView }) {
  const facts: [string, string][] = [
    ['env', record.env],
    ['family', record.family],
    ['job', record.job],
    ['seed', String(record.seed)],
    ['split', record.split],
    ['difficulty', record.difficulty],
    ['feasibility', record.infeasible ? 'infeasible seed' : 'feasible seed'],
    ['agent', [record.agent.kind, record.agent.model, record.agent.contextPolicy].filter(Boolean).join(' · ')],
    ['attempts', String(record.attempts)],
    ['duration', record.seconds ? `${number(record.seconds)} s` : ''],
  ];
  return (
    <dl class="facts inline">
      {facts.filter(([, value]) => value !== '').map(([term, value]) => [<dt key={`t-${term}`}>{term}</dt>, <dd key={`d-${term}`}>{value}</dd>])}
    </dl>
  );
}

function Verdict({ record }: { record: RecordView }) {
  const components = Object.entries(record.rewardComponents);
  return (
    <section aria-labelledby="verdict-title" class={record.success ? 'verdict ok' : 'verdict failed'}>
      <h2 id="verdict-title">Verdict</h2>
      <p>
        <strong>{record.success ? 'Succeeded' : 'Failed'}</strong> ({record.status}); reward {number(record.finalReward)}
        {record.rewardMode ? ` (${record.rewardMode})` : ''}
        {record.shapedReward !== undefined ? `, shaped reward ${number(record.shapedReward)}` : ''}
        {record.selfEvaluation !== undefined ? `; the agent's own estimate ${percent(record.selfEvaluation)}` : ''}
      </p>
      {record.errorMessage ? <LongText text={record.errorMessage} class="text error-text" /> : null}
      {components.length ? (
        <table>
          <caption>The verdict's components</caption>
          <thead>
            <tr>
              <th scope="col">component</th>
              <th scope="col">value</th>
            </tr>
          </thead>
          <tbody>
            {components.map(([name, value]) => (
              <tr key={name}>
                <th scope="row">{name}</th>
                <td>{number(value)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {record.verdictDetail ? (
        <>
          <h3>Detail</h3>
          <LongText text={record.verdictDetail} class="text detail" />
        </>
      ) : null}
    </section>
  );
}

const STEP_NEXT = new Set(['j', 'ArrowRight']);
const STEP_PREVIOUS = new Set(['k', 'ArrowLeft']);
const EPISODE_NEXT = new Set(['n', ']']);
const EPISODE_PREVIOUS = new Set(['p', '[']);

/**
 * The keys, bound as the episode is committed to the page (a layout effect: a key pressed as soon
 * as the episode shows is never missed); the handler reads the page as last rendered.
 */
function useKeyboard(props: Props & { view: EpisodeView; last: number }) {
  const latest = useRef(props);
  latest.current = props;
  useLayoutEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
      const { source, episodeId, step, query, view, last } = latest.current;
      const goStep = (k: number) => navigate(href.episode(source, episodeId, query, Math.max(0, Math.min(last, k))), true);
      const goEpisode = (id: string | undefined) => id !== undefined && navigate(href.episode(source, id, query));
      if (STEP_NEXT.has(event.key) && last >= 0) goStep(step === undefined ? 0 : step + 1);
      else if (STEP_PREVIOUS.has(event.key) && last >= 0) goStep(step === undefined ? 0 : step - 1);
      else if (EPISODE_NEXT.has(event.key)) goEpisode(view.next);
      else if (EPISODE_PREVIOUS.has(event.key)) goEpisode(view.previous);
      else return;
      event.preventDefault();
    };
    addEventListener('keydown', onKey);
    return () => removeEventListener('keydown', onKey);
  }, []);
}

function typing(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName));
}
