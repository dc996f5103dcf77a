import { BookingSite, type BookingData, type Hotel } from '../sites/booking.js';
import { recordsAdded } from '../sites/state.js';
import { CITIES, money, personName, type Rng } from './rng.js';
import type { Snapshot } from '../browser/ax-snapshot.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import {
  act,
  click,
  fillForm,
  findNode,
  leave,
  list,
  mustFind,
  navigate,
  nextField,
  showsText,
  submit,
  tableRows,
  type ExpertView,
  type FormField,
} from './expert-kit.js';
import { type FamilyDef, verification } from './task.js';

const MIN_RATING = 4.0;
/** Book whichever hotel the results list first. */
const GUESS = 'first-listed';
const NAMES = ['Grand', 'Harbor', 'Garden', 'Central', 'Old Town', 'Riverside', 'Park', 'Station', 'Royal', 'Plaza'];
const HOTEL_NAMES = ['Hotel', 'Inn', 'Suites', 'Lodge'].flatMap((kind) => NAMES.map((n) => `${n} ${kind}`));
/** Sort the results by price and book the hotel at a fixed rank, ignoring the rating. */
const RANKS: Record<string, number> = { 'second-cheapest': 1, 'third-cheapest': 2 };

export const bookingReserve: FamilyDef = {
  name: 'booking-reserve',
  job: 'customer-support',
  difficulty: 'hard',
  // customer-support's unseen family: shop-buy-cheapest trains the same choice under conditions.
  heldOut: true,
  description:
    'Book the cheapest hotel meeting a rating and party size for given dates, through a search form with a date picker and a validated booking form.',
  strategies: ['type-date', 'date-picker'],
  nearMisses: ['cheapest-ignoring-rating'],
  // The kit judges the whole site: the booking made is the task's change (recordsAdded); how many, the family judges.
  collateral: true,
  // The right hotel before the stay's dates, the party and the guest's details; one booking only.
  components: [
    { name: 'right_hotel', kind: 'progress' },
    { name: 'dates', kind: 'progress' },
    { name: 'guests', kind: 'progress' },
    { name: 'guest_details', kind: 'progress' },
    { name: 'one_booking', kind: 'guard' },
  ],
  // The city is a required search field, not a condition an attempt can drop.
  conditions: ['rating', 'guests'],
  guesses: [GUESS, ...Object.keys(RANKS)],
  generate(rng) {
    // Dropping the rating, or the party size, books another hotel; so would booking the first
    // listed, the highest rated or the first listed rated high enough: the draw rules them out.
    const { hotels, city, guests, target } = drawHotels(rng);
    const minRating = MIN_RATING;
    const checkIn = `2025-0${rng.int(7, 9)}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const nights = rng.int(2, 5);
    const name = personName(rng);
    const email = `${name.toLowerCase().replace(' ', '.')}@mail.example`;
    const phone = `+351 ${rng.chars(3, '0123456789')} ${rng.chars(3, '0123456789')} ${rng.chars(3, '0123456789')}`;
    const data: BookingData = { hotels, bookings: [] };
    const site = new BookingSite(data);

    /** The hotel the strategy books from shown results: the cheapest rated high enough (the near-miss: the cheapest of all). */
    const chooseHotel = (view: ExpertView, results: Snapshot): { hotel: string; step: ExpertStep } => {
      const rows = tableRows(results).map((r) => ({ name: r.cells[0]!, rating: Number.parseFloat(r.cells[1]!), price: r.cells[2]!, book: r.links[0]! }));
      const byPrice = [...rows].sort((a, b) => cents(a.price) - cents(b.price));
      const shown = (h: (typeof rows)[number]) => `${h.name} ${h.rating.toFixed(1)}, ${h.price}`;
      if (view.strategy === `guess:${GUESS}`) return { hotel: rows[0]!.name, step: act(click(rows[0]!.book), `${shown(rows[0]!)} is listed first.`) };
      const ranked = Object.entries(RANKS).find(([guess]) => view.strategy === `guess:${guess}`);
      if (ranked) {
        const [guess, i] = ranked;
        return { hotel: byPrice[i]!.name, step: act(click(byPrice[i]!.book), `By price, ${shown(byPrice[i]!)} comes ${guess.split('-')[0]}.`) };
      }
      if (view.strategy === 'cheapest-ignoring-rating' || view.strategy === 'relax:rating')
        return { hotel: byPrice[0]!.name, step: act(click(byPrice[0]!.book), `${shown(byPrice[0]!)} is the cheapest.`) };
      const good = byPrice.filter((h) => h.rating >= minRating);
      const best = good[0]!;
      return {
        hotel: best.name,
        step: act(click(best.book), `Rated ${minRating.toFixed(1)} or better: ${list(good.map(shown))}. The cheapest of them is ${best.name}: book it.`),
      };
    };

    return {
      instruction: `Book the cheapest hotel in ${city} rated ${minRating.toFixed(1)} or better that takes ${guests} guests, checking in on ${checkIn} for ${nights} nights. The guest is ${name}, email ${email}, phone ${phone}. Submit once the booking is confirmed.`,
      sites: [site],
      startUrl: 'http://book.test/',
      expert(view) {
        const booked = data.bookings[0];
        if (booked) return act(submit(), `The page confirms booking ${booked.ref}: submit.`);
        const { snapshot } = view;
        const stay = `${nights} night(s) from ${checkIn}`;
        // The relaxation searches for one guest: it ignores the party size.
        const party = view.strategy === 'relax:guests' ? 1 : guests;
        const onResults = (p: { snapshot: Snapshot }) => p.snapshot.title === `Hotels in ${city}` && showsText(p.snapshot, `${stay}, ${party} guest(s)`);
        if (onResults(view)) return chooseHotel(view, snapshot).step;
        const results = [...view.seen].reverse().find(onResults);
        if (results) {
          const { hotel } = chooseHotel(view, results.snapshot);
          if (snapshot.title === `Book ${hotel}` && showsText(snapshot, `${stay} for ${party} guest(s)`)) {
            return fillForm(
              snapshot,
              [
                { label: 'Full name', value: name, why: `The guest is ${name}.` },
                { label: 'Email', value: email, why: `The guest's email is ${email}.` },
                { label: 'Phone', value: phone, why: `The guest's phone is ${phone}.` },
              ],
              'Confirm booking',
              `The guest's details are filled for ${hotel}: confirm the booking.`,
            );
          }
          const back = navigate(view, results.url, `Back to the hotels in ${city}`);
          if (back) return back;
        }
        if (snapshot.title !== 'Find a hotel') return leave(view, 'Search', `Search for hotels in ${city}`);
        const cityField: FormField = { label: 'City', value: city, kind: 'select', why: `The hotel must be in ${city}.` };
        if (view.strategy === 'date-picker' && findNode(snapshot, 'textbox', 'Check-in date')?.value !== checkIn)
          return nextField(snapshot, [cityField]) ?? pickDate(view, checkIn);
        return fillForm(
          snapshot,
          [
            cityField,
            { label: 'Check-in date', value: checkIn, why: `Check-in is on ${checkIn}.` },
            { label: 'Nights', value: String(nights), why: `The stay is ${nights} nights.` },
            { label: 'Guests', value: String(party), kind: 'select', why: `The hotel must take ${party} guests.` },
          ],
          'Search hotels',
          'City, date, nights and guests are set: search.',
        );
      },
      expectsChange: recordsAdded(site, 'bookings'),
      verify() {
        const b = data.bookings[0];
        const components = {
          right_hotel: b?.hotelId === target.id ? 1 : 0,
          dates: b?.checkIn === checkIn && b.nights === nights ? 1 : 0,
          guests: b?.guests === guests ? 1 : 0,
          guest_details: b && b.name === name && b.email.toLowerCase() === email && b.phone.replace(/\s/g, '') === phone.replace(/\s/g, '') ? 1 : 0,
          one_booking: data.bookings.length <= 1 ? 1 : 0,
        };
        return verification(
          components,
          b
            ? `booking ${b.ref}: hotel ${b.hotelId}, ${b.checkIn} x${b.nights}, ${b.guests} guests, ${b.name}; expected ${target.name} (${money(target.price)}/night), ${checkIn} x${nights}, ${guests} guests`
            : 'no booking was made',
        );
      },
    };
  },
};

