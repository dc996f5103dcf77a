import { money } from '../tasks/rng.js';
import { errors, esc, field, page, selectField, table } from './html.js';
import { formText, notFound, route, type SiteApp, type SiteRequest, type SiteResponse } from './site-app.js';
import { recordsState, touchRecords } from './state.js';

export interface Hotel {
  id: number;
  name: string;
  city: string;
  /** Cents per night. */
  price: number;
  rating: number;
  maxGuests: number;
}

export interface Booking {
  ref: string;
  hotelId: number;
  checkIn: string;
  nights: number;
  guests: number;
  name: string;
  email: string;
  phone: string;
  total: number;
}

export interface BookingData {
  hotels: Hotel[];
  bookings: Booking[];
}

const NAV: [string, string][] = [
  ['/', 'Search'],
  ['/bookings', 'My bookings'],
];
const DATE = /^2025-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

// A small date picker: a button opens a month grid; choosing a day writes YYYY-MM-DD into the field.
const PICKER = `
const input = document.getElementById('checkin');
const box = document.getElementById('picker');
let month = 6;
function draw() {
  const days = new Date(2025, month, 0).getDate();
  const names = ['January','February','March','April','May','June','July','August','September','October','November','December'];
  let html = '<div role="group" aria-label="Calendar"><button type="button" id="prev">Previous month</button> <strong>' + names[month - 1] + ' 2025</strong> <button type="button" id="next">Next month</button><div>';
  for (let d = 1; d <= days; d++) html += '<button type="button" class="day" data-day="' + d + '" aria-label="' + names[month - 1] + ' ' + d + ', 2025">' + d + '</button>';
  box.innerHTML = html + '</div></div>';
  box.querySelector('#prev').onclick = () => { if (month > 1) { month--; draw(); } };
  box.querySelector('#next').onclick = () => { if (month < 12) { month++; draw(); } };
  box.querySelectorAll('.day').forEach((b) => b.onclick = () => {
    input.value = '2025-' + String(month).padStart(2, '0') + '-' + String(b.dataset.day).padStart(2, '0');
    box.innerHTML = '';
  });
}
document.getElementById('open-picker').onclick = () => { if (box.innerHTML) box.innerHTML = ''; else draw(); };
`;

/** A hotel booking site: search with a date picker, results, a validated booking form. */
export class BookingSite implements SiteApp {
  readonly host = 'book.test';
  private counter = 1;

  constructor(readonly data: BookingData) {}

  /** Every record the app holds (SiteApp.state). */
  state(): Record<string, string> {
    return recordsState(this.data);
  }

  touch(key: string): void {
    touchRecords(this.data, key);
  }

  handle(req: SiteRequest): SiteResponse {
    const p = req.path;
    let m: Record<string, string> | undefined;
    if (p === '/') return this.search(req, []);
    if (p === '/results') return this.results(req);
    if ((m = route(p, '/book/:id')) && req.method === 'GET') return this.form(Number(m.id), req.query, []);
    if ((m = route(p, '/book/:id')) && req.method === 'POST') return this.book(Number(m.id), req);
    if (p === '/bookings') return this.list();
    return notFound();
  }

  private render(title: string, body: string, script = ''): SiteResponse {
    return { html: page(title, 'StayFinder', NAV, body, script) };
  }

  private cities(): string[] {
    return [...new Set(this.data.hotels.map((h) => h.city))].sort();
  }

  private search(req: SiteRequest, errs: string[]): SiteResponse {
    const q = req.query;
    return this.render(
      'Find a hotel',
      `${errors(errs)}<form method="get" action="/results">${selectField('city', 'City', [['', 'Choose a city…'], ...this.cities().map((c): [string, string] => [c, c])], q.get('city') ?? '')}
${field('checkin', 'Check-in date', q.get('checkin') ?? '', 'text', 'placeholder="YYYY-MM-DD" autocomplete="off"')} <button type="button" id="open-picker">Pick a date</button><div id="picker"></div>
${field('nights', 'Nights', q.get('nights') ?? '1', 'number', 'min="1" max="14"')}
${selectField('guests', 'Guests', ['1', '2', '3', '4'], q.get('guests') ?? '2')}
<p><button type="submit">Search hotels</button></p></form>`,
      PICKER,
    );
  }

