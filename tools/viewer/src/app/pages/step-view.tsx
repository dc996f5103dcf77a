import { LongText } from '../components/long-text.js';
import { useData } from '../data/context.js';
import { number, prettyJson } from '../format.js';
import { href } from '../route.js';
import type { EpisodeQuery } from '../../model/api.js';
import { isChosen, resultOf, type ImageView, type StepView } from './record.js';

const SHA256 = /^[0-9a-f]{64}$/;
/** A few candidates are shown at once; a long list (a page's every element) waits to be opened. */
const OPEN_CANDIDATES = 8;

export function StepSection({ step, source, episodeId, query }: { step: StepView; source: string; episodeId: string; query: EpisodeQuery }) {
  const title = `step-${step.index}-title`;
  return (
    <section class="step" id={`step-${step.index}`} tabIndex={-1} aria-labelledby={title}>
      <h3 id={title}>
        <a href={href.episode(source, episodeId, query, step.index)}>Step {step.index}</a>
        <StepBadges step={step} />
      </h3>
      <Observation step={step} source={source} />
      {step.observation.candidates.length > 0 ? <Candidates step={step} /> : null}
      {step.text ? (
        <div class="assistant">
          <h4>Assistant</h4>
          <LongText text={step.text} />
        </div>
      ) : null}
      {step.toolCalls.map((call, i) => {
        const result = resultOf(step, call, i);
        return (
          <div class="call" key={i}>
            <h4>
              Call <code>{call.name}</code> {call.id ? <span class="muted">({call.id})</span> : null}
            </h4>
            <LongText class="json" text={prettyJson(call.argumentsJson)} />
            {result ? <Result result={result} /> : <p class="muted">No result: the episode had ended.</p>}
          </div>
        );
      })}
      {step.rawOutput && step.rawOutput !== step.text ? (
        <details class="raw-output">
          <summary>The model's raw output</summary>
          <LongText text={step.rawOutput} />
        </details>
      ) : null}
      <p class="muted usage">
        {number(step.usage.promptTokens)} prompt tokens, {number(step.usage.completionTokens)} completion tokens
      </p>
    </section>
  );
}

function StepBadges({ step }: { step: StepView }) {
  return (
    <span class="badges">
      {step.reward ? <span class="badge">reward {number(step.reward)}</span> : null}
      {step.errorKind ? <span class="badge bad">error: {step.errorKind}</span> : null}
      {step.injected ? <span class="badge">injected noise</span> : null}
      {step.strategy ? <span class="badge">strategy: {step.strategy}</span> : null}
      {step.terminated ? <span class="badge">terminated</span> : null}
      {step.truncated ? <span class="badge">truncated</span> : null}
    </span>
  );
}

function Observation({ step, source }: { step: StepView; source: string }) {
  const { observation } = step;
  const cut = observation.rawSize > observation.text.length ? ` (the env gave ${number(observation.rawSize)} bytes; this is what the agent saw)` : '';
  return (
    <div class="observation">
      <h4>Observation{cut}</h4>
      <div class={observation.images.length ? 'with-images' : ''}>
        {observation.images.length ? (
          <div class="images">
            {observation.images.map((image, i) => (
              <Screenshot key={i} image={image} source={source} step={step.index} />
            ))}
          </div>
        ) : null}
        <LongText text={observation.text} class="text observation-text" />
      </div>
    </div>
  );
}

function Screenshot({ image, source, step }: { image: ImageView; source: string; step: number }) {
  const data = useData();
  const url = SHA256.test(image.sha256) ? data.blobUrl(source, image.sha256) : '';
  const alt = `Screenshot${image.label ? ` "${image.label.slice(0, 120)}"` : ''} at step ${step}`;
  if (!url) return <p class="muted">{alt}: not available</p>;
  return (
    <figure>
      <img src={url} alt={alt} loading="lazy" />
      <figcaption>{alt}</figcaption>
    </figure>
  );
}

function Candidates({ step }: { step: StepView }) {
  return (
    <details class="candidates" open={step.observation.candidates.length <= OPEN_CANDIDATES}>
      <summary>{step.observation.candidates.length} candidate actions</summary>
      <ol>
        {step.observation.candidates.map((candidate, i) => {
          const chosen = isChosen(step, candidate);
          return (
            <li key={i} class={chosen ? 'chosen' : ''}>
              {chosen ? <strong class="badge good">chosen</strong> : null} <code>{candidate.name}</code>
              <LongText class="json" text={prettyJson(candidate.argumentsJson)} />
            </li>
          );
        })}
      </ol>
    </details>
  );
}

function Result({ result }: { result: ReturnType<typeof resultOf> & object }) {
  return (
    <div class={result.errorKind ? 'result failed' : 'result'}>
      <h5>Result</h5>
      {result.errorKind ? (
        <p class="error-text">
          Error ({result.errorKind}): {result.errorMessage}
        </p>
      ) : null}
      {result.text ? <LongText text={result.text} /> : null}
      {result.people.length ? (
        <ul class="people" aria-label="What people said">
          {result.people.map((turn, i) => (
            <li key={i}>
              <strong>
                {turn.name || turn.who} ({turn.channel})
              </strong>
              : <LongText text={turn.text} />
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
