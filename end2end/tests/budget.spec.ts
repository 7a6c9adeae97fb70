import { expect, test } from '@playwright/test';
import { PUBLIC_PAGES, waitForHydration } from './support';

// What a phone downloads to use a public page: the wasm, the JS and the CSS, as the server sends
// them (brotli). The goal is 200 KB and is not met yet (docs/performance.md has the figures and what
// was tried): until it is, the budget is the size of today's bundle plus 2 %, so that it cannot
// grow unnoticed, and every step towards the goal lowers it.
const BUDGET_KB = 487;

for (const path of PUBLIC_PAGES) {
  test(`${path} downloads at most the budget of wasm, JS and CSS`, async ({ page, request }, info) => {
    test.skip(info.project.name !== 'desktop', 'the same bytes on every screen: measured once');
    const assets = new Set<string>();
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (url.pathname.startsWith('/pkg/')) assets.add(url.pathname);
    });
    await page.goto(path);
    await waitForHydration(page);
    await page.waitForLoadState('networkidle');

    const sizes: Record<string, number> = {};
    for (const asset of assets) {
      const response = await request.get(asset, { headers: { 'Accept-Encoding': 'br' } });
      expect(response.status(), asset).toBe(200);
      expect(response.headers()['content-encoding'], `${asset} is sent precompressed`).toBe('br');
      expect(response.headers()['cache-control'], asset).toBe('public, max-age=31536000, immutable');
      sizes[asset] = Number(response.headers()['content-length']);
    }
    const total = Object.values(sizes).reduce((a, b) => a + b, 0);
    console.log(`bundle ${path} ${total}`);
    expect(Object.keys(sizes).some((a) => a.endsWith('.wasm')), 'the page loads its wasm').toBe(true);
    expect(total, `${path}: ${JSON.stringify(sizes)}`).toBeLessThanOrEqual(BUDGET_KB * 1000);
  });
}
