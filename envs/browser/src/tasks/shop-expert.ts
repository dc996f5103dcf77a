// How experts shop: find a product (search or the catalogue), put the right quantities in the
// cart (fixing what is wrong there first), apply a coupon, check out.
import type { ShopSite } from '../sites/shop.js';
import type { ExpertStep } from '@workgym/protocol/kit';
import { act, click, fillForm, findNode, leave, showsText, tableRows, type ExpertView, type FormField } from './expert-kit.js';

/** A product the cart should hold, and how many. */
export interface CartLine {
  id: number;
  name: string;
  qty: number;
}

/** How an expert finds a product it knows by name: the home page's search, or the full list. */
export type FindBy = 'search' | 'browse';

export function onProduct(view: ExpertView, name: string): boolean {
  return view.snapshot.title === name && showsText(view.snapshot, 'Category:');
}

/** The way to a product's page when its name is known. */
export function openProduct(view: ExpertView, name: string, by: FindBy): ExpertStep {
  const { snapshot } = view;
  const listed = /^(All products|Products: .+)$/.test(snapshot.title)
    ? tableRows(snapshot)
        .flatMap((r) => r.links)
        .find((l) => l.name === name)
    : undefined;
  if (listed) return act(click(listed), `The list shows ${name}: open its page.`);
  if (by === 'search') {
    const search = findNode(snapshot, 'searchbox', 'Search products');
    if (!search) return leave(view, 'Home', `Search for ${name} from the home page`);
    if (search.value !== name) return act({ name: 'fill', arguments: { id: search.id, text: name } }, `Search the shop for "${name}".`);
    return act(click(findNode(snapshot, 'button', 'Search')!), `Run the search for "${name}".`);
  }
  if (snapshot.title === 'All products') return leave(view, 'Home', `${name} is not on this page`);
  return leave(view, 'All products', `Look for ${name} in the list of all products`);
}

/**
 * The next step towards a cart holding exactly `lines`: wrong quantities and other products are
 * fixed on the cart page first (adding to a cart adds to what is there), then each missing
 * product is added from its page, found with `find`.
 */
export function fillCart(
  view: ExpertView,
  shop: ShopSite,
  lines: readonly CartLine[],
  find: (view: ExpertView, line: CartLine) => ExpertStep,
): ExpertStep | undefined {
  const wrong = [...shop.cart].some(([id, qty]) => lines.find((l) => l.id === id)?.qty !== qty);
  if (wrong) {
    if (view.snapshot.title !== 'Your cart') return leave(view, 'Cart', 'The cart holds something the order should not: open the cart');
    const fields: FormField[] = tableRows(view.snapshot).flatMap((r) => {
      const qty = lines.find((l) => l.name === r.cells[0])?.qty ?? 0;
      return r.cells[0]
        ? [
            {
              label: `Quantity of ${r.cells[0]}`,
              value: String(qty),
              why: qty ? `The order needs ${qty} of ${r.cells[0]}.` : `${r.cells[0]} is not part of the order: set its quantity to 0.`,
            },
          ]
        : [];
    });
    return fillForm(view.snapshot, fields, 'Update cart', 'The quantities are right: update the cart.');
  }
  const missing = lines.find((l) => !shop.cart.has(l.id));
  if (!missing) return undefined;
  if (onProduct(view, missing.name)) {
    return fillForm(
      view.snapshot,
      [{ label: 'Quantity', value: String(missing.qty), why: `The order needs ${missing.qty} of ${missing.name}.` }],
      'Add to cart',
      `Add ${missing.qty} × ${missing.name} to the cart.`,
    );
  }
  return find(view, missing);
}

/** The next step of checking out a cart that is right: coupon (if any), then name and address. */
export function checkout(view: ExpertView, customer: string, address: string, coupon?: string): ExpertStep {
  const { snapshot } = view;
  if (snapshot.title !== 'Checkout') {
    const proceed = findNode(snapshot, 'link', 'Proceed to checkout');
    if (proceed) return act(click(proceed), 'The cart holds what the order needs: proceed to checkout.');
    return leave(view, 'Cart', 'The cart is ready: open it to check out');
  }
  if (coupon && !showsText(snapshot, `Coupon ${coupon} applied`)) {
    return fillForm(
      snapshot,
      [{ label: 'Coupon code', value: coupon, why: `The instruction gives the coupon code ${coupon}.` }],
      'Apply coupon',
      `Apply the coupon ${coupon}.`,
    );
  }
  return fillForm(
    snapshot,
    [
      { label: 'Full name', value: customer, why: `The order is for ${customer}.` },
      { label: 'Shipping address', value: address, why: `Ship to ${address}, as the instruction says.` },
    ],
    'Place order',
    `Name and address are filled: place the order.`,
  );
}
