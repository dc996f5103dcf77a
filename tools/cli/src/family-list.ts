/** How many families a refusal lists before it says how many more there are. */
const LISTED = 40;

/** The families a refusal names: the first 40, then how many more and where all of them are listed. */
export function listFamilies(families: readonly string[]): string {
  const more = families.length > LISTED ? ` and ${families.length - LISTED} more (\`workgym envs\` lists them)` : '';
  return `${families.slice(0, LISTED).join(', ') || 'none'}${more}`;
}
