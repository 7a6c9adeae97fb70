// Ventanilla Virtual (DESIGN §2.5): the public form and the status page, on desktop and phone.
import { resolve } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { check, tickCaptcha } from './flows';
import { createStaff, lockedPerson, newClaveFromEmail, staffLogIn } from './staff';
import { waitForHydration } from './support';

const FIXTURES = resolve(__dirname, '../fixtures');
const JPG = resolve(FIXTURES, 'cedula.jpg');
const PDF = resolve(FIXTURES, 'cedula.pdf');
const RENAMED_PNG = resolve(FIXTURES, 'foto-renombrada.jpg');
/** Patricia's cédula; filing a case consumes nothing, so both projects may use it. */
const CEDULA = '1307654325';

/** Fills the whole form; the caller chooses the files. */
async function fillForm(page: Page, id: string, email: string) {
  await page.getByLabel('Tipo de trámite').selectOption('desbloqueo');
  await page.getByLabel('Cédula o código de identificación').fill(id);
  await page.getByLabel('Correo electrónico de contacto').fill(email);
  await page.getByLabel('Descripción').fill('Mi clave se bloqueó y no tengo registro de huella.');
}

/** Files a case with a JPG and a PDF and returns its number. */
export async function fileCase(page: Page, id: string, email: string): Promise<string> {
  await page.goto('/ventanilla');
  await waitForHydration(page);
  await fillForm(page, id, email);
  await page.getByLabel('Cédula (anverso)').setInputFiles(JPG);
  await page.getByLabel('Cédula (reverso)').setInputFiles(PDF);
  await page.getByLabel('Selfie con la cédula').setInputFiles(JPG);
  await tickCaptcha(page);
  await page.getByRole('button', { name: 'Enviar trámite' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Recibimos su trámite' })).toBeFocused();
  const number = (await page.getByTestId('case-number').textContent()) ?? '';
  expect(number).toMatch(/^VV-\d{4}-\d{6}$/);
  return number;
}

test('the Ventanilla form refuses bad input at its fields, files a case and its status is found', async ({ page }) => {
  const email = `ventanilla.${test.info().project.name}@correo.example`;
  await page.goto('/ventanilla');
  await waitForHydration(page);
  await expect(page.getByText('JPG o PDF, máximo 1 MB.').first()).toBeVisible();
  await check(page, 'ventanilla');

  // The description counts as it is typed.
  await page.getByLabel('Descripción').fill('Hola');
  await expect(page.getByText('4 de 500 caracteres')).toBeVisible();

  // An oversized file is refused in the browser at once, at its field.
  await page.getByLabel('Cédula (reverso)').setInputFiles({
    name: 'grande.jpg',
    mimeType: 'image/jpeg',
    buffer: Buffer.alloc(1_048_577, 0xff),
  });
  await expect(page.locator('#reverso-error')).toHaveText(
    'Cédula (reverso): el archivo pasa de 1 MB; solo se aceptan archivos JPG o PDF de hasta 1 MB.',
  );

  // A wrong cédula and a PNG renamed .jpg go to the server, which refuses both at their fields.
  await fillForm(page, '1234567890', email);
  await page.getByLabel('Cédula (anverso)').setInputFiles(RENAMED_PNG);
  await page.getByLabel('Cédula (reverso)').setInputFiles(PDF);
  await page.getByLabel('Selfie con la cédula').setInputFiles(JPG);
  await tickCaptcha(page);
  await page.getByRole('button', { name: 'Enviar trámite' }).click();
  await expect(page.locator('#anverso-error')).toHaveText(
    'Cédula (anverso): solo se aceptan archivos JPG o PDF de hasta 1 MB.',
  );
  const idField = page.getByLabel('Cédula o código de identificación');
  await expect(idField).toHaveAttribute('aria-invalid', 'true');
  await expect(idField).toBeFocused();
  await expect(page.getByTestId('case-number')).toHaveCount(0);
  await check(page, 'ventanilla-errores');

  // Nothing was filed: the mailbox has no "recibimos" mail for this address.
  await page.goto('/dev/correo');
  await expect(page.getByRole('article').filter({ hasText: email })).toHaveCount(0);

  const number = await fileCase(page, CEDULA, email);
  await expect(page.getByText('Guarde este número.')).toBeVisible();
  await check(page, 'ventanilla-recibido');
  await expect(async () => {
    await page.goto('/dev/correo');
    await expect(page.getByRole('article').filter({ hasText: email }).filter({ hasText: number })).toHaveCount(1);
  }).toPass({ timeout: 15_000 });
  // The mail of this filing is the only one to this address: the refused request filed nothing.
  await expect(page.getByRole('article').filter({ hasText: email })).toHaveCount(1);

  // The status: found for the right pair, the neutral answer for a wrong one.
  await page.goto('/ventanilla/estado');
  await waitForHydration(page);
  await check(page, 'ventanilla-estado');
  await page.getByLabel('Número de trámite').fill(number);
  await page.getByLabel('Cédula o código de identificación').fill(CEDULA);
  await tickCaptcha(page);
  await page.getByRole('button', { name: 'Consultar' }).click();
  await expect(page.getByTestId('status-answer')).toContainText('Recibido');
  await expect(page.getByTestId('status-answer')).toContainText(number);
  await check(page, 'ventanilla-estado-recibido');

  await page.getByLabel('Cédula o código de identificación').fill('1709876542');
  await tickCaptcha(page);
  await page.getByRole('button', { name: 'Consultar' }).click();
  await expect(page.getByTestId('status-answer')).toHaveText(
    'No encontramos un trámite con esos datos. Revise el número y la cédula.',
  );
  await page.getByLabel('Número de trámite').fill('VV-2020-999999');
  await page.getByLabel('Cédula o código de identificación').fill(CEDULA);
  await tickCaptcha(page);
  await page.getByRole('button', { name: 'Consultar' }).click();
  await expect(page.getByTestId('status-answer')).toHaveText(
    'No encontramos un trámite con esos datos. Revise el número y la cédula.',
  );
});

test('a Ventanilla unlock: filed with a JPG and a PDF, approved by an agent, finished with a new clave', async ({
  page,
  browser,
}, info) => {
  test.skip(info.project.name !== 'desktop', 'the staff console is a desk tool: tested on the desktop project');
  const email = 'patricia.boceto@correo.example';
  await lockedPerson(page, CEDULA, email);
  const number = await fileCase(page, CEDULA, email);

  // An agent opens the case from the queue, sees both documents, and approves it.
  const agent = createStaff('agente');
  const desk = await (await browser.newContext()).newPage();
  await staffLogIn(desk, agent);
  await desk.getByRole('link', { name: 'Ventanilla' }).click();
  await expect(desk.getByRole('link', { name: number })).toBeVisible();
  await check(desk, 'cola');
  await desk.getByRole('link', { name: number }).click();
  await expect(desk.getByRole('heading', { level: 1, name: `Trámite ${number}` })).toBeVisible();
  await waitForHydration(desk);
  await expect(desk.getByText('Bloqueada', { exact: true })).toBeVisible();
  const front = desk.getByRole('img', { name: `Cédula (anverso) enviada en el trámite ${number}` });
  await expect(front).toBeVisible();
  expect(await front.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(desk.getByRole('link', { name: /^Descargar Cédula \(reverso\) \(PDF/ })).toBeVisible();
  await check(desk, 'cola-tramite');
  await desk.getByLabel('Motivo de la decisión').fill('Documentos legibles; la selfie coincide con la cédula.');
  await desk.getByRole('button', { name: 'Aprobar' }).click();
  await expect(desk.getByText('Aprobado', { exact: true })).toBeVisible();
  // Loaded directly (a reload, a bookmark), the case page hydrates and reads the case again.
  await desk.reload();
  await waitForHydration(desk);
  await expect(desk.getByText('Aprobado', { exact: true })).toBeVisible();

  // The person is told, and finishes online with a new clave.
  await expect(async () => {
    await page.goto('/dev/correo');
    await expect(
      page.getByRole('article').filter({ hasText: email }).filter({ hasText: `su trámite ${number} fue aprobado` }),
    ).toHaveCount(1);
  }).toPass({ timeout: 15_000 });
  await newClaveFromEmail(page, CEDULA, email);
});
