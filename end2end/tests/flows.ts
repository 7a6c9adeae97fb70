// The steps of the affiliate flows as a person does them, shared by the specs.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { expectNoAxeViolations, expectNoHorizontalOverflow, waitForHydration } from './support';

/** A person of the demo registry, read from the file the server seeds (so the facts match). */
export interface Person {
  id: string;
  birth: { day: string; month: string; year: string };
  facts: Record<string, string>;
}

export function person(id: string): Person {
  const csv = readFileSync(resolve(__dirname, '../../backend/src/registry/demo.csv'), 'utf8');
  const row = csv
    .split('\n')
    .map((line) => line.split(','))
    .find((cells) => cells[1] === id);
  if (!row) throw new Error(`${id} is not in the demo registry`);
  const [year, month, day] = row[4].split('-');
  return {
    id,
    birth: { day: String(Number(day)), month: String(Number(month)), year },
    facts: {
      employer: row[8],
      'first-contribution-year': row[9].slice(0, 4),
      'mobile-ending': row[6].slice(-3),
    },
  };
}

export const PASSWORD = 'Tortuga7Verde2Montaña';

/** Axe, overflow and a screenshot of a step; on the phone project also at 360 px wide. */
export async function check(page: Page, name: string) {
  await waitForHydration(page);
  await expectNoAxeViolations(page);
  await expectNoHorizontalOverflow(page);
  await page.screenshot({ path: test.info().outputPath(`${name}.png`), fullPage: true });
  const size = page.viewportSize();
  if (test.info().project.name === 'phone' && size) {
    await page.setViewportSize({ width: 360, height: size.height });
    await expectNoHorizontalOverflow(page);
    await page.screenshot({ path: test.info().outputPath(`${name}-360.png`), fullPage: true });
    await page.setViewportSize(size);
  }
}

/** Ticks "No soy un robot" and waits for the browser to solve the proof of work. */
export async function tickCaptcha(page: Page) {
  await page.getByLabel('No soy un robot').check();
  await expect(page.locator('.captcha')).toHaveAttribute('data-state', 'verified');
}

