import { expect, test, type Locator } from '@playwright/test';
import {
  answerChallenge,
  check,
  identify,
  linkFromMailbox,
  logIn,
  PASSWORD,
  person,
  personalData,
  refusedLogin,
  typeOnKeyboard,
  unlockByEmail,
} from './flows';
import { expectNoAxeViolations, waitForHydration } from './support';

/** Each project generates a clave for a different person: a clave is generated once. */
const PEOPLE: Record<string, string> = { desktop: '1701234567', phone: '0103456786' };
const KEYBOARD_ONLY = '1104567894';

test('a person generates a first clave, typing it only on the virtual keyboard', async ({ page }, info) => {
  test.setTimeout(180_000);
  const who = person(PEOPLE[info.project.name]);
  const email = `generar.${info.project.name}@correo.example`;

  await page.goto('/');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Generar mi clave' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Generar clave por primera vez');
  await expect(page.getByText('Paso 1 de 5')).toBeVisible();
  await check(page, '1-identificacion');

  await identify(page, who.id);
  await expect(page.getByText('Paso 2 de 5')).toBeVisible();
  await check(page, '2-desafio');

  await page.reload();
  await expect(page.getByRole('heading', { level: 2, name: 'Desafío' })).toBeVisible();
  await waitForHydration(page);
  await answerChallenge(page, who);
  await check(page, '3-datos-personales');

  await personalData(page, email);
  await expect(page.getByText('g***@correo.example')).toBeVisible();
  await expect(page.getByRole('timer')).toHaveText(/^1[45]:\d\d$/);
  await check(page, '4-correo-enviado');

  const link = await linkFromMailbox(page, email, '/clave/activar');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 2, name: 'Activación' })).toBeVisible();
  await check(page, '5-activacion');

  await page.getByLabel('He leído y acepto los términos y condiciones').check();
  // The instant check folds the clave as the server does (here with the browser's own Unicode
  // data): full-width capitals and digits, typed without the tilde, still match "contraseña1" of
  // the list once both are lower-cased, decomposed (NFKD) and stripped of their marks.
  const newClave = page.getByLabel('Nueva clave', { exact: true });
  await newClave.fill('ＣＯＮＴＲＡＳＥＮＡ１');
  await expect(page.locator('#password-error')).toHaveText('Esa clave es muy común y fácil de adivinar. Escoja otra.');
  await newClave.fill('');
  const keyboards = page.locator('.virtual-keyboard');
  await typeOnKeyboard(keyboards.nth(0), PASSWORD);
  await typeOnKeyboard(keyboards.nth(1), PASSWORD);
  await expect(page.getByLabel('Nueva clave', { exact: true })).toHaveValue(PASSWORD);
  await expect(page.getByLabel('Confirme su nueva clave')).toHaveValue(PASSWORD);
  await page.getByRole('button', { name: 'Generar', exact: true }).click();

  await expect(page.getByRole('heading', { level: 2, name: '¡Su clave fue generada!' })).toBeFocused();
  await check(page, '6-exito');
  await page.getByRole('link', { name: 'Salir' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Su clave de afiliado, en línea y segura');
  const confirmation = await linkFromMailbox(page, email, '/no-fui-yo');
  expect(confirmation).toContain('/no-fui-yo#');

  // The link is single use: opening it again shows why it no longer works.
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 2, name: 'El enlace ya no es válido' })).toBeVisible();

  // The new clave opens "Mi cuenta"; "Salir" ends the session.
  await logIn(page, who.id, PASSWORD);
  await page.getByRole('button', { name: 'Salir' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Su clave de afiliado, en línea y segura');
  await page.goto('/mi-cuenta');
  await expect(page.getByRole('heading', { name: 'Su sesión terminó' })).toBeVisible();

  // Five wrong claves in a row lock it: then even the right one is refused, and the lock is emailed.
  for (let attempt = 0; attempt < 5; attempt++) await refusedLogin(page, who.id, 'Equivocada9Clave');
  await refusedLogin(page, who.id, PASSWORD);
  await page.goto('/dev/correo');
  await expect(
    page.getByRole('article').filter({ hasText: email }).filter({ hasText: 'su clave fue bloqueada' }),
  ).toHaveCount(1);

  // The emailed link unlocks it, and the clave works again.
  await unlockByEmail(page, who.id, email);
  await logIn(page, who.id, PASSWORD);
});

