import { Packr, Unpackr } from 'msgpackr';
import { makeEpisode } from './make-episode.js';
const recs = Array.from({ length: 2000 }, (_, i) => makeEpisode({ seed: i + 1, steps: 2 }));
const noTools = recs.map(r => ({ ...r, tools: undefined }));
function bench(name: string, enc: (r: any) => Uint8Array | string, dec: (b: any) => unknown, data: any[]) {
  let t = performance.now(); const bufs = data.map(enc); const te = performance.now() - t;
  t = performance.now(); for (const b of bufs) dec(b); const td = performance.now() - t;
  const size = bufs.reduce((s, b) => s + (typeof b === 'string' ? Buffer.byteLength(b) : b.length), 0);
  console.log(name.padEnd(30), 'enc', te.toFixed(1), 'dec', td.toFixed(1), 'size', size);
}
for (let k = 0; k < 2; k++) {
bench('json', JSON.stringify, JSON.parse, recs);
const p1 = new Packr({ useRecords: true }); const u1 = new Unpackr({ useRecords: true });
bench('msgpackr inline records', (r) => p1.pack(r), (b) => u1.unpack(b), recs);
const p0 = new Packr({ useRecords: false }); 
bench('msgpackr maps', (r) => p0.pack(r), (b) => p0.unpack(b), recs);
const structures: any[] = [];
const p2 = new Packr({ structures, maxSharedStructures: 100 }); const u2 = new Unpackr({ structures, maxSharedStructures: 100 });
bench('msgpackr shared', (r) => p2.pack(r), (b) => u2.unpack(b), recs);
bench('json notools', JSON.stringify, JSON.parse, noTools);
bench('msgpackr shared notools', (r) => p2.pack(r), (b) => u2.unpack(b), noTools);
bench('msgpackr inline notools', (r) => p1.pack(r), (b) => u1.unpack(b), noTools);
}
