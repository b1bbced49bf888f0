// Harness of the browser tests of the kvpt web front (tests/web/test_ui.mjs).
//
// Starts the real `kvpt serve` on 127.0.0.1 (a free port) with a fresh
// database in a temp directory and the small plan of the server tests
// (tests/server/fixture.yaml), creates the users and their assignments through
// the API as an administrator would, and drives Chromium with playwright-core
// (web/node_modules, a devDependency of web/package.json).
//
//   const env = await setup(process.argv[2]);   // path of the kvpt binary
//   const { page, errors } = await env.open('pa');
//   await env.login(page, 'pa', 'mat-khau-pa-2024');   // through the form
//   await env.enter(page, 'pa', '#/x/1/player');       // its session again
//   await env.api('dir', 'POST', '/api/exercises/1/control/start', {});
//   await env.screenshot(page, 'player');
//   await env.close();
//
// Nothing is skipped: a missing Chromium or playwright-core is a failure
// with a message saying what to install.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(HERE, '..', '..');
export const FIXTURE = join(ROOT, 'tests', 'server', 'fixture.yaml');
export const CHROMIUM = '/usr/bin/chromium';
export const PLAYWRIGHT = join(ROOT, 'web', 'node_modules', 'playwright-core', 'index.mjs');
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu',
  '--no-first-run', '--disable-background-networking'];
export const SHOTS = resolve(process.env.KVPT_WEB_SHOTS || join('build', 'web-shots'));

// The fixture's exercise: loaded by --plan into a fresh database, so id 1.
export const X = 1;
export const CODE = 'DT-AN-PHU-TEST';
export const ROLE_A = 'cht-qs';     // played by a person cleared for Mật
export const ROLE_B = 'ct-ubnd';

export const pw = (name) => `mat-khau-${name}-2024`;

// name: [clearance, assignment kind, roles]
export const USERS = {
  dir: ['mat', 'director', null],
  pa: ['mat', 'player', [ROLE_A]],
  pb: ['none', 'player', [ROLE_B]],
  ev: ['mat', 'evaluator', null],
  ob: ['mat', 'observer', null],
  // not in the brief's list: a player of role A without clearance, so that
  // the classification test also covers an inject addressed to one's own
  // role but above one's clearance
  'pa-nc': ['none', 'player', [ROLE_A]],
};

// Fail (never skip) when the browser side is not installed.
export function requirements() {
  const missing = [];
  if (!existsSync(CHROMIUM)) {
    missing.push(`Chromium not found at ${CHROMIUM} (scripts/install-deps installs it)`);
  }
  if (!existsSync(PLAYWRIGHT)) {
    missing.push(`playwright-core not found at ${PLAYWRIGHT} (the build installs ` +
                 'web/node_modules from web/package.json: npm ci in web/)');
  }
  return missing;
}

// A JSON client of the API with its own session (cookie + CSRF token).
class Client {
  constructor(base) {
    this.base = base;
    this.cookie = '';
    this.csrf = '';
  }

  async request(method, path, body, headers = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (this.cookie) h.Cookie = this.cookie;
    if (this.csrf && method !== 'GET' && method !== 'HEAD') h['X-CSRF-Token'] = this.csrf;
    let payload;
    if (typeof body === 'string' || body instanceof Uint8Array) {
      payload = body;
    } else if (body !== undefined) {
      payload = JSON.stringify(body);
      h['Content-Type'] = 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    for (const c of res.headers.getSetCookie ? res.headers.getSetCookie() : []) {
      if (c.startsWith('kvpt_session=')) this.cookie = c.split(';', 1)[0];
    }
    const text = await res.text();
    let data = text;
    try { data = text ? JSON.parse(text) : null; } catch (e) { /* not JSON */ }
    return { status: res.status, body: data };
  }

  async login(user, password) {
    const r = await this.request('POST', '/api/login', { user, password });
    if (r.status !== 200) throw new Error(`login ${user}: ${r.status} ${JSON.stringify(r.body)}`);
    this.csrf = r.body.csrf;
    return this;
  }
}

// Start the server; resolves with its port once it printed
// "listening http://127.0.0.1:PORT/".
function startServer(kvpt, db, log) {
  return new Promise((ok, fail) => {
    const proc = spawn(kvpt, ['serve', '--db', db, '--listen', '127.0.0.1:0',
                              '--plan', FIXTURE], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      fail(new Error(`kvpt serve did not print "listening" within 30 s:\n${out}\n${err}`));
    }, 30000);
    proc.stderr.on('data', (d) => { err += d; log.push(String(d)); });
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening http:\/\/127\.0\.0\.1:(\d+)\//);
      if (m) {
        clearTimeout(timer);
        ok({ proc, port: +m[1] });
      }
    });
    proc.on('exit', (code, sig) => {
      clearTimeout(timer);
      fail(new Error(`kvpt serve exited (${code ?? sig}) before listening:\n${out}\n${err}`));
    });
    proc.on('error', (e) => { clearTimeout(timer); fail(e); });
  });
}

