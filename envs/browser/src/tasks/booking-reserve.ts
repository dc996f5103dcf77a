import { BookingSite, type BookingData, type Hotel } from '../sites/booking.js';
import { CITIES, money, personName } from './rng.js';
import { click, fillForm, navigate, mustFind, submit, type FamilyDef, verification } from './task.js';

const NAMES = ['Grand', 'Harbor', 'Garden', 'Central', 'Old Town', 'Riverside', 'Park', 'Station', 'Royal', 'Plaza'];

export const bookingReserve: FamilyDef = {
  name: 'booking-reserve',
  job: 'customer-support',
  difficulty: 'hard',
  description: 'Book the cheapest hotel meeting a rating and party size for given dates, through a search form with a date picker and a validated booking form.',
  generate(rng) {
    const cities = rng.sample(CITIES, 3);
    const hotels: Hotel[] = [];
    let id = 1;
    for (const city of cities) {
      for (const n of rng.sample(NAMES, 6)) {
        hotels.push({ id: id++, name: `${n} Hotel ${city}`, city, price: rng.int(60, 260) * 100, rating: rng.int(30, 50) / 10, maxGuests: rng.int(2, 4) });
      }
    }
    const city = cities[0]!;
    const guests = rng.int(2, 3);
    const minRating = 4.0;
    let eligible = hotels.filter((h) => h.city === city && h.maxGuests >= guests && h.rating >= minRating);
    if (eligible.length === 0) {
      const h = hotels.find((x) => x.city === city)!;
      Object.assign(h, { rating: 4.5, maxGuests: 4 });
      eligible = [h];
    }
    const target = [...eligible].sort((a, b) => a.price - b.price || a.id - b.id)[0]!;
    const checkIn = `2025-0${rng.int(7, 9)}-${String(rng.int(1, 28)).padStart(2, '0')}`;
    const nights = rng.int(2, 5);
    const name = personName(rng);
    const email = `${name.toLowerCase().replace(' ', '.')}@mail.example`;
    const phone = `+351 ${rng.chars(3, '0123456789')} ${rng.chars(3, '0123456789')} ${rng.chars(3, '0123456789')}`;
    const data: BookingData = { hotels, bookings: [] };
    const site = new BookingSite(data);
    const qs = new URLSearchParams({ city, checkin: checkIn, nights: String(nights), guests: String(guests) });
    return {
      instruction: `Book the cheapest hotel in ${city} rated ${minRating.toFixed(1)} or better that takes ${guests} guests, checking in on ${checkIn} for ${nights} nights. The guest is ${name}, email ${email}, phone ${phone}. Submit once the booking is confirmed.`,
      sites: [site],
      startUrl: 'http://book.test/',
      expert({ url, snapshot }) {
        if (data.bookings.length > 0) return submit();
        if (url.pathname === '/') {
          return fillForm(
            snapshot,
            [
              { label: 'City', value: city, kind: 'select' },
              { label: 'Check-in date', value: checkIn },
              { label: 'Nights', value: String(nights) },
              { label: 'Guests', value: String(guests), kind: 'select' },
            ],
            'Search hotels',
          );
        }
        if (url.pathname === '/results') return click(mustFind(snapshot, 'link', `Book ${target.name}`));
        if (url.pathname === `/book/${target.id}`) {
          return fillForm(snapshot, [{ label: 'Full name', value: name }, { label: 'Email', value: email }, { label: 'Phone', value: phone }], 'Confirm booking');
        }
        return navigate(snapshot, `http://book.test/?${qs}`);
      },
      verify() {
        const b = data.bookings[0];
        const components = {
          one_booking: data.bookings.length === 1 ? 1 : 0,
          right_hotel: b?.hotelId === target.id ? 1 : 0,
          dates: b?.checkIn === checkIn && b.nights === nights ? 1 : 0,
          guests: b?.guests === guests ? 1 : 0,
          guest_details: b && b.name === name && b.email.toLowerCase() === email && b.phone.replace(/\s/g, '') === phone.replace(/\s/g, '') ? 1 : 0,
        };
        return verification(
          components,
          data.bookings.length > 0,
          b
            ? `booking ${b.ref}: hotel ${b.hotelId}, ${b.checkIn} x${b.nights}, ${b.guests} guests, ${b.name}; expected ${target.name} (${money(target.price)}/night), ${checkIn} x${nights}, ${guests} guests`
            : 'no booking was made',
        );
      },
    };
  },
};
