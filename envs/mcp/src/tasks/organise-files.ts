import { guessStrategy, relaxStrategy, type Rng, type Verdict } from '@workgym/protocol';
import type { Derived, ExpertStep, PlannedCall } from '@workgym/protocol/kit';
import type { ExpertView, FamilyDef, McpTask, WorkspaceView } from '../task.js';

const PROJECTS = ['Apollo', 'Borealis', 'Cobalt', 'Delta', 'Ember', 'Falcon', 'Granite', 'Harbor', 'Juniper', 'Kestrel'];
const NOTE_KINDS = ['minutes', 'todo', 'ideas', 'budget', 'review', 'plan', 'summary', 'contacts', 'risks', 'timeline'];
const LINES = [
  'Agreed to move the launch by one week.',
  'Ask the vendor for a second quote.',
  'Numbers look fine; recheck in March.',
  'Two open questions for the steering group.',
  'Draft is ready for review.',
  'Blocked on access to the test machines.',
];
const DATA_FILES = ['sales-2024.csv', 'visits.csv', 'stock.csv', 'signups.csv'];

interface Note {
  name: string;
  project: string;
  content: string;
}

interface Organise {
  notes: Note[];
  data: { name: string; content: string }[];
  readme: string;
}

const STRATEGIES = ['one-by-one', 'read-together'] as const;
/** Copies the notes instead of moving them; puts every note in one folder; leaves the data files; keeps the project's capitals. */
const NEAR_MISSES = ['copy-notes', 'one-folder', 'forget-data', 'keep-case'] as const;
/** The instruction's stated condition: folders named in lowercase (dropped, it is the keep-case near-miss). */
const CONDITIONS = ['lowercase'] as const;
/**
 * Constant attempts, the same whatever the notes say: move the .csv files only; put every note
 * in one folder named notes/ (and the .csv files in data/).
 */
const GUESSES = ['data-only', 'notes-folder'] as const;
/** The verdict's components in credit order: the notes (they need reading) before the data files. */
const COMPONENTS = [
  { name: 'notes_filed', kind: 'progress' },
  { name: 'data_filed', kind: 'progress' },
] as const;

/**
 * Organise a shared folder: notes of two or three projects go to a folder per project (named in
 * the note's first line, not in its file name), data files to data/, the README stays. The
 * verifier knows where each file belongs from the generator: every file at its place with its
 * content, and nothing left behind; the kit judges the whole workspace (`collateral`), so the
 * moves the layout makes are its only changes.
 */
export const organiseFiles: FamilyDef = {
  name: 'organise-files',
  difficulty: 'medium',
  description: 'Sort a folder with the filesystem MCP server: notes into a folder per project (read from each note), data files into data/.',
  strategies: STRATEGIES,
  nearMisses: NEAR_MISSES,
  components: COMPONENTS,
  // The kit judges the whole workspace: the layout's moves are the task's changes
  // (expectsChange), so README.md edited or anything else made, anywhere, fails its no_collateral.
  collateral: true,
  conditions: CONDITIONS,
  guesses: GUESSES,
  generate(rng) {
    const world = generate(rng);
    return { task: (root) => organiseTask(world, root) };
  },
};

function generate(rng: Rng): Organise {
  const projects = rng.sample(PROJECTS, rng.int(2, 3));
  const kinds = rng.sample(NOTE_KINDS, rng.int(4, 6));
  const notes = kinds.map((kind, i) => {
    // Every project has a note; the rest are drawn.
    const project = i < projects.length ? projects[i]! : rng.pick(projects);
    return { name: `${kind}-${rng.int(1, 9)}.txt`, project, content: `Project: ${project}\n${rng.pick(LINES)}\n` };
  });
  const data = rng
    .sample(DATA_FILES, rng.int(1, 2))
    .map((name) => ({ name, content: `date,count\n2024-0${rng.int(1, 9)}-1${rng.int(0, 9)},${rng.int(3, 99)}\n` }));
  return { notes: rng.shuffle(notes), data, readme: 'Shared folder of the planning team.\n' };
}