  private params(q: URLSearchParams): { city: string; checkin: string; nights: number; guests: number; errs: string[] } {
    const city = q.get('city') ?? '';
    const checkin = q.get('checkin') ?? '';
    const nights = Number(q.get('nights'));
    const guests = Number(q.get('guests'));
    const errs = [];
    if (!this.cities().includes(city)) errs.push('Choose a city.');
    if (!DATE.test(checkin)) errs.push('Enter the check-in date as YYYY-MM-DD (2025).');
    if (!(Number.isInteger(nights) && nights >= 1 && nights <= 14)) errs.push('Nights must be between 1 and 14.');
    if (!(Number.isInteger(guests) && guests >= 1 && guests <= 4)) errs.push('Guests must be between 1 and 4.');
    return { city, checkin, nights, guests, errs };
  }

  private results(req: SiteRequest): SiteResponse {
    const s = this.params(req.query);
    if (s.errs.length) return this.search(req, s.errs);
    const hits = this.data.hotels.filter((h) => h.city === s.city && h.maxGuests >= s.guests);
    const qs = new URLSearchParams({ checkin: s.checkin, nights: String(s.nights), guests: String(s.guests) });
    const rows = hits.map((h) => [
      esc(h.name),
      `${h.rating.toFixed(1)} / 5`,
      `${money(h.price)} per night`,
      `<a href="/book/${h.id}?${esc(qs)}" aria-label="Book ${esc(h.name)}">Book</a>`,
    ]);
    return this.render(
      `Hotels in ${s.city}`,
      `<p>${s.nights} night(s) from ${esc(s.checkin)}, ${s.guests} guest(s)</p>${table(['Hotel', 'Rating', 'Price', ''], rows)}`,
    );
  }

  private form(id: number, q: URLSearchParams, errs: string[], values: Record<string, string> = {}): SiteResponse {
    const h = this.data.hotels.find((x) => x.id === id);
    if (!h) return notFound();
    const s = this.params(new URLSearchParams({ city: h.city, checkin: q.get('checkin') ?? '', nights: q.get('nights') ?? '', guests: q.get('guests') ?? '' }));
    if (s.errs.length) return this.render('Booking', errors(s.errs));
    return this.render(
      `Book ${h.name}`,
      `${errors(errs)}<p>${s.nights} night(s) from ${esc(s.checkin)} for ${s.guests} guest(s): ${money(h.price * s.nights)}</p>
<form method="post" action="/book/${h.id}"><input type="hidden" name="checkin" value="${esc(s.checkin)}"><input type="hidden" name="nights" value="${s.nights}"><input type="hidden" name="guests" value="${s.guests}">
${field('name', 'Full name', values.name ?? '')}${field('email', 'Email', values.email ?? '', 'text')}${field('phone', 'Phone', values.phone ?? '', 'text')}
<p><button type="submit">Confirm booking</button></p></form>`,
    );
  }

  private book(id: number, req: SiteRequest): SiteResponse {
    const h = this.data.hotels.find((x) => x.id === id);
    if (!h) return notFound();
    const values = { name: formText(req, 'name'), email: formText(req, 'email'), phone: formText(req, 'phone') };
    const s = this.params(
      new URLSearchParams({ city: h.city, checkin: formText(req, 'checkin'), nights: formText(req, 'nights'), guests: formText(req, 'guests') }),
    );
    const errs = [...s.errs];
    if (values.name.split(' ').length < 2) errs.push('Enter the full name (first and last).');
    if (!/^[\w.+-]+@[\w-]+(\.[\w-]+)+$/.test(values.email)) errs.push('Enter a valid email address.');
    if (!/^\+?[\d ]{7,20}$/.test(values.phone)) errs.push('Enter the phone number with digits only (a leading + and spaces are fine).');
    if (errs.length) return this.form(id, req.form, errs, values);
    const ref = `BK${String(this.counter++).padStart(4, '0')}`;
    this.data.bookings.push({ ref, hotelId: id, checkIn: s.checkin, nights: s.nights, guests: s.guests, ...values, total: h.price * s.nights });
    return this.render(
      'Booking confirmed',
      `<p class="notice">Booking ${ref} confirmed at ${esc(h.name)} from ${esc(s.checkin)} for ${s.nights} night(s).</p>`,
    );
  }

  private list(): SiteResponse {
    const rows = this.data.bookings.map((b) => [
      esc(b.ref),
      esc(this.data.hotels.find((h) => h.id === b.hotelId)?.name ?? ''),
      esc(b.checkIn),
      String(b.nights),
      money(b.total),
    ]);
    return this.render('My bookings', rows.length ? table(['Reference', 'Hotel', 'Check-in', 'Nights', 'Total'], rows) : '<p>No bookings yet.</p>');
  }
}
