import { describe, expect, it } from 'vitest';
import { href, parseRoute } from '../src/app/route.js';

// The app's hash routes: every page, episode and step has a link, and reading a link gives the page back.
describe('the app routes', () => {
  it('reads back every link it makes, with ids that need escaping', () => {
    const id = 'ep/1?x=<b>#';
    const query = { family: 'code/fix-bug', success: 'no', minReward: 0.5, sort: 'reward' as const, order: 'desc' as const, text: 'a b&c' };
    expect(parseRoute(href.overview('r0'))).toEqual({ page: 'overview', source: 'r0' });
    expect(parseRoute(href.episodes('r0', { ...query, offset: 50 }))).toEqual({ page: 'episodes', source: 'r0', query: { ...query, offset: 50 } });
    expect(parseRoute(href.episode('r1', id, { ...query, offset: 50 }, 7))).toEqual({ page: 'episode', source: 'r1', episodeId: id, step: 7, query });
    expect(parseRoute(href.episode('r1', id))).toEqual({ page: 'episode', source: 'r1', episodeId: id, query: {} });
    expect(parseRoute(href.compare(['r0', 'r2']))).toEqual({ page: 'compare', sources: ['r0', 'r2'] });
    expect(parseRoute(href.training('r3'))).toEqual({ page: 'training', source: 'r3' });
    expect(parseRoute(href.home())).toEqual({ page: 'home' });
  });

  it('drops what it cannot read instead of passing it on', () => {
    expect(parseRoute('#/run/r0/episodes?sort=evil&order=sideways&minReward=abc&success=maybe&limit=')).toEqual({
      page: 'episodes',
      source: 'r0',
      query: { success: 'maybe' },
    });
    expect(parseRoute('#/run/r0/episode/x/step/-1')).toEqual({ page: 'not-found' });
    expect(parseRoute('#/run/%E0%A4%A')).toEqual({ page: 'overview', source: '%E0%A4%A' });
    expect(parseRoute('#javascript:alert(1)')).toEqual({ page: 'not-found' });
  });
});
