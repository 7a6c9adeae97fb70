import { expect, test, type Page } from '@playwright/test';
import { check, generateClave, identify, linkFromMailbox, person, setNewClave, type Person } from './flows';
import { expectNoAxeViolations, waitForHydration } from './support';

/**
 * A clave is generated once per person, and both projects share one database: each project
 * recovers a person no other spec uses (Ana on desktop, Luis on phone).
 */
const PEOPLE: Record<string, string> = { phone: '0604567891', desktop: '1765432107' };
// Neither holds a name of Ana's or Luis's ("Montaña" and "Cañar" would hold "Ana").
const OLD_PASSWORD = 'Tortuga7Verde2Cotopaxi';
const NEW_PASSWORD = 'Colibri8Nevado3Piñuela';
/** Valid cédulas that are not in the registry: each project spends attempts on its own. */
const DECOYS: Record<string, string> = { phone: '0909090904', desktop: '1711111110' };

/**
 * What `generateClave` registered, keyed by question: the answers as a person might type them
 * years later, in other case and without accents.
 */
const ANSWERS: Record<string, string> = {
  'primera-mascota': 'firulais',
  'escuela-primaria': 'escuela simon bolivar',
  'libro-favorito': 'HUASIPUNGO',
};

/** The images of the grid, in the order shown. */
async function grid(page: Page): Promise<(string | null)[]> {
  return page.locator('.image-option').evaluateAll((options) => options.map((o) => o.getAttribute('data-image')));
}