test('the whole flow also completes with the keyboard alone', async ({ page }, info) => {
  test.skip(info.project.name !== 'desktop', 'a keyboard-only run needs a physical keyboard');
  const who = person(KEYBOARD_ONLY);
  const email = 'teclado@correo.example';
  const tabTo = async (target: Locator) => {
    for (let i = 0; i < 80 && !(await target.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(target).toBeFocused();
  };

  await page.goto('/clave/generar');
  await waitForHydration(page);
  await tabTo(page.getByLabel('Cédula o código de identificación'));
  await page.keyboard.type(who.id);
  await tabTo(page.getByLabel('No soy un robot'));
  await page.keyboard.press('Space');
  await expect(page.locator('.captcha')).toHaveAttribute('data-state', 'verified');
  await tabTo(page.getByRole('button', { name: 'Buscar' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Desafío' })).toBeFocused();

  await tabTo(page.getByLabel('Día'));
  await page.keyboard.type(who.birth.day);
  await page.keyboard.press('Tab');
  await page.keyboard.type(['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'][Number(who.birth.month) - 1]);
  await page.keyboard.press('Tab');
  await page.keyboard.type(who.birth.year);
  for (const [question, truth] of Object.entries(who.facts)) {
    if ((await page.locator(`input[name="choice-${question}"]`).count()) === 0) continue;
    const group = page.locator(`input[name="choice-${question}"]`);
    await tabTo(group.first());
    const target = page.getByRole('radio', { name: truth, exact: true });
    for (let i = 0; i < 4 && !(await target.isChecked()); i++) await page.keyboard.press('ArrowDown');
    await expect(target).toBeChecked();
  }
  await tabTo(page.getByRole('button', { name: 'Continuar' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Datos personales' })).toBeFocused();

  await page.keyboard.press('Tab');
  await tabTo(page.getByLabel('Correo electrónico'));
  await page.keyboard.type(email);
  await tabTo(page.getByLabel('Celular'));
  await page.keyboard.type('0961234567');
  const answers = ['Firulais', 'Escuela Simón Bolívar', 'Huasipungo'];
  for (const [i, question] of ['primera-mascota', 'escuela-primaria', 'libro-favorito'].entries()) {
    await tabTo(page.getByLabel(`Pregunta ${i + 1}`));
    await page.getByLabel(`Pregunta ${i + 1}`).selectOption(question); // a native select takes keys too
    await tabTo(page.getByLabel(`Respuesta ${i + 1}`));
    await page.keyboard.type(answers[i]);
  }
  await page.keyboard.press('Tab');
  await page.keyboard.press('Space');
  await page.keyboard.press('ArrowRight');
  await expect(page.locator('[role="radio"][aria-checked="true"], input[type="radio"]:checked')).toHaveCount(1);
  await tabTo(page.getByRole('button', { name: 'Enviar enlace' }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: 'Correo enviado' })).toBeFocused();

  await page.goto(await linkFromMailbox(page, email, '/clave/activar'));
  await expect(page.getByRole('heading', { level: 2, name: 'Activación' })).toBeVisible();
  await waitForHydration(page);
  await tabTo(page.getByLabel('He leído y acepto los términos y condiciones'));
  await page.keyboard.press('Space');
  await tabTo(page.getByLabel('Nueva clave', { exact: true }));
  await page.keyboard.type(PASSWORD);
  await tabTo(page.getByLabel('Confirme su nueva clave'));
  await page.keyboard.type(PASSWORD);
  await tabTo(page.getByRole('button', { name: 'Generar', exact: true }));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { level: 2, name: '¡Su clave fue generada!' })).toBeFocused();
});

test('wrong input is explained at its field and changes nothing', async ({ page }) => {
  await page.goto('/clave/generar');
  await waitForHydration(page);
  await page.getByLabel('Cédula o código de identificación').fill('1234567890');
  await page.getByRole('button', { name: 'Buscar' }).click();
  const field = page.getByLabel('Cédula o código de identificación');
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toBeFocused();
  await expect(page.locator('#identification-error')).toContainText('cédula');
  await expect(page.locator('#captcha-error')).toContainText('No soy un robot');
  await expect(page.getByText('Paso 1 de 5')).toBeVisible();
  // Foreigners without an identification code are sent to an office first (guide 000).
  await expect(page.getByRole('complementary')).toContainText('Centro de Atención Universal');
  await expectNoAxeViolations(page);
});

test('after wrong answers the new questions start with nothing chosen', async ({ page }) => {
  await page.goto('/clave/generar');
  await waitForHydration(page);
  await identify(page, '1710034065'); // not in the registry: its challenge always fails
  await page.getByLabel('Día').fill('1');
  await page.getByLabel('Mes').selectOption('1');
  await page.getByLabel('Año').fill('1950');
  for (const group of await page.locator('fieldset.choice-group').all()) {
    await group.getByRole('radio').first().check();
  }
  await page.getByRole('button', { name: 'Continuar' }).click();
  await expect(page.getByRole('alert')).toContainText('Le hicimos preguntas nuevas');
  await expect(page.locator('input[type="radio"]:checked')).toHaveCount(0);
  await expect(page.getByLabel('Día')).toHaveValue('');
  await expect(page.getByLabel('Año')).toHaveValue('');
  await expect(page.getByLabel('Mes')).toHaveValue('');
});

test('a link that is not valid says so and offers to start again', async ({ page }) => {
  await page.goto('/clave/activar#AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 2, name: 'El enlace ya no es válido' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Generar clave por primera vez' })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.goto('/no-fui-yo#nada');
  await waitForHydration(page);
  await expect(page.getByRole('alert')).toContainText('caducó o ya se usó');
  await expectNoAxeViolations(page);
});
