import { drawUntil, type Difficulty, type ExpertStep } from '@workgym/protocol/kit';
import { clock, TravelSite, type FareClass, type Flight, type Hotel, type TravelData, type TravelPolicy } from '../sites/travel.js';
import type { Snapshot } from '../browser/ax-snapshot.js';
import { act, click, fillForm, findNode, leave, list, navigate, seenTitled, showsText, submit, tableRows } from './expert-kit.js';
import { CITIES, money, personName, type Rng } from './rng.js';
import { type FamilyDef, verification } from './task.js';

/** The policy's flight rules; each one dropped books a cheaper flight. */
type Rule = 'class' | 'refundable' | 'arrival';
const RULES: readonly Rule[] = ['class', 'refundable', 'arrival'];
/** Flights on the route that day and hotels in the city, per tier: the size and the look-alikes. */
const SIZE: Record<Difficulty, { flights: number; hotels: number }> = {
  easy: { flights: 10, hotels: 5 },
  medium: { flights: 16, hotels: 8 },
  hard: { flights: 24, hotels: 12 },
};
const VENUES = ['Congress Centre', 'Trade Fair', 'City Hall', 'Innovation Campus'];
const HOTEL_WORDS = ['Grand', 'Harbor', 'Garden', 'Central', 'Old Town', 'Riverside', 'Park', 'Station', 'Royal', 'Plaza', 'Bridge', 'Market'];
const AIRLINES = ['TP', 'SK', 'OS', 'LH', 'AF', 'LO', 'IB', 'AZ'];

/** The strategies' and near-misses' ways through the tables: which rule an attempt ignores, or a constant choice. */
type Choice = { ignore?: Rule | 'hotel_cap' } | { constant: 'first-listed' | 'cheapest-each' };

