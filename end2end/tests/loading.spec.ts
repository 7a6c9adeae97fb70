import { expect, test } from '@playwright/test';
import { PUBLIC_PAGES, waitForHydration } from './support';

// How a public page loads on a slow phone (docs/performance.md, "Lighthouse"): the server's HTML
// is the whole page, forms included; it is painted before the bundle is asked for; and nothing on
// it moves when the app takes over or a page opened from an emailed link gets its answer.

for (const path of PUBLIC_PAGES) {
  test(`${path} is painted before its bundle is asked for, and nothing moves while it loads`, async ({ page }) => {
    await page.addInitScript(() => {
      const shifts: { value: number; nodes: string[] }[] = [];
      Object.assign(window, { clavesShifts: shifts });
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries() as (PerformanceEntry & { value: number; sources: { node?: Node }[] })[]) {
          shifts.push({ value: entry.value, nodes: entry.sources.map((s) => s.node?.nodeName ?? '?') });
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    // The stylesheet comes late, as on a slow line: the first paint waits for it, long after the
    // document is parsed and the scripts could ask for the bundle.
    await page.route('**/pkg/*.css', (route) => setTimeout(() => route.continue(), 800));
    await page.goto(path);
    await waitForHydration(page);
    // A page opened from an emailed link asks the server about the link once hydrated.
    await page.waitForLoadState('networkidle');
    const loading = await page.evaluate(() => ({
      painted: performance.getEntriesByName('first-contentful-paint')[0]?.startTime,
      asked: performance.getEntriesByType('resource').find((r) => r.name.endsWith('.wasm'))?.startTime,
      shifts: (window as unknown as { clavesShifts: unknown[] }).clavesShifts,
    }));
    expect(loading.painted, 'the page was painted').toBeDefined();
    expect(loading.asked, 'the page loads its wasm').toBeDefined();
    expect(loading.asked!, 'the wasm is asked for after the first paint').toBeGreaterThanOrEqual(loading.painted!);
    expect(loading.shifts, 'layout shifts').toEqual([]);
  });
}

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  // The pages whose form waits for the server's data: it is in the HTML, not moved in by a script.
  for (const path of ['/ingresar', '/clave/generar', '/clave/recuperar']) {
    test(`${path} comes with its form`, async ({ page }) => {
      await page.goto(path);
      await expect(page.getByLabel('Cédula o código de identificación')).toBeVisible();
    });
  }

  test('/ventanilla comes with its form', async ({ page }) => {
    await page.goto('/ventanilla');
    await expect(page.getByRole('button', { name: 'Enviar trámite' })).toBeVisible();
  });
});
