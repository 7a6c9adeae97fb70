// The staff console (DESIGN §3): an agent logs in with TOTP and unlocks a clave after an
// in-person verification or a video call; the person sets a new clave online; a supervisor finds
// the unlock in the audit log and an agent may not open it. Desktop only: the console is a desk
// tool (the width test below still asserts that its pages, the Ventanilla queue included, fit 360 px
// without overflow and pass axe at both widths).
import { expect, test, type Browser, type Locator, type Page } from '@playwright/test';
import { check, person } from './flows';
import { createStaff, freshCode, lockedPerson, newClaveFromEmail, staffLogIn, submitStaffLogin, type StaffMember } from './staff';
import { expectNoAxeViolations, expectNoHorizontalOverflow, waitForHydration } from './support';

const GABRIELA = '1709876542';
const JORGE = '0908765431';
const REFUSED = 'No se pudo ingresar. Revise su usuario, su contraseña y el código.';

test.beforeEach(({}, info) => {
  test.skip(info.project.name !== 'desktop', 'the staff console is a desk tool: tested on the desktop project');
});

/** A page of its own (own cookies) for a staff member. */
async function staffPage(browser: Browser): Promise<Page> {
  return (await browser.newContext()).newPage();
}

/** Searches `id` in the console and waits for the status panel. */
async function search(page: Page, id: string): Promise<Locator> {
  await page.getByLabel('Cédula o código de extranjero').fill(id);
  await page.getByRole('button', { name: 'Buscar', exact: true }).click();
  const status = page.locator('.staff-status');
  await expect(status).toBeVisible();
  return status;
}

const PRESENCIAL_REASON = 'Cédula original revisada en el CAU de Quito; huella registrada.';