function organiseTask(world: Organise, root: string): McpTask {
  const files: Record<string, string> = { 'README.md': world.readme };
  for (const file of [...world.notes, ...world.data]) files[file.name] = file.content;
  const projects = new Set(world.notes.map((n) => n.project)).size;
  return {
    instruction: [
      `The folder ${root} holds the notes of ${projects} projects mixed together, some data files and a README.`,
      `Organise it: move every note (.txt file) into a folder named after its project in lowercase, directly under ${root}`,
      `(a note's first line names its project: "Project: Zephyr" goes to ${root}/zephyr/); move every .csv file into ${root}/data/;`,
      'leave README.md where it is. Keep every file’s name and content, and leave no copy behind.',
    ].join(' '),
    files,
    verifier: { judge: (workspace) => judgeOrganised(world, workspace) },
    expectsChange: moves(world),
    expert: (view) => nextStep(world, view),
  };
}

/**
 * Where each file belongs (path -> content): each note in its project's folder in lowercase,
 * each .csv file in data/, README.md where it was.
 */
function layout(world: Organise): Map<string, string> {
  return new Map([
    ['README.md', world.readme],
    ...world.notes.map((n) => [`${n.project.toLowerCase()}/${n.name}`, n.content] as [string, string]),
    ...world.data.map((d) => [`data/${d.name}`, d.content] as [string, string]),
  ]);
}

/**
 * The snapshot keys the layout changes: each note and data file gone from the top, and the
 * folders made and filled (each project's in lowercase, data/). README.md stays as it is.
 */
function moves(world: Organise): (key: string) => boolean {
  const paths = new Set<string>();
  for (const [path] of layout(world)) {
    if (!path.includes('/')) continue;
    paths.add(path);
    paths.add(path.slice(0, path.indexOf('/')));
    paths.add(path.slice(path.indexOf('/') + 1));
  }
  return (key) => key.startsWith('file:') && paths.has(key.slice('file:'.length));
}

/**
 * The verdict from the generator's layout. A note or a data file counts as filed when it is at
 * its place with its content and gone from the top. Notes earn credit only when the filed ones
 * span two projects or more (every note in one folder earns nothing). Anything else changed
 * (README.md, a stray file or folder) is the kit's no_collateral.
 */
async function judgeOrganised(world: Organise, workspace: WorkspaceView): Promise<Verdict> {
  const want = layout(world);
  const holds = async (path: string) => {
    const found = await workspace.read(path);
    return 'content' in found && found.content === want.get(path);
  };
  const gone = async (name: string) => {
    const found = await workspace.read(name);
    return 'content' in found && found.content === null;
  };
  const filedNotes = [];
  for (const n of world.notes) if ((await holds(`${n.project.toLowerCase()}/${n.name}`)) && (await gone(n.name))) filedNotes.push(n);
  let filedData = 0;
  for (const d of world.data) if ((await holds(`data/${d.name}`)) && (await gone(d.name))) filedData += 1;
  const allNotes = filedNotes.length === world.notes.length;
  const spread = new Set(filedNotes.map((n) => n.project)).size >= 2;
  const components = {
    notes_filed: allNotes ? 1 : spread ? filedNotes.length / world.notes.length : 0,
    data_filed: filedData / world.data.length,
  };
  const problems = [
    ...(allNotes ? [] : [`${world.notes.length - filedNotes.length} of ${world.notes.length} notes are not in their project's folder (or left a copy)`]),
    ...(filedData === world.data.length ? [] : [`${world.data.length - filedData} of ${world.data.length} .csv files are not in data/ (or left a copy)`]),
  ];
  const success = problems.length === 0;
  return { success, components, detail: success ? 'every file is where it belongs' : problems.join('; ') };
}

/** The first step of the plan the episode has not made yet: list, read, make the folders, move, submit. */
function nextStep(world: Organise, view: ExpertView): ExpertStep {
  const guess = guessPlan(world, view);
  const step = (guess ?? plan(world, view)).find((s) => !view.made(s.call));
  return step ?? { call: { name: 'submit', arguments: {} }, text: 'Every file is where the instruction wants it: submit.' };
}