/** Step 1 → 2: the number and "No soy un robot". */
export async function identify(page: Page, id: string) {
  await page.getByLabel('Cédula o código de identificación').fill(id);
  await tickCaptcha(page);
  await page.getByRole('button', { name: 'Buscar' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Desafío' })).toBeFocused();
}

/** Step 2 → 3: the birth date and the registry facts asked. */
export async function answerChallenge(page: Page, who: Person) {
  await page.getByLabel('Día').fill(who.birth.day);
  await page.getByLabel('Mes').selectOption(who.birth.month);
  await page.getByLabel('Año').fill(who.birth.year);
  for (const [question, truth] of Object.entries(who.facts)) {
    const options = page.locator(`input[name="choice-${question}"]`);
    if ((await options.count()) > 0) {
      await page.getByRole('radio', { name: truth, exact: true }).check();
    }
  }
  await page.getByRole('button', { name: 'Continuar' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Datos personales' })).toBeFocused();
}

/** Step 3 → 4. */
export async function personalData(page: Page, email: string) {
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Celular').fill('0991234567');
  const answers = ['Firulais', 'Escuela Simón Bolívar', 'Huasipungo'];
  for (const [i, question] of ['primera-mascota', 'escuela-primaria', 'libro-favorito'].entries()) {
    await page.getByLabel(`Pregunta ${i + 1}`).selectOption(question);
    await page.getByLabel(`Respuesta ${i + 1}`).fill(answers[i]);
  }
  await page.getByRole('radio', { name: 'Perro' }).click();
  await expect(page.getByRole('radio', { name: 'Perro' })).toBeChecked();
  await page.getByRole('button', { name: 'Enviar enlace' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Correo enviado' })).toBeFocused();
}

/** The newest link to `path` in a mail to `email`, read from the dev mailbox. */
export async function linkFromMailbox(page: Page, email: string, path: string): Promise<string> {
  let href = '';
  await expect(async () => {
    await page.goto('/dev/correo');
    const mail = page.getByRole('article').filter({ hasText: email }).filter({ hasText: path }).first();
    // A short wait: the page does not refresh itself, so a mail delivered just after it loaded
    // is only seen by the next try (without one, the first try waited on it past the deadline).
    const link = mail.getByRole('link').filter({ hasText: path }).first();
    href = (await link.getAttribute('href', { timeout: 1_000 })) ?? '';
    expect(href).toContain(`${path}#`);
  }).toPass({ timeout: 15_000 });
  return href;
}

/** Types `text` by clicking the on-screen keys of `keyboard`, MAYÚS included. */
export async function typeOnKeyboard(keyboard: Locator, text: string) {
  const caps = keyboard.getByRole('button', { name: 'MAYÚS' });
  for (const char of text) {
    const upper = char !== char.toLowerCase();
    if ((await caps.getAttribute('aria-pressed')) !== String(upper) && char.toLowerCase() !== char.toUpperCase()) {
      await caps.click();
    }
    await keyboard.getByRole('button', { name: char, exact: true }).click();
  }
  if ((await caps.getAttribute('aria-pressed')) === 'true') await caps.click();
}

/**
 * Generates a clave for the demo person `id` with `email` on file, typing on the physical
 * keyboard (the default `keyboard.input` allows it): the quick way to a person with a clave.
 */
export async function generateClave(page: Page, id: string, email: string, password = PASSWORD) {
  await page.goto('/clave/generar');
  await waitForHydration(page);
  await identify(page, id);
  await answerChallenge(page, person(id));
  await personalData(page, email);
  await page.goto(await linkFromMailbox(page, email, '/clave/activar'));
  await waitForHydration(page);
  await page.getByLabel('He leído y acepto los términos y condiciones').check();
  await page.getByLabel('Nueva clave', { exact: true }).fill(password);
  await page.getByLabel('Confirme su nueva clave').fill(password);
  await page.getByRole('button', { name: 'Generar', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: '¡Su clave fue generada!' })).toBeVisible();
}

/** "Desbloquear clave": asks for the link, opens it from the mailbox and presses the button. */
export async function unlockByEmail(page: Page, id: string, email: string) {
  await page.goto('/clave/desbloquear');
  await waitForHydration(page);
  await check(page, 'desbloquear');
  await page.getByLabel('Cédula o código de identificación').fill(id);
  await tickCaptcha(page);
  await page.getByRole('button', { name: 'Desbloquear', exact: true }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Revise su correo' })).toBeFocused();
  const link = await linkFromMailbox(page, email, '/clave/desbloquear/confirmar');
  await page.goto(link);
  await expect(page.getByRole('button', { name: 'Desbloquear mi cuenta' })).toBeVisible();
  await check(page, 'desbloquear-confirmar');
  // Opening the page spent nothing: a reload still offers the button.
  await page.reload();
  await waitForHydration(page);
  await page.getByRole('button', { name: 'Desbloquear mi cuenta' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Su clave ha sido desbloqueada' })).toBeFocused();
  await check(page, 'desbloqueada');
  // Single use: the same link, opened afresh, now says so.
  await page.goto('/');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 2, name: 'El enlace ya no es válido' })).toBeVisible();
}

/**
 * On an emailed link's "Nueva clave" page: accepts the terms, types `password` twice on the
 * on-screen keyboards and changes the clave.
 */
export async function setNewClave(page: Page, password: string) {
  await page.getByLabel('He leído y acepto los términos y condiciones').check();
  const keyboards = page.locator('.virtual-keyboard');
  await typeOnKeyboard(keyboards.nth(0), password);
  await typeOnKeyboard(keyboards.nth(1), password);
  await expect(page.getByLabel('Nueva clave', { exact: true })).toHaveValue(password);
  await expect(page.getByLabel('Confirme su nueva clave')).toHaveValue(password);
  await page.getByRole('button', { name: 'Cambiar clave' }).click();
  await expect(page.getByRole('heading', { level: 2, name: '¡Su clave fue cambiada!' })).toBeFocused();
}

/** Fills in "Ingresar" (typing on the physical keyboard, which the default policy allows). */
export async function submitLogin(page: Page, id: string, password: string) {
  await page.goto('/ingresar');
  await waitForHydration(page);
  await page.getByLabel('Cédula o código de identificación').fill(id);
  await page.getByLabel('Clave', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
}

/** Logs in and lands on "Mi cuenta". */
export async function logIn(page: Page, id: string, password: string) {
  await submitLogin(page, id, password);
  await expect(page.getByRole('heading', { level: 1, name: 'Mi cuenta' })).toBeVisible();
}

/** A login that is refused with the one message for every reason. */
export async function refusedLogin(page: Page, id: string, password: string) {
  await submitLogin(page, id, password);
  await expect(page.getByRole('alert')).toContainText(
    'El número de identificación o la clave no son correctos, o la clave está bloqueada.',
  );
}
