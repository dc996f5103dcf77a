// What a visible test run showed, read back for the expert's rationales.

/** The names of the failing tests a run_tests output shows (unittest -v or node --test). */
export function failingTests(output: string | undefined): string[] {
  if (output === undefined) return [];
  const python = [...output.matchAll(/^(?:FAIL|ERROR): (\S+) \(([^)\s]+)\)/gm)].map((m) => m[2]!);
  const node = [...output.matchAll(/^\s*not ok \d+ - (.+)$/gm), ...output.matchAll(/^\s*✖ (.+?) \(\d/gm)].map((m) => m[1]!.trim());
  return [...new Set([...python, ...node])];
}

/** The verdict line of a run_tests output: "OK", "FAILED (failures=1)", "fail 0"... */
export function testVerdict(output: string | undefined): string | undefined {
  if (output === undefined) return undefined;
  const python = /^(OK|FAILED \([^)]*\))\s*$/m.exec(output);
  if (python) return python[1];
  const node = /^[#ℹ] fail (\d+)$/m.exec(output);
  return node ? `fail ${node[1]}` : undefined;
}

/** The first failed assertion a run_tests output shows, as one short line. */
export function firstMismatch(output: string | undefined): string | undefined {
  if (output === undefined) return undefined;
  const python = /^AssertionError: (.+)$/m.exec(output);
  if (python) return clip(python[1]!);
  const expected = /^\s+expected: (.+)$/m.exec(output);
  const actual = /^\s+actual: (.+)$/m.exec(output);
  return expected && actual ? clip(`expected ${expected[1]!.trim()}, got ${actual[1]!.trim()}`) : undefined;
}

function clip(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
