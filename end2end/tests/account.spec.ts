import { expect, test, type Page } from '@playwright/test';
import { check, generateClave, PASSWORD, typeOnKeyboard } from './flows';
import { expectNoAxeViolations, waitForHydration } from './support';

/** Each project uses its own person: a clave is generated once per test database. */
const PEOPLE: Record<string, { id: string; masked: string; name: string; browser: string }> = {
  desktop: { id: '0902345677', masked: '*******677', name: 'José Luis Prueba Cedeño', browser: 'Chrome en Windows' },
  phone: { id: 'E000000422', masked: 'E******422', name: 'Pierre Exemple Dupont', browser: 'Chrome en Android' },
};
const NEW_PASSWORD = 'Guayacan4Lluvia9Cumbre';
const REFUSAL = 'El número de identificación o la clave no son correctos, o la clave está bloqueada.';

/** Fills the login form, typing the clave on the physical keyboard (the default policy allows it). */
async function logIn(page: Page, id: string, password: string) {
  await page.goto('/ingresar');
  await waitForHydration(page);
  await page.getByLabel('Cédula o código de identificación').fill(id);
  await page.getByLabel('Clave', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
}

/** The newest mail with `subject` to `email` in the dev mailbox. */
async function mailTo(page: Page, email: string, subject: string) {
  const mail = page.getByRole('article').filter({ has: page.getByRole('heading', { name: subject }) }).filter({ hasText: email });
  await expect(async () => {
    await page.goto('/dev/correo');
    await expect(mail.first()).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });
  return mail.first();
}

test('a person logs in, updates the contact data and the clave, reads the activity and logs out', async ({ page, browser }, info) => {
  test.setTimeout(240_000);
  const who = PEOPLE[info.project.name];
  const email = `cuenta.${info.project.name}@correo.example`;
  const newEmail = `nuevo.${info.project.name}@correo.example`;
  await generateClave(page, who.id, email);

  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Ingresar', exact: true }).click();
  await expect(page).toHaveURL(/\/ingresar$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Ingresar');
  await check(page, 'ingresar');

  // A wrong clave: one message for every reason, with the ways out; the clave field is emptied.
  await page.getByLabel('Cédula o código de identificación').fill(who.id);
  await page.getByLabel('Clave', { exact: true }).fill('NoEsMiClave2026');
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
  const refusal = page.getByRole('alert');
  await expect(refusal).toContainText(REFUSAL);
  await expect(refusal).toContainText('se bloquea después de 5 intentos fallidos seguidos');
  await expect(refusal.getByRole('link', { name: 'Desbloquear clave' })).toHaveAttribute('href', '/clave/desbloquear');
  await expect(refusal.getByRole('link', { name: 'Recuperar clave' })).toHaveAttribute('href', '/clave/recuperar');
  await expect(page.getByLabel('Clave', { exact: true })).toHaveValue('');
  await expect(page).toHaveURL(/\/ingresar$/);
  await check(page, 'ingresar-rechazo');

  // The right clave, typed on the on-screen keyboard.
  await typeOnKeyboard(page.locator('.virtual-keyboard'), PASSWORD);
  await expect(page.getByLabel('Clave', { exact: true })).toHaveValue(PASSWORD);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
  await expect(page).toHaveURL(/\/mi-cuenta$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mi cuenta');
  await expect(page.getByText(who.name)).toBeVisible();
  const data = page.getByRole('region', { name: 'Sus datos' });
  await expect(data).toContainText(who.masked);
  await expect(data).toContainText('c***@correo.example');
  await expect(data).toContainText('09******67');
  await expect(data).toContainText('No registrado');
  await expect(data).toContainText(/Último cambio de clave\s*\d{1,2} de [a-z]+ de 20\d\d, \d\d:\d\d \(hora de Ecuador\)/);
  // Nothing in full that a shoulder-surfer could use.
  await expect(page.locator('main')).not.toContainText(who.id);
  await expect(page.locator('main')).not.toContainText(email);
  await check(page, 'mi-cuenta');

  // A second browser logs in; this one closes it.
  const elsewhere = await browser.newContext({ baseURL: info.project.use.baseURL, locale: 'es-EC' });
  const other = await elsewhere.newPage();
  await logIn(other, who.id, PASSWORD);
  await expect(other.getByRole('heading', { level: 1 })).toHaveText('Mi cuenta');
  await page.reload();
  await waitForHydration(page);
  const sessions = page.getByRole('region', { name: 'Sesiones abiertas' });
  await expect(sessions).toContainText('Hay 2 sesiones abiertas con su clave, incluida esta.');
  await sessions.getByRole('button', { name: 'Cerrar las otras sesiones' }).click();
  await expect(sessions.getByRole('status')).toHaveText('Se cerró 1 sesión.');
  await expect(sessions).toContainText('Solo está abierta esta sesión.');
  await other.reload();
  await expect(other.getByRole('heading', { level: 2, name: 'Su sesión terminó' })).toBeVisible();
  await expect(other.getByRole('region', { name: 'Sus datos' })).toHaveCount(0);
  await elsewhere.close();

  // The contact data: a wrong value is explained at its field, then the change is made.
  const contacts = page.getByRole('region', { name: 'Actualizar datos de contacto' });
  const contactsToggle = contacts.getByRole('button', { name: 'Actualizar datos de contacto' });
  await contactsToggle.click();
  await expect(contactsToggle).toHaveAttribute('aria-expanded', 'true');
  await contacts.getByLabel('Correo electrónico').fill(newEmail);
  await contacts.getByLabel('Celular').fill('0987');
  await contacts.getByLabel('Clave actual').fill(PASSWORD);
  await contacts.getByRole('button', { name: 'Guardar datos de contacto' }).click();
  const mobile = contacts.getByLabel('Celular');
  await expect(mobile).toHaveAttribute('aria-invalid', 'true');
  await expect(mobile).toBeFocused();
  await expect(contacts.locator('#mobile-error')).toBeVisible();
  await mobile.fill('0987001122');
  await contacts.getByRole('button', { name: 'Guardar datos de contacto' }).click();
  await expect(contacts.getByText('Sus datos de contacto fueron actualizados.')).toBeVisible();
  await expect(contactsToggle).toHaveAttribute('aria-expanded', 'false');
  await expect(data).toContainText('n***@correo.example');
  await expect(data).toContainText('09******22');

  // The previous address is told, with a "No fui yo" link.
  const notice = await mailTo(page, email, 'Clave IESS: sus datos de contacto cambiaron');
  await expect(notice).toContainText('n***@correo.example');
  await expect(notice.getByRole('link').filter({ hasText: '/no-fui-yo#' })).toHaveCount(1);

  // The clave: a wrong current one is refused at its field, then the change is made.
  await page.goto('/mi-cuenta');
  await waitForHydration(page);
  const change = page.getByRole('region', { name: 'Cambiar clave' });
  const changeToggle = change.getByRole('button', { name: 'Cambiar clave' });
  await changeToggle.click();
  const keyboards = change.locator('.virtual-keyboard');
  await typeOnKeyboard(keyboards.nth(0), 'NoEsLaClave7');
  await typeOnKeyboard(keyboards.nth(1), NEW_PASSWORD);
  await typeOnKeyboard(keyboards.nth(2), NEW_PASSWORD);
  await change.getByRole('button', { name: 'Guardar la nueva clave' }).click();
  const current = change.getByLabel('Clave actual');
  await expect(current).toHaveAttribute('aria-invalid', 'true');
  await expect(current).toBeFocused();
  await expect(change.locator('#current-error')).toHaveText('La clave actual no es correcta.');
  await expect(current).toHaveValue('');
  await expect(change.getByLabel('Nueva clave', { exact: true })).toHaveValue(NEW_PASSWORD);
  await check(page, 'mi-cuenta-cambiar-clave');
  await typeOnKeyboard(keyboards.nth(0), PASSWORD);
  await change.getByRole('button', { name: 'Guardar la nueva clave' }).click();
  await expect(change.getByText('Su clave fue cambiada.')).toBeVisible();
  await expect(change.getByText('Cerramos todas las demás sesiones')).toBeVisible();
  await expect(changeToggle).toBeFocused();

  // The session continues with the new cookie.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mi cuenta');
  await waitForHydration(page);
  const activity = page.getByRole('table', { name: /Los últimos 20 eventos/ });
  await expect(activity.locator('tbody tr').first()).toBeVisible();
  // Newest first; anything older than this test's first login may follow.
  expect((await activity.locator('tbody td:nth-child(2)').allTextContents()).slice(0, 7)).toEqual([
    'Clave cambiada',
    'Intento de ingreso fallido',
    'Datos de contacto actualizados',
    'Otras sesiones cerradas',
    'Ingreso',
    'Ingreso',
    'Intento de ingreso fallido',
  ]);
  const latest = activity.locator('tbody tr').first();
  await expect(latest.locator('td').nth(0)).toHaveText(/^\d\d\/\d\d\/20\d\d \d\d:\d\d$/);
  await expect(latest.locator('td').nth(2)).toHaveText('127.0.0.1');
  await expect(latest.locator('td').nth(3)).toHaveText(who.browser);
  await expect(activity.getByRole('columnheader')).toHaveText(['Fecha y hora', 'Evento', 'Dirección IP', 'Navegador']);
  await check(page, 'mi-cuenta-actividad');

  // A GET changes nothing: the server functions answer only POST.
  const get = await page.request.get('/api/mi-cuenta/salir', { headers: { Origin: info.project.use.baseURL ?? '' } });
  expect(get.ok()).toBe(false);
  await page.reload();
  await expect(page.getByRole('region', { name: 'Sus datos' })).toBeVisible();
  await waitForHydration(page);

  // "Salir": home, and Mi cuenta no longer opens.
  await page.getByRole('button', { name: 'Salir' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Su clave de afiliado, en línea y segura');
  await page.goto('/mi-cuenta');
  await expect(page.getByRole('heading', { level: 2, name: 'Su sesión terminó' })).toBeVisible();

  // The old clave no longer works; the new one does.
  await logIn(page, who.id, PASSWORD);
  await expect(page.getByRole('alert')).toContainText(REFUSAL);
  await page.getByLabel('Clave', { exact: true }).fill(NEW_PASSWORD);
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
  await expect(page).toHaveURL(/\/mi-cuenta$/);
  await expect(page.getByRole('region', { name: 'Sus datos' })).toContainText('n***@correo.example');
});

test('Mi cuenta without a live session shows only that it ended and the way to log in', async ({ page }, info) => {
  const ended = async () => {
    await expect(page.getByRole('heading', { level: 2, name: 'Su sesión terminó' })).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('Ingrese de nuevo para continuar.');
    await expect(page.locator('main').getByRole('link', { name: 'Ingresar' })).toHaveAttribute('href', '/ingresar');
    await expect(page.getByRole('region', { name: 'Sus datos' })).toHaveCount(0);
    await expect(page.getByRole('table')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Salir' })).toHaveCount(0);
  };
  await page.goto('/mi-cuenta');
  await ended();
  await waitForHydration(page);
  await expectNoAxeViolations(page);

  // A made-up session id is no better than none, on the page and at the server function.
  const origin = info.project.use.baseURL ?? '';
  await page.context().addCookies([{ name: 'clave_sesion', value: 'A'.repeat(43), url: origin }]);
  await page.reload();
  await ended();
  const answer = await page.request.post('/api/mi-cuenta/resumen', { headers: { Origin: origin } });
  expect(answer.ok()).toBe(true);
  expect(await answer.json()).toBe('Ended');

  await page.getByRole('link', { name: 'Ingresar' }).click();
  await expect(page).toHaveURL(/\/ingresar$/);
});

test('a malformed number is explained at its field and nothing is tried', async ({ page }) => {
  await page.goto('/ingresar');
  await waitForHydration(page);
  await page.getByLabel('Cédula o código de identificación').fill('1234567890');
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
  const field = page.getByLabel('Cédula o código de identificación');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
  await expect(page.locator('#identification-error')).toContainText('cédula');
  await expect(page.locator('#password-error')).toHaveText('Escriba su clave.');
  await expect(page.getByRole('alert')).toHaveCount(0);
  await expectNoAxeViolations(page);
});
