import type { CellValue, EnvView, StateChangeView } from '../../model/api.js';
import { DiffView } from '../components/diff-view.js';
import { LongText } from '../components/long-text.js';

/** What the episode changed, as a person reads it for this env. */
export function EnvViewSection({ view, truncated }: { view: EnvView; truncated: boolean }) {
  return (
    <section aria-labelledby="env-title" class="env-view">
      <h2 id="env-title">What changed</h2>
      {truncated ? <p class="muted">The record keeps only the first changes (there were more).</p> : null}
      <EnvBody view={view} />
    </section>
  );
}

function EnvBody({ view }: { view: EnvView }) {
  switch (view.kind) {
    case 'code':
      return view.files.length ? <CodeFiles files={view.files} /> : <p>No file changed.</p>;
    case 'spreadsheet':
      return (
        <>
          {view.cells.length ? <Cells cells={view.cells} /> : <p>No cell changed.</p>}
          {view.other.length ? <Records changes={view.other} caption="Other changes of the workbook" /> : null}
        </>
      );
    case 'browser':
      return view.changes.length ? (
        <Records changes={view.changes} />
      ) : (
        <p>No site record changed; the screenshots and page text of every step show the browser's state.</p>
      );
    case 'records':
      return view.changes.length ? <Records changes={view.changes} /> : <p>No change recorded.</p>;
  }
}

function CodeFiles({ files }: { files: Extract<EnvView, { kind: 'code' }>['files'] }) {
  return (
    <div class="files">
      {files.map((file) => (
        <details open key={file.path} class="file">
          <summary>
            <code>{file.path}</code> <span class={`badge ${file.status}`}>{file.status}</span>
            {file.truncated ? <span class="badge">cut to the record's cap</span> : null}
          </summary>
          {file.binary ? (
            <p class="muted">
              Not shown as text (binary, big, a directory or a link): <code>{file.note ?? ''}</code>
            </p>
          ) : (
            <DiffView diff={file.diff} />
          )}
        </details>
      ))}
    </div>
  );
}

function Cells({ cells }: { cells: CellChange[] }) {
  return (
    <table class="cells">
      <caption>Cells that changed (formula and value)</caption>
      <thead>
        <tr>
          <th scope="col">sheet</th>
          <th scope="col">cell</th>
          <th scope="col">before</th>
          <th scope="col">after</th>
        </tr>
      </thead>
      <tbody>
        {[...cells].sort(byPlace).map((cell, i) => (
          <tr key={i}>
            <td>{cell.sheet}</td>
            <th scope="row">{cell.cell}</th>
            <td class="before">
              <Cell value={cell.was} />
            </td>
            <td class="after">
              <Cell value={cell.now} />
              {cell.truncated ? <span class="badge">cut</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

type CellChange = Extract<EnvView, { kind: 'spreadsheet' }>['cells'][number];

/** Sheet, then column, then row as numbers: C2 before C10 (the record keeps its keys in text order). */
function byPlace(a: CellChange, b: CellChange): number {
  const [colA = '', rowA = 0] = place(a.cell);
  const [colB = '', rowB = 0] = place(b.cell);
  return a.sheet.localeCompare(b.sheet) || colA.length - colB.length || colA.localeCompare(colB) || rowA - rowB || a.cell.localeCompare(b.cell);
}

function place(cell: string): [string, number] {
  const match = /^\$?([A-Za-z]+)\$?(\d+)$/.exec(cell);
  return match ? [match[1]!.toUpperCase(), Number(match[2])] : [cell, 0];
}

/** A cell as a person reads it: its formula, then the value it shows, then its format. */
function Cell({ value }: { value: CellValue | undefined }) {
  if (!value || (value.formula === undefined && value.value === undefined && value.format === undefined)) return <span class="muted">(empty)</span>;
  return (
    <dl class="cell-value">
      {value.formula !== undefined ? [<dt key="f">formula</dt>, <dd key="fv">{value.formula}</dd>] : null}
      {value.value !== undefined ? [<dt key="v">value</dt>, <dd key="vv">{value.value}</dd>] : null}
      {value.format !== undefined ? [<dt key="m">format</dt>, <dd key="mv">{value.format}</dd>] : null}
    </dl>
  );
}

function Records({ changes, caption = 'Records that changed' }: { changes: StateChangeView[]; caption?: string }) {
  return (
    <table class="records">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">record</th>
          <th scope="col">before</th>
          <th scope="col">after</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((change, i) => (
          <tr key={i}>
            <th scope="row">
              <code>{change.key}</code>
            </th>
            <td class="before">{change.before === undefined ? <span class="muted">(none: added)</span> : <LongText text={change.before} class="json" />}</td>
            <td class="after">
              {change.after === undefined ? <span class="muted">(none: removed)</span> : <LongText text={change.after} class="json" />}
              {change.truncated ? <span class="badge">cut to the record's cap</span> : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