/** Hotels in the task's city that take the party: enough that no rank by price is the target on more than 4% of seeds. */
const LISTED = 33;
/** Hotels in the task's city too small for the party; the city's cheapest is one of them, rated high enough. */
const TOO_SMALL = 6;

/**
 * Three cities (the first the task's), the party size and the target: its rank by price among
 * the hotels taking the party is uniform over 2..LISTED - 1, exactly the cheaper ones rated
 * below MIN_RATING, the dearest rated above the target. The target is listed after another
 * hotel rated high enough.
 */
function drawHotels(rng: Rng): { hotels: Hotel[]; city: string; guests: number; target: Hotel } {
  const cities = rng.sample(CITIES, 3);
  const city = cities[0]!;
  const guests = rng.int(2, 3);
  const prices = rng
    .sample(
      Array.from({ length: 201 }, (_, i) => (60 + i) * 100),
      LISTED + TOO_SMALL,
    )
    .sort((a, b) => a - b);
  // The cheapest is too small; the rest are shuffled between taking the party or not.
  const fits = [false, ...rng.shuffle([...Array<boolean>(LISTED).fill(true), ...Array<boolean>(TOO_SMALL - 1).fill(false)])];
  const rank = rng.int(2, LISTED - 1);
  let listed = 0;
  const inCity = rng.sample(HOTEL_NAMES, prices.length).map((name, i): Omit<Hotel, 'id'> => {
    if (fits[i]) listed++;
    const [low, high] = !fits[i] ? [i === 0 ? 40 : 30, 50] : listed < rank ? [30, 39] : listed === rank ? [40, 47] : listed === LISTED ? [48, 50] : [30, 50];
    return {
      name: `${name} ${city}`,
      city,
      price: prices[i]!,
      rating: rng.int(low, high) / 10,
      maxGuests: fits[i] ? rng.int(guests, 4) : rng.int(1, guests - 1),
    };
  });
  const target = inCity.filter((_, i) => fits[i])[rank - 1]!;
  const elsewhere = cities
    .slice(1)
    .flatMap((c) =>
      rng
        .sample(HOTEL_NAMES, 6)
        .map((name) => ({ name: `${name} ${c}`, city: c, price: rng.int(60, 260) * 100, rating: rng.int(30, 50) / 10, maxGuests: rng.int(1, 4) })),
    );
  const order = rng.shuffle([...inCity, ...elsewhere]);
  const good = order.filter((h) => h.city === city && h.maxGuests >= guests && h.rating >= MIN_RATING);
  if (good[0] === target) {
    const [i, j] = [order.indexOf(target), order.indexOf(good[1]!)];
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hotels = order.map((h, i) => ({ ...h, id: i + 1 }));
  return { hotels, city, guests, target: hotels.find((h) => h.name === target.name)! };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** The next click in the date picker towards `date` (YYYY-MM-DD): open it, change month, pick the day. */
function pickDate(view: ExpertView, date: string): ExpertStep {
  const { snapshot } = view;
  const month = Number(date.slice(5, 7));
  const day = Number(date.slice(8, 10));
  const wanted = MONTHS[month - 1]!;
  const heading = snapshot.nodes.find((n) => n.role === 'StaticText' && /^[A-Z][a-z]+ 2025$/.test(n.name) && MONTHS.includes(n.name.split(' ')[0]!));
  if (!heading) return act(click(mustFind(snapshot, 'button', 'Pick a date')), `Open the date picker to choose the check-in date ${date}.`);
  const shown = MONTHS.indexOf(heading.name.split(' ')[0]!) + 1;
  if (shown !== month) {
    const button = shown < month ? 'Next month' : 'Previous month';
    return act(click(mustFind(snapshot, 'button', button)), `The calendar shows ${heading.name}; check-in is in ${wanted}: ${button.toLowerCase()}.`);
  }
  return act(click(mustFind(snapshot, 'button', `${wanted} ${day}, 2025`)), `Pick ${wanted} ${day}, the check-in date ${date}.`);
}

function cents(shown: string): number {
  return Math.round(Number(shown.replace(/[^\d.]/g, '')) * 100);
}
