import { money } from '../tasks/rng.js';
import { errors, esc, field, page, selectField, table } from './html.js';
import { formText, notFound, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export type FareClass = 'Economy' | 'Business';

export interface Flight {
  id: number;
  code: string;
  from: string;
  to: string;
  date: string;
  /** Minutes after midnight. */
  departs: number;
  arrives: number;
  fareClass: FareClass;
  refundable: boolean;
  /** Cents. */
  fare: number;
}

export interface Hotel {
  id: number;
  name: string;
  city: string;
  /** Kilometres to the venue the trip is for. */
  km: number;
  /** Cents per night. */
  rate: number;
}

/** The company's travel policy, as the Policy page states it. */
export interface TravelPolicy {
  /** Business class only on flights of at least this many hours; economy below. */
  businessFromHours: number;
  /** Arrive at least this many minutes before the first meeting. */
  arriveMinutesBefore: number;
  /** Cents per night. */
  nightlyCap: number;
}

export interface Trip {
  ref: string;
  flightId: number;
  hotelId: number;
  /** The flight back, on the day the hotel stay ends. */
  returnId: number;
  nights: number;
  traveller: string;
  email: string;
  total: number;
}

export interface TravelData {
  /** The meeting place hotels are measured from. */
  venue: string;
  flights: Flight[];
  hotels: Hotel[];
  policy: TravelPolicy;
  trips: Trip[];
}

const NAV: [string, string][] = [
  ['/', 'Search'],
  ['/policy', 'Policy'],
  ['/trips', 'My trips'],
];
const DATE = /^2025-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
const EMAIL = /^[\w.+-]+@[\w-]+(\.[\w-]+)+$/;

/** 570 → "09:30". */
export function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "2025-07-30" and 3 → "2025-08-02". */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** 135 → "2h 15m". */
export function duration(minutes: number): string {
  return `${Math.floor(minutes / 60)}h ${String(minutes % 60).padStart(2, '0')}m`;
}

/**
 * A corporate travel site: flight search with fares and conditions, hotels near the venue, the
 * flights back on the day the stay ends, a trip summary and booking form, the policy.
 */
export class TravelSite implements SiteApp {
  readonly host = 'travel.test';
  private counter = 1;

  constructor(readonly data: TravelData) {}

  /** Every record the app holds (SiteApp.state). */
  state(): Record<string, string> {
    return recordsState(this.data);
  }

  touch(key: string): void {
    touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse {
    const p = req.path;
    if (p === '/') return this.search(req.query, []);
    if (p === '/flights') return this.flights(req.query);
    if (p === '/hotels') return this.hotels(req.query);
    if (p === '/return') return this.returns(req.query);
    if (p === '/trip' && req.method === 'GET') return this.summary(req.query, []);
    if (p === '/trip' && req.method === 'POST') return this.book(req);
    if (p === '/policy') return this.policy();
    if (p === '/trips') return this.trips();
    return notFound();
  }

  private render(title: string, body: string): SiteResponse {
    return { html: page(title, 'TripDesk', NAV, body) };
  }

  private cities(): string[] {
    return [...new Set(this.data.flights.flatMap((f) => [f.from, f.to]))].sort();
  }

  private search(q: URLSearchParams, errs: string[]): SiteResponse {
    const choose: [string, string][] = [['', 'Choose a city…'], ...this.cities().map((c): [string, string] => [c, c])];
    return this.render(
      'Search flights',
      `${errors(errs)}<form method="get" action="/flights">${selectField('from', 'From', choose, q.get('from') ?? '')}${selectField('to', 'To', choose, q.get('to') ?? '')}
${field('date', 'Departure date', q.get('date') ?? '', 'text', 'placeholder="YYYY-MM-DD" autocomplete="off"')}
${field('nights', 'Hotel nights', q.get('nights') ?? '1', 'number', 'min="1" max="14"')}
<p><button type="submit">Search flights</button></p></form>`,
    );
  }

  private flights(q: URLSearchParams): SiteResponse {
    const [from, to, date, nights] = ['from', 'to', 'date', 'nights'].map((k) => q.get(k) ?? '') as [string, string, string, string];
    const errs = [];
    if (!this.cities().includes(from) || !this.cities().includes(to) || from === to) errs.push('Choose two different cities.');
    if (!DATE.test(date)) errs.push('Enter the departure date as YYYY-MM-DD (2025).');
    if (!validNights(nights)) errs.push('Hotel nights must be between 1 and 14.');
    if (errs.length) return this.search(q, errs);
    const { rows, sorting } = this.flightTable(
      from,
      to,
      date,
      q.get('sort') === 'fare',
      '/flights',
      { from, to, date, nights },
      (f) => `/hotels?${new URLSearchParams({ flight: String(f.id), nights })}`,
    );
    return this.render(`Flights ${from} to ${to}`, `<p>${esc(date)}, ${sorting}</p>${rows}`);
  }

  /** The flights on a route and day, by departure or fare, each with its Select link; `base` is the page's own query, kept by the sort link. */
  private flightTable(from: string, to: string, date: string, byFare: boolean, path: string, base: Record<string, string>, select: (f: Flight) => string) {
    const hits = this.data.flights
      .filter((f) => f.from === from && f.to === to && f.date === date)
      .sort((a, b) => (byFare ? a.fare - b.fare : a.departs - b.departs) || a.id - b.id);
    const rows = hits.map((f) => [
      esc(f.code),
      clock(f.departs),
      clock(f.arrives),
      duration(f.arrives - f.departs),
      f.fareClass,
      f.refundable ? 'Refundable' : 'Non-refundable',
      money(f.fare),
      `<a href="${esc(select(f))}" aria-label="Select ${esc(f.code)}">Select</a>`,
    ]);
    const sort = byFare
      ? `<a href="${path}?${esc(new URLSearchParams(base))}">Sort by departure</a>`
      : `<a href="${path}?${esc(new URLSearchParams({ ...base, sort: 'fare' }))}">Sort by fare</a>`;
    return {
      sorting: `${hits.length} flights, sorted by ${byFare ? 'fare' : 'departure'} · ${sort}`,
      rows: table(['Flight', 'Departs', 'Arrives', 'Duration', 'Class', 'Fare rules', 'Fare', ''], rows),
    };
  }

  private hotels(q: URLSearchParams): SiteResponse {
    const flight = this.data.flights.find((f) => f.id === Number(q.get('flight')));
    const nights = q.get('nights') ?? '';
    if (!flight || !validNights(nights)) return this.render('Hotels', errors(['Choose a flight first.']));
    const byDistance = q.get('sort') === 'distance';
    const hits = this.data.hotels.filter((h) => h.city === flight.to);
    if (byDistance) hits.sort((a, b) => a.km - b.km);
    const base = { flight: String(flight.id), nights };
    const rows = hits.map((h) => [
      esc(h.name),
      `${h.km.toFixed(1)} km`,
      `${money(h.rate)} per night`,
      `<a href="/return?${esc(new URLSearchParams({ ...base, hotel: String(h.id) }))}" aria-label="Select ${esc(h.name)}">Select</a>`,
    ]);
    const sort = byDistance
      ? `<a href="/hotels?${esc(new URLSearchParams(base))}">Recommended order</a>`
      : `<a href="/hotels?${esc(new URLSearchParams({ ...base, sort: 'distance' }))}">Sort by distance</a>`;
    return this.render(
      `Hotels in ${flight.to}`,
      `<p>Flight ${esc(flight.code)} arriving ${clock(flight.arrives)} on ${esc(flight.date)}; ${nights} night(s) · ${sort}</p>${table(['Hotel', `Distance to the ${this.data.venue}`, 'Rate', ''], rows)}`,
    );
  }

  /** The flights back from the trip's city on the day the hotel stay ends. */
  private returns(q: URLSearchParams): SiteResponse {
    const stay = this.stay(q);
    if (!stay) return this.render('Return flights', errors(['Choose a flight and a hotel first.']));
    const { flight, hotel, nights } = stay;
    const date = addDays(flight.date, nights);
    const base = { flight: String(flight.id), hotel: String(hotel.id), nights: String(nights) };
    const { rows, sorting } = this.flightTable(
      flight.to,
      flight.from,
      date,
      q.get('sort') === 'fare',
      '/return',
      base,
      (f) => `/trip?${new URLSearchParams({ ...base, return: String(f.id) })}`,
    );
    return this.render(
      `Return flights ${flight.to} to ${flight.from}`,
      `<p>Outbound ${esc(flight.code)} on ${esc(flight.date)}, ${esc(hotel.name)} for ${nights} night(s).</p><p>Back on ${esc(date)}, ${sorting}</p>${rows}`,
    );
  }

  /** The outbound flight and a hotel in its city, for a valid number of nights. */
  private stay(q: URLSearchParams): { flight: Flight; hotel: Hotel; nights: number } | undefined {
    const flight = this.data.flights.find((f) => f.id === Number(q.get('flight')));
    const hotel = this.data.hotels.find((h) => h.id === Number(q.get('hotel')));
    const nights = q.get('nights') ?? '';
    return flight && hotel && hotel.city === flight.to && validNights(nights) ? { flight, hotel, nights: Number(nights) } : undefined;
  }

  /** The stay and a flight back on the day it ends. */
  private chosen(q: URLSearchParams): { flight: Flight; hotel: Hotel; back: Flight; nights: number } | undefined {
    const stay = this.stay(q);
    const back = this.data.flights.find((f) => f.id === Number(q.get('return')));
    if (!stay || !back) return undefined;
    const fits = back.from === stay.flight.to && back.to === stay.flight.from && back.date === addDays(stay.flight.date, stay.nights);
    return fits ? { ...stay, back } : undefined;
  }

  private summary(q: URLSearchParams, errs: string[], values: Record<string, string> = {}): SiteResponse {
    const trip = this.chosen(q);
    if (!trip) return this.render('Trip summary', errors(['Choose the flights and a hotel first.']));
    const { flight, hotel, back, nights } = trip;
    const leg = (label: string, f: Flight) =>
      `<li>${label} ${esc(f.code)}, ${esc(f.from)} to ${esc(f.to)}, ${esc(f.date)} ${clock(f.departs)}–${clock(f.arrives)}, ${f.fareClass}, ${f.refundable ? 'refundable' : 'non-refundable'}: ${money(f.fare)}</li>`;
    return this.render(
      'Trip summary',
      `${errors(errs)}<ul>${leg('Flight', flight)}
<li>Hotel ${esc(hotel.name)}, ${nights} night(s) at ${money(hotel.rate)}: ${money(hotel.rate * nights)}</li>${leg('Return flight', back)}<li>Total: ${money(total(trip))}</li></ul>
<form method="post" action="/trip"><input type="hidden" name="flight" value="${flight.id}"><input type="hidden" name="hotel" value="${hotel.id}"><input type="hidden" name="return" value="${back.id}"><input type="hidden" name="nights" value="${nights}">
${field('traveller', 'Traveller name', values.traveller ?? '')}${field('email', 'Traveller email', values.email ?? '')}
<p><button type="submit">Confirm booking</button></p></form>`,
    );
  }

  private book(req: SiteRequest): SiteResponse {
    const trip = this.chosen(req.form);
    if (!trip) return this.render('Trip summary', errors(['Choose the flights and a hotel first.']));
    const values = { traveller: formText(req, 'traveller'), email: formText(req, 'email') };
    const errs = [];
    if (values.traveller.split(/\s+/).length < 2) errs.push('Enter the traveller’s full name (first and last).');
    if (!EMAIL.test(values.email)) errs.push('Enter a valid email address.');
    if (errs.length) return this.summary(req.form, errs, values);
    const ref = `TR${String(this.counter++).padStart(4, '0')}`;
    const sum = total(trip);
    this.data.trips.push({ ref, flightId: trip.flight.id, hotelId: trip.hotel.id, returnId: trip.back.id, nights: trip.nights, ...values, total: sum });
    return this.render(
      'Trip booked',
      `<p class="notice">Trip ${ref} booked: flight ${esc(trip.flight.code)}, ${esc(trip.hotel.name)} and return flight ${esc(trip.back.code)}, ${money(sum)}.</p>`,
    );
  }

  private policy(): SiteResponse {
    const p = this.data.policy;
    return this.render(
      'Travel policy',
      `<ol><li>Economy class on flights under ${p.businessFromHours} hours; business class is allowed on flights of ${p.businessFromHours} hours or more.</li>
<li>Refundable fares only.</li><li>Arrive at least ${p.arriveMinutesBefore / 60} hours before your first meeting.</li>
<li>Hotels: at most ${money(p.nightlyCap)} per night.</li><li>Within these rules, book the cheapest flight each way.</li></ol>`,
    );
  }

  private trips(): SiteResponse {
    const code = (id: number) => esc(this.data.flights.find((f) => f.id === id)?.code ?? '');
    const rows = this.data.trips.map((t) => [
      esc(t.ref),
      code(t.flightId),
      esc(this.data.hotels.find((h) => h.id === t.hotelId)?.name ?? ''),
      String(t.nights),
      code(t.returnId),
      money(t.total),
    ]);
    return this.render(
      'My trips',
      rows.length ? table(['Reference', 'Flight', 'Hotel', 'Nights', 'Return flight', 'Total'], rows) : '<p>No trips booked yet.</p>',
    );
  }
}

function total(trip: { flight: Flight; hotel: Hotel; back: Flight; nights: number }): number {
  return trip.flight.fare + trip.hotel.rate * trip.nights + trip.back.fare;
}

function validNights(nights: string): boolean {
  const n = Number(nights);
  return Number.isInteger(n) && n >= 1 && n <= 14;
}
