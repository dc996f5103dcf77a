// Task generators draw from the Rng every env shares (seeded by the kit's one rule, instanceRng);
// what is this env's own is below.
import { Rng } from '@workgym/protocol';

export { Rng };

export const FIRST_NAMES = [
  'Ada',
  'Ben',
  'Chloe',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hugo',
  'Ines',
  'Jonas',
  'Keiko',
  'Liam',
  'Maya',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sami',
  'Tara',
  'Umar',
  'Vera',
  'Wes',
  'Yara',
  'Zoe',
];
export const LAST_NAMES = [
  'Adler',
  'Brooks',
  'Castro',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Hall',
  'Ito',
  'Jensen',
  'Kowalski',
  'Lopez',
  'Moreau',
  'Nakamura',
  'Okafor',
  'Patel',
  'Quist',
  'Rossi',
  'Silva',
  'Tanaka',
  'Usman',
  'Varga',
  'Weber',
  'Young',
  'Zhang',
];
export const STREETS = [
  'Oak Street',
  'Harbor Road',
  'Maple Avenue',
  'Mill Lane',
  'Station Road',
  'Park Row',
  'River Walk',
  'Elm Court',
  'Hill Drive',
  'Bridge Street',
];
export const CITIES = ['Lisbon', 'Oslo', 'Vienna', 'Porto', 'Lyon', 'Krakow', 'Gdansk', 'Bergen', 'Seville', 'Turin'];

export function personName(rng: Rng): string {
  return `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}`;
}

export function address(rng: Rng): string {
  return `${rng.int(1, 199)} ${rng.pick(STREETS)}, ${rng.pick(CITIES)}`;
}

/** Cents as "$12.34". */
export function money(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
