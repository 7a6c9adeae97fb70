// Staff members for the console specs: created with the server's command line against the
// database of this run, and logged in at /agentes with a TOTP code computed here.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { Secret, TOTP } from 'otpauth';
import config from '../playwright.config';
import { generateClave, linkFromMailbox, logIn, refusedLogin, setNewClave } from './flows';
import { waitForHydration } from './support';

export type StaffRole = 'agente' | 'supervisor' | 'admin';

export interface StaffMember {
  username: string;
  name: string;
  role: StaffRole;
  password: string;
  /** The base32 TOTP secret the command line printed. */
  secret: string;
  /** The last 30-second step this member logged in with: the server accepts each step once. */
  lastStep: number;
}

const ROOT = resolve(__dirname, '../..');
const STEP_MS = 30_000;
const NAMES: Record<StaffRole, string> = {
  agente: 'Agente de Prueba',
  supervisor: 'Supervisora de Prueba',
  admin: 'Administración de Prueba',
};

/** The environment the test server runs with (same database, same settings). */
function serverEnv(): Record<string, string> {
  const server = Array.isArray(config.webServer) ? config.webServer[0] : config.webServer;
  return { ...(process.env as Record<string, string>), ...(server?.env ?? {}) };
}

/** Creates a staff member with a unique username through `server create-staff`. */
export function createStaff(role: StaffRole): StaffMember {
  const username = `${role}.${randomBytes(4).toString('hex')}`;
  const name = NAMES[role];
  const password = `Condor-Azul-Pichincha-${randomBytes(3).toString('hex')}`;
  const out = execFileSync('target/release/server', ['create-staff', username, '--role', role, '--name', name], {
    cwd: ROOT,
    env: serverEnv(),
    input: `${password}\n`,
    encoding: 'utf8',
  });
  const secret = /Secreto TOTP \(base32\): ([A-Z2-7]+)/.exec(out)?.[1];
  if (!secret) throw new Error(`create-staff printed no TOTP secret:\n${out}`);
  return { username, name, role, password, secret, lastStep: -1 };
}

/** The code of `member` for `step`. */
export function totpCode(member: StaffMember, step: number): string {
  const totp = new TOTP({ secret: Secret.fromBase32(member.secret), algorithm: 'SHA1', digits: 6, period: 30 });
  return totp.generate({ timestamp: step * STEP_MS });
}

/** A code of a step this member has not used yet, waiting for the next step when needed. */
export async function freshCode(member: StaffMember): Promise<string> {
  let step = Math.floor(Date.now() / STEP_MS);
  if (step <= member.lastStep) {
    await new Promise((done) => setTimeout(done, (member.lastStep + 1) * STEP_MS - Date.now() + 100));
    step = Math.floor(Date.now() / STEP_MS);
  }
  member.lastStep = step;
  return totpCode(member, step);
}

/** Fills the /agentes form (user, password, `code`) and submits it. */
export async function submitStaffLogin(page: Page, member: StaffMember, code: string | (() => Promise<string>)) {
  await page.goto('/agentes');
  await waitForHydration(page);
  await page.getByLabel('Usuario').fill(member.username);
  await page.getByLabel('Contraseña').fill(member.password);
  await page.getByLabel('Código de 6 dígitos').fill(typeof code === 'string' ? code : await code());
  await page.getByRole('button', { name: 'Ingresar', exact: true }).click();
}

/** Logs `member` in at /agentes with a fresh TOTP code; lands on the console. */
export async function staffLogIn(page: Page, member: StaffMember) {
  await submitStaffLogin(page, member, () => freshCode(member));
  await expect(page.getByRole('heading', { level: 1, name: 'Buscar afiliado' })).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Navegación de la consola' })).toContainText(member.username);
}

/** The new clave the people of the console specs set after an assisted unlock. */
export const NEW_PASSWORD = 'Colibri5Nevado8Cotopaxi';

/** A person with a clave who then locks it with 5 wrong logins. */
export async function lockedPerson(page: Page, id: string, email: string) {
  await generateClave(page, id, email);
  for (let i = 0; i < 5; i++) await refusedLogin(page, id, 'Equivocada1Clave2Mala');
}

/** The person's side: the emailed link, a new clave on the virtual keyboard, and a login with it. */
export async function newClaveFromEmail(page: Page, id: string, email: string) {
  const link = await linkFromMailbox(page, email, '/clave/restablecer');
  const mail = page.getByRole('article').filter({ hasText: email }).filter({ hasText: '/clave/restablecer' }).first();
  await expect(mail).toContainText('No fui yo');
  await page.goto(link);
  await expect(page.getByRole('heading', { level: 2, name: 'Nueva clave' })).toBeVisible();
  await waitForHydration(page);
  await setNewClave(page, NEW_PASSWORD);
  await logIn(page, id, NEW_PASSWORD);
}