function plan(world: Organise, view: ExpertView): ExpertStep[] {
  const { root, strategy } = view;
  const at = (name: string): Derived => ({ value: `${root}/${name}`, sources: [root, name], how: 'the folder joined with the file name the listing shows' });
  const steps: ExpertStep[] = [
    { call: call('list_directory', { path: root }), text: `First list ${root}, the folder the instruction names, to see which notes and data files it holds.` },
  ];
  if (strategy === 'read-together') {
    steps.push({
      call: call('read_multiple_files', { paths: world.notes.map((n) => `${root}/${n.name}`) }),
      text: 'The listing shows the .txt notes; read them all at once, since each one names its project on its first line.',
      derived: world.notes.map((n) => at(n.name)),
    });
  } else {
    for (const note of world.notes) {
      steps.push({
        call: call('read_text_file', { path: `${root}/${note.name}` }),
        text: `The listing shows the note ${note.name}; read it to learn its project from its first line.`,
        derived: [at(note.name)],
      });
    }
  }
  const folderOf = (project: string) => {
    const shown = strategy === 'one-folder' ? world.notes[0]!.project : project;
    return strategy === 'keep-case' || strategy === relaxStrategy('lowercase') ? shown : shown.toLowerCase();
  };
  const folder = (project: string): Derived => ({
    value: `${root}/${folderOf(project)}`,
    sources: [root, `Project: ${project}`],
    how: "the folder joined with the project's name from the note's first line, in lowercase",
  });
  for (const project of new Set(world.notes.map((n) => folderOf(n.project)))) {
    const named = world.notes.find((n) => folderOf(n.project) === project)!.project;
    steps.push({
      call: call('create_directory', { path: `${root}/${project}` }),
      text: `A note says "Project: ${named}": make its folder, named in lowercase as the instruction asks.`,
      derived: [folder(named)],
    });
  }
  for (const note of world.notes) {
    const destination = `${root}/${folderOf(note.project)}/${note.name}`;
    const into: Derived = {
      value: destination,
      sources: [root, `Project: ${note.project}`, note.name],
      how: "the project's folder joined with the note's name",
    };
    if (strategy === 'copy-notes') {
      steps.push({
        call: call('write_file', { path: destination, content: note.content }),
        text: `${note.name} belongs to ${note.project}: write its content into that project's folder.`,
        derived: [into],
      });
    } else {
      steps.push({
        call: call('move_file', { source: `${root}/${note.name}`, destination }),
        text: `${note.name} starts with "Project: ${note.project}": move it into that project's folder.`,
        derived: [at(note.name), into],
      });
    }
  }
  if (strategy !== 'forget-data') {
    steps.push({ call: call('create_directory', { path: `${root}/data` }), text: 'The instruction wants the .csv files in data/: make that folder.' });
    for (const file of world.data) {
      steps.push({
        call: call('move_file', { source: `${root}/${file.name}`, destination: `${root}/data/${file.name}` }),
        text: `The listing shows the data file ${file.name}: move it into data/.`,
        derived: [
          at(file.name),
          { value: `${root}/data/${file.name}`, sources: [`${root}/data/`, file.name], how: 'the data folder joined with the file name' },
        ],
      });
    }
  }
  return steps;
}

/** A constant attempt's steps (it reads nothing): the .csv files into data/, and for notes-folder every note into notes/. */
function guessPlan(world: Organise, view: ExpertView): ExpertStep[] | undefined {
  const { root, strategy } = view;
  if (strategy !== guessStrategy('data-only') && strategy !== guessStrategy('notes-folder')) return undefined;
  const move = (name: string, folder: string): ExpertStep => ({
    call: call('move_file', { source: `${root}/${name}`, destination: `${root}/${folder}/${name}` }),
    text: `guess: move ${name} into ${folder}/`,
  });
  const steps: ExpertStep[] = [
    { call: call('list_directory', { path: root }), text: 'guess: list the folder' },
    { call: call('create_directory', { path: `${root}/data` }), text: 'guess: make data/' },
    ...world.data.map((d) => move(d.name, 'data')),
  ];
  if (strategy === guessStrategy('notes-folder')) {
    steps.push({ call: call('create_directory', { path: `${root}/notes` }), text: 'guess: make notes/' }, ...world.notes.map((n) => move(n.name, 'notes')));
  }
  return steps;
}

const call = (name: string, args: Record<string, unknown>): PlannedCall => ({ name, arguments: args });