/** "Ingresar" with `password`, typed on the physical keyboard (the default policy allows it). */
async function submitLogin(page: Page, id: string, password: string) {
  await page.goto('/ingresar');
  await waitForHydration(page);
  await page.getByLabel('Cédula o código de identificación').fill(id);
  await page.getByLabel('Clave', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
}

/** Fills in step 2 with the right facts and `answer` to the one registered question shown. */
async function answerChallenge(page: Page, who: Person, answer: (question: string) => string) {
  await page.getByLabel('Día', { exact: true }).fill(who.birth.day);
  await page.getByLabel('Mes', { exact: true }).selectOption(who.birth.month);
  await page.getByRole('radio', { name: 'Perro' }).click();
  await expect(page.getByRole('radio', { name: 'Perro' })).toHaveAttribute('aria-checked', 'true');
  const select = page.getByLabel('¿Qué pregunta registró?');
  const shown = await select.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
  const registered = shown.filter((value) => value in ANSWERS);
  expect(registered).toHaveLength(1);
  await select.selectOption(registered[0]);
  await page.getByLabel('Su respuesta a esa pregunta').fill(answer(registered[0]));
  await page.getByRole('button', { name: 'Continuar' }).click();
}

test('a person recovers the clave, moving the account to a new email', async ({ page, browser }, info) => {
  test.setTimeout(240_000);
  const who = person(PEOPLE[info.project.name]);
  const oldEmail = `recuperar.${info.project.name}@correo.example`;
  const newEmail = `nuevo.${info.project.name}@correo.example`;
  await generateClave(page, who.id, oldEmail, OLD_PASSWORD);
  // A session on another device, which the recovery must end.
  const device = await browser.newContext({ baseURL: info.project.use.baseURL });
  const other = await device.newPage();
  await submitLogin(other, who.id, OLD_PASSWORD);
  await expect(other.getByRole('heading', { level: 1, name: 'Mi cuenta' })).toBeVisible();

  // The person forgot the clave: the refused login offers "Recuperar clave".
  await submitLogin(page, who.id, 'Olvidada5Clave');
  await page.getByRole('alert').getByRole('link', { name: 'Recuperar clave' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Recuperar clave');
  await expect(page.getByText('Paso 1 de 5')).toBeVisible();
  await check(page, 'rec-1-identificacion');

  await identify(page, who.id);
  await expect(page.getByText('Paso 2 de 5')).toBeVisible();
  const shown = await grid(page);
  expect(shown).toHaveLength(9);
  expect(shown).toContain('perro');
  await check(page, 'rec-2-desafio');

  // A wrong answer costs an attempt; the page says how many are left, keeps the same grid and
  // starts the new round with nothing chosen.
  await answerChallenge(page, who, () => 'Michi');
  await expect(page.getByRole('heading', { level: 2, name: 'Desafío' })).toBeFocused();
  await expect(page.getByRole('alert')).toContainText('Intentos que le quedan hoy: 2 (en total: 8)');
  expect(await grid(page)).toEqual(shown);
  await expect(page.locator('.image-option[aria-checked="true"]')).toHaveCount(0);
  await expect(page.getByLabel('Día', { exact: true })).toHaveValue('');
  await expect(page.getByLabel('Su respuesta a esa pregunta')).toHaveValue('');
  await check(page, 'rec-2-desafio-reintento');

  // Case and accents do not matter.
  await answerChallenge(page, who, (question) => ANSWERS[question]);
  await expect(page.getByRole('heading', { level: 2, name: 'Datos de contacto' })).toBeFocused();
  await expect(page.getByText('Paso 3 de 5')).toBeVisible();
  await expect(page.getByText('r***@correo.example')).toBeVisible();
  await expect(page.getByText('09******67')).toBeVisible();
  await check(page, 'rec-3-contactos');

  await page.getByRole('button', { name: 'Actualizar mis datos' }).click();
  await expect(page.getByRole('button', { name: 'Actualizar mis datos' })).toHaveAttribute('aria-expanded', 'true');
  const email = page.getByLabel('Correo electrónico nuevo');
  await expect(email).toHaveAccessibleDescription(/el enlace .* llegará al correo nuevo.*«No fui yo»/);
  // A wrong address is explained at its field and sends nothing.
  await email.fill('nuevo@');
  await page.getByRole('button', { name: 'Confirmar' }).click();
  await expect(email).toBeFocused();
  await expect(email).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#email-error')).toContainText('correo electrónico válido');
  await check(page, 'rec-3-contactos-error');
  await email.fill(newEmail);
  await page.getByRole('button', { name: 'Confirmar' }).click();

  await expect(page.getByRole('heading', { level: 2, name: 'Correo enviado' })).toBeFocused();
  await expect(page.getByText('Paso 4 de 5')).toBeVisible();
  await expect(page.getByText('n***@correo.example')).toBeVisible();
  await expect(page.getByRole('timer')).toHaveText(/^1[45]:\d\d$/);
  await check(page, 'rec-4-correo-enviado');

  // The link went to the new address only; the address on file got the notice with "No fui yo".
  const link = await linkFromMailbox(page, newEmail, '/clave/restablecer');
  const notice = page.getByRole('article').filter({ hasText: oldEmail }).filter({ hasText: 'otro correo' });
  await expect(notice).toHaveCount(1);
  await expect(notice).toContainText('No fui yo');
  await expect(notice.getByRole('link').filter({ hasText: '/no-fui-yo#' })).toHaveCount(1);
  await expect(page.getByRole('article').filter({ hasText: oldEmail }).filter({ hasText: '/clave/restablecer' })).toHaveCount(0);

  await page.goto(link);
  await expect(page.getByRole('heading', { level: 2, name: 'Nueva clave' })).toBeVisible();
  await waitForHydration(page);
  await expect(page.getByText('Paso 5 de 5')).toBeVisible();
  await check(page, 'rec-5-nueva-clave');

  await setNewClave(page, NEW_PASSWORD);
  await expect(page.getByRole('status')).toContainText('cerramos todas las sesiones');
  await check(page, 'rec-6-exito');

  // The confirmation went to the new address, and the link is single use.
  await page.goto('/dev/correo');
  await expect(page.getByRole('article').filter({ hasText: newEmail }).filter({ hasText: 'restablecida' })).toHaveCount(1);
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 2, name: 'El enlace ya no es válido' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Empezar de nuevo' })).toHaveAttribute('href', '/clave/recuperar');

  // Every session was ended, and the new clave opens "Mi cuenta".
  await other.goto('/mi-cuenta');
  await expect(other.getByRole('heading', { name: 'Su sesión terminó' })).toBeVisible();
  await device.close();
  await submitLogin(page, who.id, NEW_PASSWORD);
  await expect(page.getByRole('heading', { level: 1, name: 'Mi cuenta' })).toBeVisible();
});

test('an incomplete challenge is explained at each field and costs no attempt', async ({ page }, info) => {
  await page.goto('/clave/recuperar');
  await waitForHydration(page);
  await identify(page, DECOYS[info.project.name]);
  await page.getByRole('button', { name: 'Continuar' }).click();
  await expect(page.getByLabel('Día', { exact: true })).toBeFocused();
  await expect(page.locator('#birth-error')).toContainText('Escriba el día');
  await expect(page.locator('#image-error')).toContainText('Elija una de las imágenes');
  await expect(page.locator('#question-error')).toContainText('Elija una pregunta');
  await expect(page.locator('#answer-error')).toBeVisible();
  await expectNoAxeViolations(page);

  // A complete answer is the first attempt counted. The decoy challenge of a number that is
  // not registered never passes.
  await page.getByLabel('Día', { exact: true }).fill('31');
  await page.getByLabel('Mes', { exact: true }).selectOption('1');
  await page.getByRole('radio').first().click();
  await page.getByLabel('¿Qué pregunta registró?').selectOption({ index: 1 });
  await page.getByLabel('Su respuesta a esa pregunta').fill('Quito');
  await page.getByRole('button', { name: 'Continuar' }).click();
  await expect(page.getByRole('alert')).toContainText('Intentos que le quedan hoy: 2 (en total: 8)');

  // The step follows the language switch.
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Challenge' })).toBeVisible();
  await expect(page.getByRole('alert')).toContainText('Attempts left today: 2 (in total: 8)');
  await expect(page.getByLabel('Which question did you register?')).toBeVisible();
  await expectNoAxeViolations(page);
});

test('a later step called first changes nothing', async ({ page }) => {
  await page.goto('/clave/recuperar');
  await waitForHydration(page);
  await identify(page, '1710034065'); // not in the registry: a decoy challenge
  const origin = new URL(page.url()).origin;
  const headers = { Origin: origin };

  // The contact data of a flow that never passed the challenge: refused with the real step.
  const forged = 'intruso@correo.example';
  const contacts = await page.request.post('/api/recuperar/contactos', {
    headers,
    data: { email: forged, mobile: '', landline: '', remove_landline: false },
  });
  expect(contacts.ok()).toBe(true);
  const answer = await contacts.json();
  expect(Object.keys(answer.Step)).toEqual(['Challenge']);
  const resend = await page.request.post('/api/recuperar/reenviar', { headers, form: {} });
  expect(Object.keys((await resend.json()).Step)).toEqual(['Challenge']);

  // The page is still at the challenge, and nothing was sent to the forged address.
  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Desafío' })).toBeVisible();
  await page.goto('/dev/correo');
  await expect(page.getByRole('heading', { level: 1, name: 'Correo de desarrollo' })).toBeVisible();
  await expect(page.getByRole('article').filter({ hasText: forged })).toHaveCount(0);
});

test('a link that is not valid says so and offers to start again', async ({ page }) => {
  await page.goto('/clave/restablecer#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 2, name: 'El enlace ya no es válido' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Empezar de nuevo' })).toBeVisible();
  await expectNoAxeViolations(page);
});