export const travelBookPolicy: FamilyDef = {
  name: 'travel-book-policy',
  job: 'office-assistant',
  difficulty: 'hard',
  tiers: ['easy', 'medium', 'hard'],
  description:
    'Book a business trip (flight and hotel) on a travel site: the cheapest flight within the company policy (class by flight length, refundable, arriving before the meeting) and the hotel nearest the venue within the nightly cap.',
  strategies: ['read-all', 'sort'],
  nearMisses: ['two-bookings'],
  // The itinerary (flight and hotel together: every policy rule bears on it) before the trip's
  // nights and traveller; one booking only.
  components: [
    { name: 'right_itinerary', kind: 'progress' },
    { name: 'trip_details', kind: 'progress' },
    { name: 'one_booking', kind: 'guard' },
  ],
  conditions: [...RULES, 'hotel_cap'],
  guesses: ['first-listed', 'cheapest-each'],
  generate(rng, _task, tier) {
    const [from, to] = rng.sample(CITIES, 2) as [string, string];
    const date = `2025-0${rng.int(7, 9)}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const meeting = rng.int(14, 17) * 60;
    const policy: TravelPolicy = { businessFromHours: rng.int(4, 5), arriveMinutesBefore: 120, nightlyCap: rng.pick([150, 180, 200, 220]) * 100 };
    const deadline = meeting - policy.arriveMinutesBefore;
    const { flights: flightCount, hotels: hotelCount } = SIZE[tier];
    const route = drawUntil(
      rng,
      (r) => drawFlights(r, flightCount, { from, to, date }, policy, deadline),
      ({ flights, target }) => byDeparture(flights)[0] !== target,
    );
    const venue = rng.pick(VENUES);
    const stay = drawUntil(
      rng,
      (r) => drawHotels(r, hotelCount, to, policy.nightlyCap),
      ({ hotels, target }) => hotels[0] !== target && cheapest(hotels, (h) => h.rate) !== target,
    );
    // Other days and the way back: the same route on the next day is one search field away.
    const nextDay = `${date.slice(0, 8)}${String(Number(date.slice(8)) + 1).padStart(2, '0')}`;
    const others = [
      ...drawFlights(rng, 6, { from, to, date: nextDay }, policy, deadline).flights,
      ...drawFlights(rng, 6, { from: to, to: from, date }, policy, deadline).flights,
    ];
    const flights = [...route.flights, ...others].map((f, i) => ({ ...f, id: i + 1 }));
    const target = flights[route.flights.indexOf(route.target)]!;
    const hotels = stay.hotels.map((h, i) => ({ ...h, id: i + 1 }));
    const targetHotel = hotels[stay.hotels.indexOf(stay.target)]!;
    const nights = rng.int(2, 4);
    const traveller = personName(rng);
    const email = `${traveller.toLowerCase().replace(' ', '.')}@company.example`;
    const data: TravelData = { venue, flights, hotels, policy, trips: [] };
    const site = new TravelSite(data);
    const rules = `economy under ${policy.businessFromHours}h (business from ${policy.businessFromHours}h), refundable, arriving by ${clock(deadline)}`;

    /** The flight an attempt picks from a shown results table. */
    const pickFlight = (choice: Choice, shown: Snapshot): Picked => {
      const rows = tableRows(shown).map((r) => ({
        code: r.cells[0]!,
        arrives: r.cells[2]!,
        minutes: minutesOf(r.cells[3]!),
        fareClass: r.cells[4]!,
        rules: r.cells[5]!,
        fare: cents(r.cells[6]!),
        link: r.links[0]!,
      }));
      const label = (f: (typeof rows)[number]) => `${f.code} ${f.fareClass} ${money(f.fare)}`;
      if ('constant' in choice) {
        const f = choice.constant === 'first-listed' ? rows[0]! : cheapest(rows, (r) => r.fare);
        return { name: f.code, step: act(click(f.link), `${label(f)} is ${choice.constant === 'first-listed' ? 'listed first' : 'the cheapest fare'}.`) };
      }
      const within = (f: (typeof rows)[number]) =>
        (choice.ignore === 'class' || f.fareClass === 'Economy' || f.minutes >= policy.businessFromHours * 60) &&
        (choice.ignore === 'refundable' || f.rules === 'Refundable') &&
        (choice.ignore === 'arrival' || f.arrives <= clock(deadline));
      const ok = rows.filter(within);
      const best = cheapest(ok, (r) => r.fare);
      const why = `The policy allows ${rules} (the meeting is at ${clock(meeting)}, arrive 2 hours before). Within it: ${list(ok.map(label))}. The cheapest is ${best.code}: select it.`;
      return { name: best.code, step: act(click(best.link), why) };
    };

    /** The hotel an attempt picks from a shown hotels table. */
    const pickHotel = (choice: Choice, shown: Snapshot): Picked => {
      const rows = tableRows(shown).map((r) => ({ name: r.cells[0]!, km: Number.parseFloat(r.cells[1]!), rate: cents(r.cells[2]!), link: r.links[0]! }));
      const label = (h: (typeof rows)[number]) => `${h.name} (${h.km.toFixed(1)} km, ${money(h.rate)})`;
      if ('constant' in choice) {
        const h = choice.constant === 'first-listed' ? rows[0]! : cheapest(rows, (r) => r.rate);
        return { name: h.name, step: act(click(h.link), `${label(h)} is ${choice.constant === 'first-listed' ? 'listed first' : 'the cheapest'}.`) };
      }
      const ok = rows.filter((h) => choice.ignore === 'hotel_cap' || h.rate <= policy.nightlyCap);
      const best = cheapest(ok, (r) => r.km);
      const why = `At most ${money(policy.nightlyCap)} per night: ${list(ok.map(label))}. Nearest the ${venue} is ${best.name}: select it.`;
      return { name: best.name, step: act(click(best.link), why) };
    };

    const choiceOf = (strategy: string, booked: number): Choice => {
      if (strategy === 'guess:first-listed') return { constant: 'first-listed' };
      // The near-miss books the cheapest of each first, then the right trip.
      if (strategy === 'guess:cheapest-each' || (strategy === 'two-bookings' && booked === 0)) return { constant: 'cheapest-each' };
      const relaxed = strategy.startsWith('relax:') ? (strategy.slice(6) as Rule | 'hotel_cap') : undefined;
      return relaxed ? { ignore: relaxed } : {};
    };

    return {
      instruction: `Book a business trip for ${traveller} (${email}) on TripDesk: a flight from ${from} to ${to} on ${date}, for a meeting at the ${venue} at ${clock(meeting)} that day, and a hotel for ${nights} nights. Follow the company travel policy on TripDesk's Policy page: the cheapest flight within the policy and, among hotels within its nightly cap, the one nearest the ${venue}. Make one booking, then submit.`,
      sites: [site],
      startUrl: 'http://travel.test/',
      expert(view) {
        const booked = data.trips.length;
        const wanted = view.strategy === 'two-bookings' ? 2 : 1;
        if (booked >= wanted) return act(submit(), `TripDesk confirms trip ${data.trips.at(-1)!.ref}: submit.`);
        const choice = choiceOf(view.strategy, booked);
        const { snapshot } = view;
        if (!('constant' in choice) && seenTitled(view, 'Travel policy').length === 0) return leave(view, 'Policy', 'Read the travel policy first');
        const sorted = view.strategy === 'sort';
        const isResults = (p: { url: string; snapshot: Snapshot }) =>
          p.snapshot.title === `Flights ${from} to ${to}` &&
          showsText(p.snapshot, `${date},`) &&
          (!sorted || new URL(p.url).searchParams.get('sort') === 'fare');
        const onPage = { url: view.url.href, snapshot };
        if (isResults(onPage)) return pickFlight(choice, snapshot).step;
        if (sorted && snapshot.title === `Flights ${from} to ${to}` && showsText(snapshot, `${date},`))
          return act(click(findNode(snapshot, 'link', 'Sort by fare')!), 'Sort the flights by fare, cheapest first.');
        const results = [...view.seen].reverse().find(isResults);
        if (!results) {
          if (snapshot.title !== 'Search flights') return leave(view, 'Search', `Search flights from ${from} to ${to}`);
          return fillForm(
            snapshot,
            [
              { label: 'From', value: from, kind: 'select', why: `The trip starts in ${from}.` },
              { label: 'To', value: to, kind: 'select', why: `The meeting is in ${to}.` },
              { label: 'Departure date', value: date, why: `The flight is on ${date}, the meeting's day.` },
              { label: 'Hotel nights', value: String(nights), why: `The hotel is for ${nights} nights.` },
            ],
            'Search flights',
            'Route, date and nights are set: search.',
          );
        }
        const flightCode = pickFlight(choice, results.snapshot).name;
        const isHotels = (p: { url: string; snapshot: Snapshot }) =>
          p.snapshot.title === `Hotels in ${to}` &&
          showsText(p.snapshot, `Flight ${flightCode} `) &&
          (!sorted || new URL(p.url).searchParams.get('sort') === 'distance');
        if (isHotels(onPage)) return pickHotel(choice, snapshot).step;
        if (sorted && snapshot.title === `Hotels in ${to}` && showsText(snapshot, `Flight ${flightCode} `))
          return act(click(findNode(snapshot, 'link', 'Sort by distance')!), `Sort the hotels by distance to the ${venue}.`);
        const hotelsPage = [...view.seen].reverse().find(isHotels);
        if (!hotelsPage) return navigate(view, results.url, `Back to the flights from ${from} to ${to}`)!;
        const hotelName = pickHotel(choice, hotelsPage.snapshot).name;
        if (snapshot.title === 'Trip summary' && showsText(snapshot, `Flight ${flightCode},`) && showsText(snapshot, `Hotel ${hotelName},`)) {
          return fillForm(
            snapshot,
            [
              { label: 'Traveller name', value: traveller, why: `The traveller is ${traveller}.` },
              { label: 'Traveller email', value: email, why: `${traveller}'s email is ${email}.` },
            ],
            'Confirm booking',
            `Flight ${flightCode} and ${hotelName} for ${nights} nights, traveller filled in: confirm.`,
          );
        }
        return navigate(view, hotelsPage.url, `Back to the hotels in ${to}`)!;
      },
      verify() {
        const t = data.trips[0];
        const components = {
          right_itinerary: t?.flightId === target.id && t.hotelId === targetHotel.id ? 1 : 0,
          trip_details: t && t.nights === nights && t.traveller === traveller && t.email.toLowerCase() === email ? 1 : 0,
          one_booking: data.trips.length <= 1 ? 1 : 0,
        };
        return verification(
          components,
          `${data.trips.length} trip(s)${t ? `; first: flight ${t.flightId}, hotel ${t.hotelId}, ${t.nights} nights, ${t.traveller}` : ''}; expected flight ${target.code} (${money(target.fare)}), ${targetHotel.name}, ${nights} nights, ${traveller}`,
        );
      },
    };
  },
};