// An "expected denial": Chromium logs every 4xx/5xx answer as a console
// error ("Failed to load resource: the server responded with a status of
// 403 (Forbidden)").  A page opened with allow: [401] tolerates those.
const RESOURCE = /Failed to load resource: the server responded with a status of (\d+)/;

export async function setup(kvptArg) {
  const missing = requirements();
  if (missing.length) throw new Error('cannot run the browser tests:\n  ' + missing.join('\n  '));
  if (!kvptArg) throw new Error('usage: node tests/web/test_ui.mjs KVPT_BINARY');
  const kvpt = resolve(kvptArg);
  if (!existsSync(kvpt)) throw new Error(`no kvpt binary at ${kvpt}`);

  const tmp = mkdtempSync(join(tmpdir(), 'kvpt-web-'));
  const db = join(tmp, 'kvpt.db');
  const adminPw = 'adm-' + Math.random().toString(36).slice(2) + '-web';
  const r = spawnSync(kvpt, ['user', 'add', '--db', db, '--admin', '--password-stdin', 'admin'],
                      { input: adminPw + '\n', encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kvpt user add admin failed: ${r.stderr}`);

  const serverLog = [];
  const { proc, port } = await startServer(kvpt, db, serverLog);
  const base = `http://127.0.0.1:${port}`;

  const admin = await new Client(base).login('admin', adminPw);
  const uids = {};
  for (const [name, [clearance]] of Object.entries(USERS)) {
    const u = await admin.request('POST', '/api/users', {
      name, password: pw(name), clearance, display: `Người dùng ${name}` });
    if (u.status !== 201) throw new Error(`POST /api/users ${name}: ${u.status} ${JSON.stringify(u.body)}`);
    uids[name] = u.body.id;
  }
  const list = await admin.request('GET', '/api/exercises');
  const ex = (list.body || []).find((e) => e.code === CODE);
  if (!ex || ex.id !== X) {
    throw new Error(`the fixture should be exercise ${X}: ${JSON.stringify(list.body)}`);
  }
  for (const [name, [, kind, roles]] of Object.entries(USERS)) {
    const a = await admin.request('PUT', `/api/exercises/${X}/assignments/${uids[name]}`,
                                  roles ? { kind, roles } : { kind });
    if (a.status !== 200) throw new Error(`assign ${name}: ${a.status} ${JSON.stringify(a.body)}`);
  }

  const { chromium } = await import(pathToFileURL(PLAYWRIGHT).href);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  mkdirSync(SHOTS, { recursive: true });

  const clients = { admin };
  const pages = [];
  const sessions = {};   // user → the session cookie of its form login

  const env = {
    base, port, tmp, db, proc, browser, serverLog, uids, x: X,

    // api(user, method, path, body, headers) → { status, body }, as that
    // user (a string body goes as is, e.g. a plan with its Content-Type).
    async api(user, method, path, body, headers) {
      if (!clients[user]) clients[user] = await new Client(base).login(user, pw(user));
      return clients[user].request(method, path, body, headers);
    },

    // A page in a browser context of its own (its own cookies, like another
    // computer), with its console errors and page errors collected.
    // opts: { viewport, allow: [HTTP statuses of deliberate denials] }
    async open(label, opts = {}) {
      const context = await browser.newContext({
        viewport: opts.viewport || { width: 1366, height: 768 },
        locale: 'vi-VN',
      });
      context.setDefaultTimeout(10000);
      const page = await context.newPage();
      const errors = [];
      const allow = new Set(opts.allow || []);
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        const text = m.text();
        const st = text.match(RESOURCE);
        if (st && allow.has(+st[1])) return;
        // the app asks /api/me to learn whether it has a session: 401 is
        // its normal answer before login
        if (st && +st[1] === 401 && /\/api\/me$/.test(m.location().url || '')) return;
        errors.push(`[${label}] console: ${text} (${m.location().url || ''})`);
      });
      page.on('pageerror', (e) => errors.push(`[${label}] page error: ${e.message}\n${e.stack || ''}`));
      page.on('dialog', (d) => d.accept());   // confirm() of a release etc.
      page.on('requestfailed', (req) => {
        const f = req.failure();
        // the live stream closed on purpose (drop, navigation, close)
        if (/\/stream\b/.test(req.url())) return;
        if (f && /ERR_ABORTED/.test(f.errorText)) return;
        errors.push(`[${label}] request failed: ${req.method()} ${req.url()}: ${f && f.errorText}`);
      });
      // Mark the document: a reload would lose the mark.
      await page.addInitScript(() => { window.__kvptLoads = (window.__kvptLoads || 0) + 1; });
      const p = { page, context, errors, label };
      pages.push(p);
      return p;
    },

    async goto(page, hash) {
      await page.goto(base + '/' + (hash || ''));
    },

    // Log in through the form (password: the user's own by default); lands
    // on `hash`, which the app keeps across the login.
    async login(page, user, password = pw(user), hash = '') {
      await page.goto(base + '/' + hash);
      await page.locator('input[name=user]').fill(user);
      await page.locator('input[name=password]').fill(password);
      await page.locator('button[type=submit]').click();
      if (password === pw(user)) {
        await page.locator('[data-testid=me]').waitFor({ timeout: 10000 });
        const c = (await page.context().cookies(base)).find((k) => k.name === 'kvpt_session');
        if (c) sessions[user] = c;
      }
    },

    // Open `hash` as `user`: the first time through the login form, later
    // with the session cookie of that first login (argon2id hashing on a
    // loaded two-core machine costs seconds per login).
    async enter(page, user, hash = '') {
      const cookie = sessions[user];
      if (!cookie) {
        await env.login(page, user, pw(user), hash);
        return;
      }
      await page.context().addCookies([cookie]);
      await page.goto(base + '/' + hash);
      await page.locator('[data-testid=me]').waitFor({ timeout: 10000 });
    },

    async screenshot(page, name, opts = {}) {
      const file = join(SHOTS, name + '.png');
      await page.screenshot({ path: file, fullPage: !!opts.fullPage });
      return file;
    },

    // The console/page errors of these pages (all pages when none given).
    errorsOf(...ps) {
      return (ps.length ? ps : pages).flatMap((p) => p.errors);
    },

    async closePages(...ps) {
      for (const p of ps) {
        const i = pages.indexOf(p);
        if (i >= 0) pages.splice(i, 1);
        await p.context.close().catch(() => {});
      }
    },

    async close() {
      await browser.close().catch(() => {});
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((ok) => {
          const t = setTimeout(() => { proc.kill('SIGKILL'); ok(); }, 10000);
          proc.on('exit', () => { clearTimeout(t); ok(); });
        });
      }
      rmSync(tmp, { recursive: true, force: true });
    },
  };
  return env;
}

// Stand-alone helpers with the signatures of the brief, for a given env.
export const login = (env, page, user, password) => env.login(page, user, password);
export const api = (env, user, method, path, body) => env.api(user, method, path, body);
export const screenshot = (env, page, name, opts) => env.screenshot(page, name, opts);
