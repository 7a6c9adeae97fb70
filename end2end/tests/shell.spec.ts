import { expect, test } from '@playwright/test';
import { expectNoAxeViolations, expectNoHorizontalOverflow, waitForHydration } from './support';

test('the home page speaks Spanish, hydrates, and switches to English in place', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Su clave de afiliado, en línea y segura');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
  await waitForHydration(page);

  // A marker on window survives only if the switch happens without a page load.
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  const english = page.getByRole('button', { name: 'English' });
  await expect(english).toHaveAttribute('aria-pressed', 'false');
  await english.click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your member password, online and safe');
  await expect(english).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // The choice is remembered by the server on the next visit.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your member password, online and safe');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Español' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Su clave de afiliado, en línea y segura');
});

test('a language chosen on any page is kept on every page, beyond the browser session', async ({ page }) => {
  await page.goto('/clave/generar');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // Another section of the site, rendered by the server: still English.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Your member password, online and safe');
  // One cookie, the browser's: the server only reads it and never sends one of its own.
  const languageCookies = async () =>
    (await page.context().cookies()).filter((c) => c.name === 'i18n_pref_locale');
  const [cookie, ...others] = await languageCookies();
  expect(others).toHaveLength(0);
  expect(cookie).toMatchObject({ value: 'en', path: '/', sameSite: 'Lax' });
  expect(cookie.expires - Date.now() / 1000).toBeGreaterThan(364 * 24 * 3600);

  await waitForHydration(page);
  await page.getByRole('button', { name: 'Español' }).click();
  expect((await languageCookies()).map((c) => c.value)).toEqual(['es']);
  await page.goto('/ayuda');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
});

test('the home page has no accessibility violations and fits the screen', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);
});

test('the footer lists the help channels of the guides', async ({ page }) => {
  await page.goto('/');
  const footer = page.getByRole('contentinfo');
  await expect(footer).toContainText('Centro de Atención Universal');
  await expect(footer).toContainText('08:00 a 17:00');
  await expect(footer.getByRole('link', { name: '(02) 394 5666' })).toHaveAttribute('href', 'tel:+59323945666');
});

test('the help page answers the questions of the guides', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('navigation', { name: 'Navegación principal' }).getByRole('link', { name: 'Ayuda' }).click();
  await expect(page).toHaveURL(/\/ayuda$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ayuda');
  await expect(page.getByRole('status')).toContainText('videollamadas');

  const locked = page.getByText('¿Por qué se bloqueó mi clave?');
  await locked.click();
  await expect(page.getByText('después de 5 intentos seguidos')).toBeVisible();
  for (const question of ['¿Cuánto cuesta?', '¿Puedo llamar desde el extranjero?', '¿Qué necesito para cada canal?']) {
    await expect(page.getByText(question)).toBeVisible();
  }
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);
});

test('an unknown address answers 404 with a way home', async ({ page }) => {
  const response = await page.goto('/no-existe');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('No encontramos esta página');
  await waitForHydration(page);
  await expectNoAxeViolations(page);
  await page.getByRole('link', { name: 'Ir al inicio' }).click();
  await expect(page).toHaveURL(/\/$/);
});

test('the keyboard reaches the content first through the skip link', async ({ page, isMobile }) => {
  test.skip(isMobile, 'phones have no Tab key');
  await page.goto('/');
  await waitForHydration(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Saltar al contenido' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('main')).toBeFocused();
});

test('the development mailbox is available with the dev transport', async ({ page }) => {
  const response = await page.goto('/dev/correo');
  expect(response?.status()).toBe(200);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Correo de desarrollo');
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Actualizar' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Correo de desarrollo');
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);
});