/** What an attempt picks from a table (a flight's code, a hotel's name) and the click that picks it. */
interface Picked {
  name: string;
  step: ExpertStep;
}

interface Route {
  from: string;
  to: string;
  date: string;
}

/**
 * `count` flights on one route and day and the one the policy books: its rank by fare is uniform
 * over 3..count-1, every cheaper flight breaks a rule, and for each rule one cheaper flight
 * breaks only that one (so dropping any rule books it).
 */
function drawFlights(
  rng: Rng,
  count: number,
  route: Route,
  policy: TravelPolicy,
  deadline: number,
): { flights: Omit<Flight, 'id'>[]; target: Omit<Flight, 'id'> } {
  const fares = rng.sample(
    Array.from({ length: 700 }, (_, i) => (90 + i) * 100),
    count,
  );
  fares.sort((a, b) => a - b);
  const rank = rng.int(3, count - 1);
  const single = rng.sample(
    Array.from({ length: rank }, (_, i) => i),
    RULES.length,
  );
  const codes = rng.sample(
    AIRLINES.flatMap((a) => Array.from({ length: 40 }, (_, i) => `${a} ${100 + i * 17}`)),
    count,
  );
  const flights = fares.map((fare, i) => {
    const broken: Rule[] =
      i === rank
        ? []
        : single.includes(i)
          ? [RULES[single.indexOf(i)]!]
          : i < rank
            ? drawUntil(
                rng,
                (r) => RULES.filter(() => r.next() < 0.5),
                (b) => b.length > 0,
              )
            : RULES.filter(() => rng.next() < 0.4);
    return { ...flightBreaking(rng, broken, policy, deadline), ...route, code: codes[i]!, fare };
  });
  return { flights, target: flights[rank]! };
}

