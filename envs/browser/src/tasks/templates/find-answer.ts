// Find one fact on a site's pages (a price, a code, a date) and answer with it; answer() ends the episode.
import { ShopSite, type Product } from '../../sites/shop.js';
import { act, answer, answerFacts, seenTitled, showsText, textAfter, type ExpertView } from '../expert-kit.js';
import { money } from '../rng.js';
import { shopData } from '../shop-data.js';
import { openProduct } from '../shop-expert.js';
import { answerVerification, type FamilyDef } from '../task.js';

// To make your own: change the description and the question, the page that shows the fact and
// how it is read (`shownPrice`), the near-miss, the guess, and how an answer is compared (`verify`).
export const templateFamily: FamilyDef = {
  name: 'template-find-answer',
  job: 'customer-support',
  difficulty: 'easy',
  description: "Find a product's price in the shop and answer with it.",
  // Strategies: the ways to the page with the fact (the shop expert's search box or full list).
  strategies: ['search', 'browse'],
  // Near-misses: answers that must not count (here: hedging with a second price).
  nearMisses: ['hedge-with-neighbour'],
  // The kit judges the whole site: a question changes nothing (no expectsChange), so an order
  // placed or a cart filled fails the kit's guard no_collateral.
  collateral: true,
  // The answer is the progress.
  components: [{ name: 'answer', kind: 'progress' }],
  // Conditions: none, the product is named (a filter question would list its category, rating...).
  conditions: [],
  // Guesses: a constant answer, the lowest price the shop has; right on about one seed in sixty.
  guesses: ['answer-9.99'],
  generate(rng) {
    const data = shopData(rng);
    const product = rng.pick(data.products);
    const neighbour = rng.pick(data.products.filter((p) => p.category === product.category && p !== product));
    const shop = new ShopSite(data);
    // The fact as the episode showed it: the "Price:" line of the product's page, once it was open.
    const shownPrice = (view: ExpertView, p: Product) => {
      const page = seenTitled(view, p.name).find((s) => showsText(s.snapshot, 'Category:'));
      return page && textAfter(page.snapshot, 'Price:');
    };
    return {
      instruction: `A customer asks what the ${product.name} costs in the Acme Shop. Answer with the price only.`,
      sites: [shop],
      startUrl: 'http://shop.test/',
      answers: true,
      expert(view) {
        if (view.strategy === 'guess:answer-9.99') return act(answer('$9.99'), 'Answer $9.99 without reading the shop.');
        // answerFacts: read each wanted fact from the pages seen, open the page of the first one missing, answer.
        return answerFacts(
          view.strategy === 'hedge-with-neighbour' ? [product, neighbour] : [product],
          (p) => shownPrice(view, p),
          (p) => openProduct(view, p.name, view.strategy === 'browse' ? 'browse' : 'search'),
          (prices) => `The page of the ${product.name} says "Price: ${prices[0]}": answer with the price.`,
        );
      },
      // Exactly one amount, the right one: an answer listing several prices does not count.
      verify({ answer: given }) {
        const amounts = given?.match(/\d+(?:\.\d+)?/g) ?? [];
        const right = amounts.length === 1 && Math.round(Number(amounts[0]) * 100) === product.price;
        return answerVerification(given, money(product.price), right);
      },
    };
  },
};
