import { spawn } from 'node:child_process';

// Makes LibreOffice recalculate every formula of an .xlsx on load instead of trusting stored
// results (org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode 0 = always).
const PROFILE = `<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>`;

/**
 * The shell script run inside the env's container: reads "name<TAB>base64" lines on stdin,
 * recalculates every file with `soffice --headless --convert-to xlsx`, writes the results back
 * the same way. The profile lives on the container's tmpfs.
 */
const SCRIPT = `set -e
d=$(mktemp -d /tmp/lo.XXXXXX); mkdir -p "$d/in" "$d/out" /tmp/lo-profile/user
[ -f /tmp/lo-profile/user/registrymodifications.xcu ] || printf '%s' '${PROFILE.replace(/\n/g, '')}' > /tmp/lo-profile/user/registrymodifications.xcu
while IFS="$(printf '\\t')" read -r name data; do printf '%s' "$data" | base64 -d > "$d/in/$name"; done
soffice --headless --norestore --nolockcheck -env:UserInstallation=file:///tmp/lo-profile --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$d/out" "$d"/in/*.xlsx >&2
for f in "$d"/out/*.xlsx; do printf '%s\\t' "$(basename "$f")"; base64 -w0 "$f"; echo; done
rm -rf "$d"`;

/** Recalculates .xlsx files with LibreOffice inside a running container (as its own user, with its limits). */
export async function recalcWithLibreOffice(containerId: string, files: Map<string, Buffer>): Promise<Map<string, Buffer>> {
  const child = spawn('docker', ['exec', '-i', containerId, 'sh', '-c', SCRIPT], { stdio: ['pipe', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  let err = '';
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  for (const [name, bytes] of files) child.stdin.write(`${name}\t${bytes.toString('base64')}\n`);
  child.stdin.end();
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`LibreOffice recalculation failed (exit ${code}): ${err.slice(-2000)}`);
  const result = new Map<string, Buffer>();
  for (const line of Buffer.concat(out).toString().split('\n')) {
    const [name, data] = line.split('\t');
    if (name && data) result.set(name, Buffer.from(data, 'base64'));
  }
  return result;
}