/** Times, class and fare rules of a flight that breaks exactly the `broken` rules. */
function flightBreaking(
  rng: Rng,
  broken: readonly Rule[],
  policy: TravelPolicy,
  deadline: number,
): Pick<Flight, 'departs' | 'arrives' | 'fareClass' | 'refundable'> {
  const long = policy.businessFromHours * 60;
  const business = broken.includes('class') || rng.next() < 0.25;
  // Business is within the policy only on a long flight; economy on any.
  const minutes = broken.includes('class') ? rng.int(16, long / 5 - 1) * 5 : business ? rng.int(long / 5, long / 5 + 12) * 5 : rng.int(16, long / 5 + 12) * 5;
  const arrives = broken.includes('arrival') ? rng.int(deadline / 5 + 1, 23 * 12) * 5 : rng.int((5 * 60 + minutes) / 5, deadline / 5) * 5;
  const fareClass: FareClass = business ? 'Business' : 'Economy';
  return { departs: arrives - minutes, arrives, fareClass, refundable: !broken.includes('refundable') };
}

/**
 * `count` hotels in the city and the one to book: the nearest within the nightly cap, never the
 * nearest of all (over the cap) and its rank by distance uniform over 2..count-1.
 */
function drawHotels(rng: Rng, count: number, city: string, cap: number): { hotels: Omit<Hotel, 'id'>[]; target: Omit<Hotel, 'id'> } {
  const kms = rng
    .sample(
      Array.from({ length: 98 }, (_, i) => (i + 2) / 10),
      count,
    )
    .sort((a, b) => a - b);
  const rank = rng.int(1, count - 1);
  const names = rng.sample(
    HOTEL_WORDS.flatMap((w) => ['Hotel', 'Inn', 'Suites'].map((k) => `${w} ${k}`)),
    count,
  );
  const over = () => cap + rng.int(1, 15) * 1000;
  const under = () => cap - rng.int(0, 10) * 1000;
  const byDistance = kms.map((km, i) => ({ name: names[i]!, city, km, rate: i < rank ? over() : i === rank ? under() : rng.next() < 0.5 ? over() : under() }));
  const target = byDistance[rank]!;
  return { hotels: rng.shuffle(byDistance), target };
}

function byDeparture(flights: readonly Omit<Flight, 'id'>[]): Omit<Flight, 'id'>[] {
  return [...flights].sort((a, b) => a.departs - b.departs);
}

function cheapest<T>(items: readonly T[], key: (item: T) => number): T {
  return items.reduce((best, item) => (key(item) < key(best) ? item : best));
}

function cents(shown: string): number {
  return Math.round(Number(shown.replace(/[^\d.]/g, '')) * 100);
}

function minutesOf(shown: string): number {
  const [, h, m] = /(\d+)h (\d+)m/.exec(shown)!;
  return Number(h) * 60 + Number(m);
}