test.describe.serial('presencial', () => {
  let agent: StaffMember;

  test('an agent unlocks a clave at the counter, and the person sets a new one online', async ({ page, browser }) => {
    test.setTimeout(240_000);
    const email = 'gabriela.cau@correo.example';
    await lockedPerson(page, GABRIELA, email);

    agent = createStaff('agente');
    const desk = await staffPage(browser);
    await desk.goto('/agentes');
    await waitForHydration(desk);
    await check(desk, 'staff-login');
    // A wrong code is refused at the form, with the one message for every cause.
    await submitStaffLogin(desk, agent, async () => {
      const right = await freshCode(agent);
      return right.slice(0, 5) + String((Number(right[5]) + 5) % 10);
    });
    await expect(desk.getByRole('alert')).toContainText(REFUSED);
    await expect(desk).toHaveURL(/\/agentes$/);

    await staffLogIn(desk, agent);
    await expect(desk.getByRole('link', { name: 'Auditoría' })).toHaveCount(0);
    const status = await search(desk, GABRIELA);
    await expect(desk.getByRole('heading', { level: 2, name: 'Gabriela Sofía Ensayo Paredes' })).toBeVisible();
    await expect(status).toContainText('Sí, en');
    await expect(status).toContainText('g***@correo.example');
    await check(desk, 'staff-consola');

    const cau = desk.getByRole('region', { name: 'Atención presencial (CAU)' });
    // Both boxes or nothing.
    await cau.getByLabel('Verifiqué el documento original').check();
    await cau.getByRole('button', { name: 'Registrar verificación presencial' }).click();
    await expect(cau.getByRole('alert')).toContainText('Marque las dos casillas');
    await cau.getByLabel('Registré la huella dactilar').check();
    await cau.getByRole('button', { name: 'Registrar verificación presencial' }).click();
    await expect(cau.getByRole('status')).toContainText('Verificación presencial registrada');
    await expect(cau.getByRole('radio', { name: 'Desbloquear clave' })).toBeChecked();
    await cau.getByLabel('Motivo').fill(PRESENCIAL_REASON);
    await check(desk, 'staff-presencial');
    await cau.getByRole('button', { name: 'Realizar acción' }).click();
    await expect(cau.locator('.alert-success')).toContainText('Acción realizada y registrada');
    await expect(status.locator('dt:has-text("Clave bloqueada") + dd')).toHaveText('No');
    await expect(status.locator('dt:has-text("Huella registrada") + dd')).toHaveText('Sí');
    await expect(desk.getByRole('table')).toContainText(PRESENCIAL_REASON);
    await desk.context().close();

    await newClaveFromEmail(page, GABRIELA, email);
  });

  test('a supervisor finds the unlock in the audit log; an agent may not open it', async ({ page, browser }) => {
    test.setTimeout(120_000);
    const supervisor = createStaff('supervisor');
    await staffLogIn(page, supervisor);
    await page.getByRole('link', { name: 'Auditoría' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Auditoría' })).toBeVisible();
    await expect(page.getByRole('table')).toBeVisible();
    await page.getByLabel('Identificación').fill(GABRIELA);
    await page.getByLabel('Evento', { exact: true }).selectOption({ label: 'Clave desbloqueada' });
    await page.getByRole('button', { name: 'Filtrar' }).click();
    const row = page.getByRole('row').filter({ hasText: agent.username });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText(PRESENCIAL_REASON);
    await expect(row).toContainText('Clave desbloqueada');
    await expect(row).toContainText(GABRIELA);
    await check(page, 'staff-auditoria');

    const desk = await staffPage(browser);
    await staffLogIn(desk, agent);
    await expect(desk.getByRole('navigation', { name: 'Navegación de la consola' }).getByRole('link', { name: 'Auditoría' })).toHaveCount(0);
    await desk.goto('/agentes/auditoria');
    await waitForHydration(desk);
    await expect(desk.getByRole('alert')).toContainText('Su rol no permite esta acción.');
    await expect(desk.getByRole('table')).toHaveCount(0);
    await expect(desk.getByLabel('Identificación')).toHaveCount(0);
    await expectNoAxeViolations(desk);
    // The server function refuses too, whatever the page shows.
    const direct = await desk.request.post('/api/agentes/auditoria', {
      headers: { Origin: test.info().project.use.baseURL ?? '' },
      form: { identification: '', actor: '', kind: '', from: '', to: '', page: '0' },
    });
    expect(direct.status()).toBe(403);
    expect(await direct.text()).not.toContain(GABRIELA);
    await desk.context().close();
  });
});

test('an agent unlocks a clave after a video call with 4 right answers', async ({ page, browser }) => {
  test.setTimeout(240_000);
  const email = 'jorge.video@correo.example';
  await lockedPerson(page, JORGE, email);
  const jorge = person(JORGE);

  const agent = createStaff('agente');
  const desk = await staffPage(browser);
  await staffLogIn(desk, agent);
  await search(desk, JORGE);
  const call = desk.getByRole('region', { name: 'Videollamada' });
  await call.getByRole('button', { name: 'Iniciar videollamada' }).click();
  const answers: Record<string, string> = {
    '¿Cómo se llamaba su primera mascota?': 'Firulais',
    '¿En qué escuela terminó la primaria?': 'Escuela Simón Bolívar',
    '¿Cuál es su libro favorito?': 'Huasipungo',
    '¿Cuál es su fecha de nacimiento completa?': `${jorge.birth.day.padStart(2, '0')}/${jorge.birth.month.padStart(2, '0')}/${jorge.birth.year}`,
    '¿Cómo se llama su empleador actual?': jorge.facts.employer,
    '¿En qué año hizo su primer aporte?': jorge.facts['first-contribution-year'],
    // The mobile registered with the clave (flows.ts personalData).
    '¿Cuáles son los tres últimos dígitos de su celular registrado?': '567',
  };
  const boxes = call.getByRole('textbox');
  await expect(boxes).toHaveCount(4);
  await check(desk, 'staff-videollamada');
  for (let i = 0; i < 4; i++) {
    const label = (await call.locator(`label[for="respuesta-${i}"]`).innerText()).replace(/^\d+\.\s*/, '').trim();
    const answer = answers[label];
    expect(answer, `an answer for "${label}"`).toBeDefined();
    await boxes.nth(i).fill(answer);
  }
  await call.getByRole('button', { name: 'Comprobar respuestas' }).click();
  const results = call.locator('.staff-results li');
  await expect(results).toHaveCount(4);
  for (let i = 0; i < 4; i++) await expect(results.nth(i).locator('strong')).toHaveText('correcta');
  await expect(call.getByRole('status')).toContainText('4 de 4 correctas');
  await check(desk, 'staff-videollamada-verificada');
  await call.getByLabel('Motivo').fill('Videollamada: la persona respondió bien las 4 preguntas.');
  await call.getByRole('button', { name: 'Desbloquear clave' }).click();
  await expect(call.locator('.alert-success')).toContainText('Acción realizada y registrada');
  await expect(desk.locator('.staff-status dt:has-text("Clave bloqueada") + dd')).toHaveText('No');
  await desk.context().close();

  await newClaveFromEmail(page, JORGE, email);
});

test('the staff pages fit a 360 px phone and a 1280 px desk, with no axe violations at either', async ({ page }) => {
  test.setTimeout(120_000);
  async function bothWidths(name: string) {
    for (const width of [1280, 360]) {
      await page.setViewportSize({ width, height: 800 });
      await expectNoHorizontalOverflow(page);
      await expectNoAxeViolations(page);
      await page.screenshot({ path: test.info().outputPath(`staff-${name}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  }
  await page.goto('/agentes');
  await waitForHydration(page);
  await bothWidths('login');
  const supervisor = createStaff('supervisor');
  await staffLogIn(page, supervisor);
  for (const [path, name] of [
    ['/agentes/consola', 'consola'],
    ['/agentes/auditoria', 'auditoria'],
    ['/agentes/ventanilla', 'cola'],
  ]) {
    await page.goto(path);
    await waitForHydration(page);
    if (name === 'consola') await search(page, '1701234567');
    else if (name === 'cola') {
      // The queue is loaded by the browser: open cases, or the sentence that there are none.
      const empty = page.getByRole('status').filter({ hasText: 'No hay trámites abiertos.' });
      await expect(page.getByRole('table').or(empty)).toBeVisible();
    } else await expect(page.getByRole('table')).toBeVisible();
    await bothWidths(name);
  }
});
