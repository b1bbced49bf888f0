// Browser tests of the kvpt web front, against the real server.
//
//   node tests/web/test_ui.mjs build/kvpt
//
// One server, one Chromium; every user in a browser context of their own
// (their own cookies, as on different computers).  The exercise is the small
// plan of the server tests (tests/server/fixture.yaml): role cht-qs (A,
// cleared person) gets th-01 (acknowledge 10 min, report 30 min), th-03
// (Mật), th-04 (manual, also to B), th-05 (order); role ct-ubnd (B) gets
// th-02 and th-04.  Which test uses which inject: b th-01 (released from the
// console), e th-05, f th-04, g th-03.  Users (harness.mjs): dir director,
// pa player of A (Mật), pb player of B (uncleared), ev evaluator, ob
// observer, and pa-nc, an uncleared player of A, for the classification
// test.  Only a and h log in through the form for every page; the others
// reuse the session of the user's first form login (harness enter()).
//
// The preparation tests (p1–p5) use an exercise of their own, uploaded by
// the administrator: tests/web/prep-plan.yaml with day N moved to today +
// 30 days (committees, documents with deadlines, a role without a person)
// and its child tests/web/prep-child.yaml (a multi-level exercise).  There
// dir directs, pa plays cht-qs (Ban CHQS xã, owner of kh-dien-tap), pb
// plays ct-ubnd (UBND xã), ev evaluates and ob observes.
//
// Run one test: node --test-name-pattern='^f\.' tests/web/test_ui.mjs build/kvpt
//
// Screens are addressed only through the data-testids agreed with their
// authors (see the brief of the web front).  Every page's console errors and
// page errors fail the test that opened it, except the 4xx answers of
// deliberate denials.  Screenshots go to $KVPT_WEB_SHOTS (build/web-shots).

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CODE, FIXTURE, ROLE_A, ROLE_B, SHOTS, X, requirements, setup } from './harness.mjs';

const KVPT = process.argv[2];
const TH03_TEXT = 'đổ bộ đường không xuống cánh đồng Bãi Lở';
const TH03_TITLE = 'Thông báo mật về ý định đổ bộ đường không';

let env;

// ---------------------------------------------------------------- helpers

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));
const sel = {
  injectRow: (id) => `[data-testid=inject-row][data-inject="${id}"]`,
  inboxItem: (id) => `[data-testid=inbox-item][data-inject="${id}"]`,
};

function noErrors(...pages) {
  const errs = env.errorsOf(...pages);
  assert.deepEqual(errs, [], 'browser console errors / page errors:\n' + errs.join('\n'));
}

async function apiOk(user, method, path, body, expect = [200, 201]) {
  const r = await env.api(user, method, path, body);
  assert.ok(expect.includes(r.status),
            `${user} ${method} ${path}: expected ${expect.join('/')}, got ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function exerciseStatus() {
  return (await apiOk('dir', 'GET', `/api/exercises/${X}`)).status;
}

// Start the exercise through the API unless it runs already (a test that
// needs a running exercise does not depend on test b having started it).
async function ensureRunning() {
  const st = await exerciseStatus();
  if (st === 'ready') await apiOk('dir', 'POST', `/api/exercises/${X}/control/start`, {});
  else if (st === 'paused') await apiOk('dir', 'POST', `/api/exercises/${X}/control/resume`, {});
}

async function injectOf(user, id) {
  const list = await apiOk(user, 'GET', `/api/exercises/${X}/injects`);
  return list.find((i) => i.id === id);
}

async function release(id) {
  const inj = await injectOf('dir', id);
  assert.ok(inj, `the director sees inject ${id}`);
  if (inj.status === 'released') return false;
  await apiOk('dir', 'POST', `/api/exercises/${X}/control/release`, { inject: id });
  return true;
}

async function expectationOf(id) {
  const list = await apiOk('dir', 'GET', `/api/exercises/${X}/expectations`);
  return list.find((e) => e.id === id);
}

const text = (page) => page.locator('body').innerText();

// A short description of what matches a selector (for failure messages).
async function describeAll(page, selector, attrs = []) {
  const els = await page.locator(selector).all();
  const out = [];
  for (const el of els) {
    const a = {};
    for (const n of attrs) a[n] = await el.getAttribute(n);
    out.push(`${JSON.stringify(a)} "${(await el.innerText()).replace(/\s+/g, ' ').slice(0, 80)}"`);
  }
  return `${els.length} × ${selector}${out.length ? ': ' + out.join('; ') : ''}`;
}

// Wait for selector; on failure say what was there instead.
async function waitFor(page, selector, timeout, what, context = []) {
  try {
    await page.locator(selector).first().waitFor({ timeout });
  } catch (e) {
    const seen = [];
    for (const [s, attrs] of context) seen.push(await describeAll(page, s, attrs));
    assert.fail(`${what}: no ${selector} within ${timeout} ms` +
                (seen.length ? '\n  on the page: ' + seen.join('\n  on the page: ') : '') +
                `\n  url ${page.url()}`);
  }
}

async function waitUntil(fn, timeout, step = 100) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await fn();
    if (v || Date.now() > end) return v;
    await sleep(step);
  }
}

async function pageLoads(page) {
  return page.evaluate(() => window.__kvptLoads);
}

async function liveConnection(page, timeout = 10000) {
  await waitFor(page, '[data-testid=connection][data-status=live]', timeout,
                'the live feed is connected', [['[data-testid=connection]', ['data-status']]]);
}

// ------------------------------------------------------ preparation helpers

const HERE = dirname(fileURLToPath(import.meta.url));
const DAY = 86400000;
const TZ = 7 * 3600000;   // the plans' zone, Asia/Ho_Chi_Minh

// The date `days` from today in the plans' zone, as YYYY-MM-DD.
const localDate = (days) => new Date(Math.floor((Date.now() + TZ) / DAY) * DAY + days * DAY).toISOString().slice(0, 10);

// The preparation exercise (tests/web/prep-plan.yaml, day N in 30 days)
// and its child, uploaded and assigned once, by the first test needing it.
let prep = null;
async function prepSetup() {
  if (prep) return prep;
  const nDay = localDate(30);
  const upload = async (file) => {
    const yaml = readFileSync(join(HERE, file), 'utf8').replace(/^(\s*start:) 2026-12-20 07:00$/m, `$1 ${nDay} 07:00`);
    const r = await env.api('admin', 'POST', `/api/exercises?name=${file}`, yaml, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 201, `uploading ${file}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.id;
  };
  const x = await upload('prep-plan.yaml');
  const child = await upload('prep-child.yaml');
  const who = { dir: ['director'], pa: ['player', ['cht-qs']], pb: ['player', ['ct-ubnd']], ev: ['evaluator'], ob: ['observer'] };
  for (const [user, [kind, roles]] of Object.entries(who)) {
    await apiOk('admin', 'PUT', `/api/exercises/${x}/assignments/${env.uids[user]}`, roles ? { kind, roles } : { kind }, [200]);
    if (!roles) await apiOk('admin', 'PUT', `/api/exercises/${child}/assignments/${env.uids[user]}`, { kind }, [200]);
  }
  const ex = await apiOk('dir', 'GET', `/api/exercises/${x}`);
  assert.equal(ex.n_date, nDay, 'the preparation plan fixes day N');
  assert.deepEqual((ex.children || []).map((c) => c.id), [child], 'the child exercise belongs to it');
  prep = { x, child, code: ex.code, name: ex.name };
  return prep;
}

// The readiness board's overall counters as numbers.
async function boardCounts(page) {
  const out = {};
  for (const el of await page.locator('[data-testid=readiness-overall] [data-value]').all()) {
    out[(await el.getAttribute('data-testid')).replace(/^count-/, '')] = +(await el.getAttribute('data-value'));
  }
  return out;
}

async function waitCounts(page, ok, timeout = 5000) {
  let c = null;
  await waitUntil(async () => { c = await boardCounts(page); return ok(c); }, timeout, 200);
  return c;
}

// Leave a preparation view and come back (it fetches again), no reload.
async function reopenView(page, x, view) {
  const other = view === 'tasks' ? 'committees' : 'tasks';
  await page.locator(`[data-testid=prep-tab-${other}]`).click();
  await page.locator(`[data-testid=prep][data-view=${other}]`).waitFor();
  await page.locator(`[data-testid=prep-tab-${view}]`).click();
  await page.locator(`[data-testid=prep][data-view=${view}]`).waitFor();
  if (view === 'readiness') await page.locator('[data-testid=readiness-overall]').waitFor();
}

// ------------------------------------------------------- evaluation helpers

// The evaluation tests (q1–q5) use two exercises of their own, uploaded by
// the administrator: the fixture with day N three days ago, under another
// code and a locality of their own (so that no other test's corrective
// actions are carried into them), driven through the API from start to
// end; and a later exercise of the same locality, into which the first
// one's open corrective actions are carried.  dir directs, pa plays
// cht-qs, pb plays ct-ubnd, ev evaluates and ob observes.
const AAR_LOCALITY = 'xã Tân Lập, huyện Kiểm Thử (đánh giá)';
let aarEx = null;
async function aarSetup() {
  if (aarEx) return aarEx;
  const fixture = readFileSync(FIXTURE, 'utf8');
  const upload = async (code, days) => {
    const yaml = fixture.replace(/^(\s*code:) DT-AN-PHU-TEST$/m, `$1 ${code}`)
      .replace(/^(\s*start:) N 07:00$/m, `$1 ${localDate(days)} 07:00`)
      .replace(/^(\s*locality:).*$/m, `$1 ${AAR_LOCALITY}`);
    assert.ok(yaml.includes(code) && yaml.includes(AAR_LOCALITY), 'the fixture was rewritten');
    const r = await env.api('admin', 'POST', `/api/exercises?name=${code}.yaml`, yaml, { 'Content-Type': 'application/yaml' });
    assert.equal(r.status, 201, `uploading ${code}: ${r.status} ${JSON.stringify(r.body)}`);
    const who = { dir: ['director'], pa: ['player', [ROLE_A]], pb: ['player', [ROLE_B]], ev: ['evaluator'], ob: ['observer'] };
    for (const [user, [kind, roles]] of Object.entries(who)) {
      await apiOk('admin', 'PUT', `/api/exercises/${r.body.id}/assignments/${env.uids[user]}`, roles ? { kind, roles } : { kind }, [200]);
    }
    return r.body.id;
  };
  const x = await upload('DT-TAN-LAP-DG', -3);
  const next = await upload('DT-TAN-LAP-DG-2', 30);
  const P = `/api/exercises/${x}`;
  const act = (user, body, expect = [201]) => apiOk(user, 'POST', `${P}/actions`, body, expect);
  const ctl = (op, body = {}) => apiOk('dir', 'POST', `${P}/control/${op}`, body, [200]);
  await ctl('start');
  await ctl('speed', { speed: 60 });
  await ctl('jump', { to: 'N 07:35' });                     // th-01 released at 07:30
  await act('pa', { kind: 'acknowledge', role: ROLE_A, inject: 'th-01' });          // met
  await apiOk('ev', 'POST', `${P}/observations`, { criterion: 'thoi-gian', body: 'bchqs-xa', score: 'Khá',
    strengths: 'Tiếp nhận tình huống nhanh, đúng quy định.' });
  await ctl('jump', { to: 'N 08:10' });                     // th-02 at 08:00; th-01-bc missed at 08:00
  await act('pa', { kind: 'report', role: ROLE_A, inject: 'th-01', text: 'Báo cáo muộn do mất liên lạc.' });  // late
  await act('pb', { kind: 'document', role: ROLE_B, doc_type: 'decision', text: 'Quyết định chuyển xã vào trạng thái có tình huống.' });
  const refused = await env.api('pb', 'POST', `${P}/actions`, { kind: 'transition', role: ROLE_B, machine: 'defense', body: 'xa-an-phu', state: 'wartime' });
  assert.equal(refused.status, 409, `skipping to wartime is refused: ${refused.status} ${JSON.stringify(refused.body)}`);
  await act('pb', { kind: 'transition', role: ROLE_B, machine: 'defense', body: 'xa-an-phu', state: 'situation' });
  await ctl('release', { inject: 'th-04' });
  await act('pb', { kind: 'acknowledge', role: ROLE_B, inject: 'th-04' });
  await apiOk('ev', 'POST', `${P}/observations`, { criterion: 'co-che', body: 'ubnd-xa', score: 'Đạt yêu cầu',
    weaknesses: 'Đề nghị chuyển trạng thái bỏ qua bước, sai trình tự.' });
  await apiOk('ev', 'POST', `${P}/observations`, { criterion: 'lanh-dao', text: 'Đảng ủy lãnh đạo kịp thời.' });
  await ctl('jump', { to: 'N 09:00' });                     // th-03 at 08:30, missed at 08:45
  await ctl('end');
  aarEx = { x, next, P };
  return aarEx;
}

// Screens at 1366×768: no horizontal scrolling, no string keys shown.
const KEYS = /\b[a-z]+(?:_[a-z0-9]+)+\b/g;
async function screenProblems(page, name) {
  const out = [];
  const keys = (await text(page)).match(KEYS);
  if (keys) out.push(`${name}: string keys instead of words: ${[...new Set(keys)].join(', ')}`);
  const [w, vw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  if (w > vw) out.push(`${name}: the page is ${w} px wide in a ${vw} px window`);
  return out;
}

// Exercise time as the plan writes it: 30600000 → "N 08:30", with seconds when any.
function fmtT(ms) {
  const d = Math.floor(ms / DAY);
  const r = ms - d * DAY;
  const p2 = (n) => String(n).padStart(2, '0');
  const sec = Math.floor((r % 60000) / 1000);
  return `N${d ? (d > 0 ? '+' : '') + d : ''} ${p2(Math.floor(r / 3600000))}:${p2(Math.floor((r % 3600000) / 60000))}${sec ? ':' + p2(sec) : ''}`;
}

async function dataValue(page, selector) {
  return page.locator(selector).first().getAttribute('data-value');
}

const rgb = (s) => (s.match(/\d+/g) || []).map(Number);
const greenish = (s) => { const [r, g, b] = rgb(s); return g > r && g > b; };
const reddish = (s) => { const [r, g, b] = rgb(s); return r > g && r > b; };

// --------------------------------------------------------------- the suite

const missing = requirements();
if (missing.length) {
  test('browser test requirements', () => {
    assert.fail('cannot run the browser tests:\n  ' + missing.join('\n  '));
  });
} else {
  describe('kvpt web front', { timeout: 560000 }, () => {
    before(async () => { env = await setup(KVPT); });
    after(async () => {
      if (!env) return;
      await env.close();
      console.log(`# screenshots in ${SHOTS}`);
    });

    // a -----------------------------------------------------------------
    test('a. every assignment logs in and sees the exercise with its assignment; a wrong password is refused', { timeout: 90000 }, async () => {
      const expect = {
        dir: ['Đạo diễn', [], 'director'],
        pa: ['Vai tập', [ROLE_A], 'player'],
        pb: ['Vai tập', [ROLE_B], 'player'],
        ev: ['Đánh giá', [], 'evaluator'],
        ob: ['Quan sát', [], 'dashboard'],
      };
      for (const [user, [kind, roles, home]] of Object.entries(expect)) {
        const p = await env.open(user);
        try {
          await env.login(p.page, user);
          await waitFor(p.page, '[data-testid=exercise-list]', 10000, `${user}: the exercise list`);
          const card = p.page.locator('[data-testid=exercise-list] li', { hasText: CODE });
          assert.equal(await card.count(), 1, `${user}: one card of ${CODE} in the list`);
          const a = (await card.locator('[data-testid=assignment]').innerText()).trim();
          assert.ok(a.includes(kind), `${user}: assignment "${a}" names the kind "${kind}"`);
          for (const r of roles) assert.ok(a.includes(r), `${user}: assignment "${a}" names role ${r}`);
          const href = await card.locator('a').first().getAttribute('href');
          assert.equal(href, `#/x/${X}/${home}`, `${user}: the card opens the home screen`);
          noErrors(p);
        } finally {
          await env.closePages(p);
        }
      }
      // a wrong password: an alert, no session
      const p = await env.open('wrong-password', { allow: [401] });
      try {
        await env.login(p.page, 'pb', 'not-the-password-1');
        await waitFor(p.page, '[role=alert]', 10000, 'wrong password: an alert');
        const msg = await p.page.locator('[role=alert]').innerText();
        assert.match(msg, /Sai tên đăng nhập hoặc mật khẩu/, 'the alert says why');
        assert.equal(await p.page.locator('[data-testid=exercise-list]').count(), 0,
                     'no exercise list without a session');
        assert.equal(await p.page.locator('input[name=password]').count(), 1, 'still the login form');
        noErrors(p);
      } finally {
        await env.closePages(p);
      }
    });

    // b -----------------------------------------------------------------
    test('b. the director starts the exercise and releases th-01 from the console; the player sees it within 1 s, answers, and the console shows the answer and the met expectation', { timeout: 90000 }, async () => {
      const d = await env.open('dir');
      const pa = await env.open('pa');
      try {
        assert.equal(await exerciseStatus(), 'ready', 'the exercise has not started yet (nothing before b starts it)');
        await env.enter(d.page, 'dir', `#/x/${X}/director`);
        await env.enter(pa.page, 'pa', `#/x/${X}/player`);
        await liveConnection(pa.page);

        // start from the console
        await waitFor(d.page, '[data-testid=ctl-start]', 10000, 'the console has a start button');
        await d.page.locator('[data-testid=ctl-start]').click();
        const started = await waitUntil(async () => (await exerciseStatus()) === 'running', 5000);
        assert.ok(started, `the start button started the exercise (status ${await exerciseStatus()})`);

        // release th-01 from its row
        await waitFor(d.page, sel.injectRow('th-01'), 10000, 'the console lists th-01',
                      [['[data-testid=inject-row]', ['data-inject']]]);
        const btn = d.page.locator(`${sel.injectRow('th-01')} [data-testid=inject-release]`);
        await waitFor(d.page, `${sel.injectRow('th-01')} [data-testid=inject-release]`, 5000,
                      'th-01 has a release button');
        const [resp] = await Promise.all([
          d.page.waitForResponse((r) => r.url().includes(`/control/release`), { timeout: 10000 }),
          btn.click(),
        ]);
        assert.equal(resp.status(), 200, `release answered ${resp.status()} ${await resp.text()}`);
        const t0 = Date.now();

        // the player: within one second, with an alert
        const item = pa.page.locator(sel.inboxItem('th-01'));
        let delay = null;
        try {
          await item.first().waitFor({ timeout: 1000 });
          delay = Date.now() - t0;
        } catch (e) {
          try {
            await item.first().waitFor({ timeout: 9000 });
            delay = Date.now() - t0;
          } catch (e2) { /* never */ }
          assert.fail(delay === null
            ? `th-01 never reached the player's inbox (10 s); ${await describeAll(pa.page, '[data-testid=inbox-item]', ['data-inject'])}`
            : `th-01 reached the player's inbox after ${delay} ms, not within 1000 ms`);
        }
        console.log(`# th-01 in the player's inbox ${delay} ms after the release`);
        await waitFor(pa.page, '[data-testid=new-inject-alert]', 2000, 'the player is alerted to the new inject');

        // the player answers with a report
        await item.first().click();
        const form = pa.page.locator('[data-testid=answer-form]');
        await waitFor(pa.page, '[data-testid=answer-form]', 5000, 'opening th-01 shows the answer form');
        await form.locator('select[name=kind]').selectOption('report');
        await form.locator('textarea[name=text]').fill(
          'Ban CHQS xã báo cáo: đã cử tổ dân quân theo dõi UAV tại điểm cao 75.');
        const [ans] = await Promise.all([
          pa.page.waitForResponse((r) => r.url().endsWith(`/api/exercises/${X}/actions`), { timeout: 10000 }),
          form.locator('[data-testid=answer-submit]').click(),
        ]);
        assert.equal(ans.status(), 201, `the answer was refused: ${ans.status()} ${await ans.text()}`);
        const sent = JSON.parse(ans.request().postData() || '{}');
        assert.equal(sent.kind, 'report', 'the answer is a report');
        assert.equal(sent.inject, 'th-01', 'the answer is about th-01');
        assert.equal(sent.role, ROLE_A, 'the answer is in the role of the player');

        // the console: the answer in the feed, the report expectation met
        await waitFor(d.page, '[data-testid=feed-item][data-type=action]', 5000,
                      'the console feed shows the answer',
                      [['[data-testid=feed-item]', ['data-type']]]);
        const exp = await expectationOf('th-01-bc');
        assert.equal(exp && exp.status, 'met', `the server counts th-01-bc met (${JSON.stringify(exp)})`);
        await waitFor(d.page, '[data-testid=expectation][data-status=met]', 5000,
                      'the console shows a met expectation',
                      [['[data-testid=expectation]', ['data-status', 'data-expectation', 'data-inject']]]);
        const met = await d.page.locator('[data-testid=expectation][data-status=met]').all();
        let th01 = false;
        for (const m of met) {
          const id = await m.getAttribute('data-expectation') || await m.getAttribute('data-id');
          const inj = await m.getAttribute('data-inject');
          const s = await m.innerText();
          if (id === 'th-01-bc' || inj === 'th-01' || s.includes('th-01') || s.includes('Phát hiện UAV lạ')) th01 = true;
        }
        assert.ok(th01, 'a met expectation is th-01\'s (data-expectation=th-01-bc, data-inject=th-01 or its text): ' +
                  await describeAll(d.page, '[data-testid=expectation][data-status=met]', ['data-expectation', 'data-inject']));
        assert.equal(await pageLoads(pa.page), 1, 'the player page was not reloaded');
        assert.equal(await pageLoads(d.page), 1, 'the console was not reloaded');
        noErrors(d, pa);
      } finally {
        await env.closePages(d, pa);
      }
    });

    // c -----------------------------------------------------------------
    test('c. the evaluator records an observation; it is in the evaluator\'s list and hidden from the player', { timeout: 60000 }, async () => {
      const note = 'Nhận xét kiểm thử 7391: Ban CHQS phối hợp chặt chẽ với UBND xã';
      const ev = await env.open('ev');
      const pa = await env.open('pa');
      try {
        await env.enter(ev.page, 'ev', `#/x/${X}/evaluator`);
        await waitFor(ev.page, '[data-testid=observation-form]', 10000, 'the evaluator has an observation form');
        const form = ev.page.locator('[data-testid=observation-form]');
        await form.locator('select[name=criterion]').selectOption('co-che');
        await form.locator('textarea[name=text]').fill(note);
        const [resp] = await Promise.all([
          ev.page.waitForResponse((r) => r.url().endsWith(`/api/exercises/${X}/observations`) &&
                                  r.request().method() === 'POST', { timeout: 10000 }),
          form.locator('[data-testid=observation-submit]').click(),
        ]);
        assert.equal(resp.status(), 201, `the observation was refused: ${resp.status()} ${await resp.text()}`);
        assert.equal(JSON.parse(resp.request().postData() || '{}').criterion, 'co-che', 'sent with its criterion');
        await waitFor(ev.page, `[data-testid=observation]:has-text("${note}")`, 5000,
                      'the observation is in the evaluator\'s list',
                      [['[data-testid=observation]', []]]);

        const obs = await apiOk('ev', 'GET', `/api/exercises/${X}/observations`);
        assert.ok(obs.some((o) => o.text === note), 'the server kept the observation');
        const denied = await env.api('pa', 'GET', `/api/exercises/${X}/observations`);
        assert.equal(denied.status, 403, `GET observations as the player: ${denied.status}`);

        await env.enter(pa.page, 'pa', `#/x/${X}/player`);
        await liveConnection(pa.page);
        await sleep(1500);
        const body = await text(pa.page);
        assert.ok(!body.includes('7391') && !body.includes(note), 'the observation is not on the player\'s page');
        assert.equal(await pa.page.locator('[data-testid=observation]').count(), 0, 'no observation element on the player\'s page');
        const feedTypes = await pa.page.evaluate(() => (window.kvptLive ? window.kvptLive.events : []).map((e) => e.type));
        assert.ok(!feedTypes.includes('observation'), `the player's live feed has no observation (${feedTypes.join(', ')})`);
        noErrors(ev, pa);
      } finally {
        await env.closePages(ev, pa);
      }
    });

    // d -----------------------------------------------------------------
    test('d. a player cannot reach the console (nor the evaluator\'s or the dashboard) by URL', { timeout: 60000 }, async () => {
      const pa = await env.open('pa');
      const ob = await env.open('ob');
      try {
        await env.enter(pa.page, 'pa', `#/x/${X}/director`);
        await waitFor(pa.page, '[data-testid=forbidden]', 10000, 'the player at #/x/1/director is refused');
        const controls = await pa.page.locator('[data-testid^="ctl-"], [data-testid=inject-release], [data-testid=inject-row], [data-testid=feed-item]').count();
        assert.equal(controls, 0, 'no director controls for the player');
        assert.equal(await pa.page.locator(`a[href="#/x/${X}/director"]`).count(), 0, 'no console tab for the player');
        for (const s of ['evaluator', 'dashboard']) {
          await env.goto(pa.page, `#/x/${X}/${s}`);
          await waitFor(pa.page, '[data-testid=forbidden]', 5000, `the player at #/x/1/${s} is refused`);
          assert.equal(await pa.page.locator('[data-testid=observation-form], [data-testid=dashboard]').count(), 0,
                       `nothing of ${s} for the player`);
        }
        // and the server refuses the player as well
        const r = await env.api('pa', 'POST', `/api/exercises/${X}/control/pause`, {});
        assert.equal(r.status, 403, `control as the player: ${r.status}`);

        await env.enter(ob.page, 'ob', `#/x/${X}/director`);
        await waitFor(ob.page, '[data-testid=forbidden]', 10000, 'the observer at #/x/1/director is refused');
        assert.equal(await ob.page.locator('[data-testid^="ctl-"], [data-testid=inject-release]').count(), 0,
                     'no director controls for the observer');
        noErrors(pa, ob);
      } finally {
        await env.closePages(pa, ob);
      }
    });

    // e -----------------------------------------------------------------
    let dash = null;
    const counts = () => dash.page.locator('[data-testid=expectation-counts]').innerText();

    test('e1. the dashboard follows a release without reload', { timeout: 60000 }, async () => {
      await ensureRunning();
      dash = await env.open('ob');
      await env.enter(dash.page, 'ob', `#/x/${X}/dashboard`);
      await waitFor(dash.page, '[data-testid=dashboard]', 10000, 'the observer sees the dashboard');
      await waitFor(dash.page, '[data-testid=expectation-counts]', 10000, 'the dashboard shows expectation counts');
      await liveConnection(dash.page);
      await sleep(500);
      const before = await counts();
      assert.ok(await release('th-05'), 'th-05 was still pending');
      const changed = await waitUntil(async () => (await counts()) !== before, 10000, 200);
      assert.ok(changed, `the counts did not change within 10 s of releasing th-05 (still "${before.replace(/\s+/g, ' ')}"); ` +
                'note: observers do not receive inject.released in their feed, only expectation outcomes');
      assert.equal(await pageLoads(dash.page), 1, 'the dashboard was not reloaded');
      noErrors(dash);
    });

    test('e2. the dashboard follows a player\'s answer without reload', { timeout: 60000 }, async () => {
      try {
        await ensureRunning();
        if (!dash) {
          dash = await env.open('ob');
          await env.enter(dash.page, 'ob', `#/x/${X}/dashboard`);
          await waitFor(dash.page, '[data-testid=expectation-counts]', 10000, 'the dashboard shows expectation counts');
        }
        await release('th-05');
        await liveConnection(dash.page);
        await sleep(1000);
        const before = await counts();
        const r = await apiOk('pa', 'POST', `/api/exercises/${X}/actions`, {
          kind: 'order', role: ROLE_A, inject: 'th-05',
          text: 'Lệnh: trận địa phòng không cơ động sang vị trí dự bị.' });
        assert.equal(r.met, 1, `the order met th-05-ml (${JSON.stringify(r)})`);
        const changed = await waitUntil(async () => (await counts()) !== before, 5000, 100);
        assert.ok(changed, `the counts did not change within 5 s of the answer (still "${before.replace(/\s+/g, ' ')}")`);
        assert.equal(await pageLoads(dash.page), 1, 'the dashboard was not reloaded');
        noErrors(dash);
      } finally {
        if (dash) await env.closePages(dash);
        dash = null;
      }
    });

    // f -----------------------------------------------------------------
    test('f. a dropped connection catches up: th-04 released while the player is offline arrives after reconnect, without reload', { timeout: 60000 }, async () => {
      const pa = await env.open('pa');
      try {
        await ensureRunning();
        const th04 = await injectOf('dir', 'th-04');
        assert.ok(th04 && th04.status !== 'released', `th-04 is not released yet (${JSON.stringify(th04 && th04.status)})`);
        await env.enter(pa.page, 'pa', `#/x/${X}/player`);
        await liveConnection(pa.page);
        await waitFor(pa.page, '[data-testid=inbox-item]', 10000, 'the player\'s inbox shows the injects released so far');
        assert.equal(await pa.page.locator(sel.inboxItem('th-04')).count(), 0, 'th-04 not in the inbox yet');

        const hasDrop = await pa.page.evaluate(() => !!(window.kvptLive && window.kvptLive.drop));
        assert.ok(hasDrop, 'window.kvptLive.drop exists');
        await pa.page.evaluate(() => window.kvptLive.drop(3000));
        await waitFor(pa.page, '[data-testid=connection]:not([data-status=live])', 1000,
                      'the indicator shows the connection down', [['[data-testid=connection]', ['data-status']]]);
        await release('th-04');
        const down = await pa.page.locator('[data-testid=connection]').getAttribute('data-status');
        assert.notEqual(down, 'live', 'still down while th-04 is released');

        await liveConnection(pa.page, 8000);
        await waitFor(pa.page, sel.inboxItem('th-04'), 5000, 'th-04 caught up in the inbox after the reconnect',
                      [['[data-testid=inbox-item]', ['data-inject']]]);
        assert.equal(await pageLoads(pa.page), 1, 'the player page was not reloaded');
        noErrors(pa);
      } finally {
        await env.closePages(pa);
      }
    });

    // g -----------------------------------------------------------------
    test('g. classification: th-03 (Mật) reaches the cleared player of role A, never role B nor an uncleared player of role A; the observer never gets its text', { timeout: 60000 }, async () => {
      const pa = await env.open('pa');
      const pb = await env.open('pb');
      const nc = await env.open('pa-nc');
      const ob = await env.open('ob');
      try {
        await ensureRunning();
        await env.enter(pa.page, 'pa', `#/x/${X}/player`);
        await env.enter(pb.page, 'pb', `#/x/${X}/player`);
        await env.enter(nc.page, 'pa-nc', `#/x/${X}/player`);
        await env.enter(ob.page, 'ob', `#/x/${X}/dashboard`);
        for (const p of [pa, pb, nc, ob]) await liveConnection(p.page);
        await release('th-03');

        await waitFor(pa.page, sel.inboxItem('th-03'), 5000, 'the cleared player of role A gets th-03',
                      [['[data-testid=inbox-item]', ['data-inject']]]);
        await pa.page.locator(sel.inboxItem('th-03')).first().click();
        const shown = await waitUntil(async () => (await text(pa.page)).includes(TH03_TEXT), 5000);
        assert.ok(shown, `opening th-03 shows its text "${TH03_TEXT}"`);

        await sleep(2000);   // time for anything that would arrive
        for (const [p, who] of [[pb, 'pb (role B, uncleared)'], [nc, 'pa-nc (role A, uncleared)']]) {
          const body = await text(p.page);
          assert.ok(!body.includes('Bãi Lở') && !body.includes(TH03_TITLE),
                    `${who}: th-03's text or title is not on the page`);
          assert.equal(await p.page.locator(sel.inboxItem('th-03')).count(), 0, `${who}: th-03 not in the inbox`);
          const feed = await p.page.evaluate(() => JSON.stringify(window.kvptLive ? window.kvptLive.events : []));
          assert.ok(!feed.includes('th-03') && !feed.includes('Bãi Lở'), `${who}: nothing of th-03 in the live feed`);
          const user = p === pb ? 'pb' : 'pa-nc';
          const inj = await injectOf(user, 'th-03');
          assert.equal(inj, undefined, `${who}: the server does not give th-03`);
        }
        // the observer (cleared, but no role) learns at most that it was
        // released, never what it says
        const obFeed = await ob.page.evaluate(() => JSON.stringify(window.kvptLive ? window.kvptLive.events : []));
        assert.ok(!obFeed.includes('Bãi Lở') && !(await text(ob.page)).includes('Bãi Lở'),
                  'the observer gets no text of th-03');
        noErrors(pa, pb, nc, ob);
      } finally {
        await env.closePages(pa, pb, nc, ob);
      }
    });

    // h -----------------------------------------------------------------
    test('h. Vietnamese by default; the language switch turns the login page and the list to English and back', { timeout: 60000 }, async () => {
      const p = await env.open('lang');
      const lang = () => p.page.evaluate(() => document.documentElement.lang);
      try {
        await env.goto(p.page, '');
        await waitFor(p.page, 'input[name=user]', 10000, 'the login form');
        assert.equal(await lang(), 'vi', 'html lang="vi" by default');
        assert.match(await p.page.locator('button[type=submit]').innerText(), /Đăng nhập/);
        assert.match(await text(p.page), /Tên đăng nhập/);
        assert.match(await text(p.page), /Mật khẩu/);

        await p.page.locator('[data-testid=lang]').first().click();
        assert.equal(await lang(), 'en', 'html lang="en" after the switch');
        assert.match(await p.page.locator('button[type=submit]').innerText(), /Log in/);
        assert.match(await text(p.page), /User name/);
        assert.doesNotMatch(await text(p.page), /Tên đăng nhập|Mật khẩu/, 'no Vietnamese left on the English login page');
        await env.screenshot(p.page, 'login-en');

        await p.page.locator('[data-testid=lang]').first().click();
        assert.equal(await lang(), 'vi', 'back to Vietnamese');
        assert.match(await p.page.locator('button[type=submit]').innerText(), /Đăng nhập/);

        await env.login(p.page, 'ob');
        await waitFor(p.page, '[data-testid=exercise-list]', 10000, 'the list');
        assert.match(await text(p.page), /Các cuộc diễn tập của tôi/);
        await p.page.locator('[data-testid=lang]').first().click();
        assert.equal(await lang(), 'en');
        assert.match(await text(p.page), /My exercises/);
        assert.doesNotMatch(await text(p.page), /Các cuộc diễn tập của tôi/);
        await env.screenshot(p.page, 'list-en');
        await p.page.locator('[data-testid=lang]').first().click();
        assert.equal(await lang(), 'vi');
        assert.match(await text(p.page), /Các cuộc diễn tập của tôi/);
        // the choice is remembered across a reload
        await p.page.locator('[data-testid=lang]').first().click();
        await p.page.reload();
        await waitFor(p.page, '[data-testid=exercise-list]', 10000, 'the list after reload');
        assert.equal(await lang(), 'en', 'English kept after a reload');
        await p.page.locator('[data-testid=lang]').first().click();
        assert.equal(await lang(), 'vi');
        noErrors(p);
      } finally {
        await env.closePages(p);
      }
    });

    // i -----------------------------------------------------------------
    test('i. screenshots of every screen at 1366×768 and the dashboard on a 1920×1080 wall screen', { timeout: 120000 }, async () => {
      await ensureRunning();
      await release('th-01');
      const problems = [];
      // Wait until the screen has rendered (its own mark, no spinner left),
      // then take the viewport and the whole page.
      const shoot = async (p, name, ready) => {
        try {
          await p.page.locator(ready).first().waitFor({ timeout: 10000 });
        } catch (e) {
          problems.push(`${name}: ${ready} did not appear`);
        }
        await waitUntil(async () => (await p.page.locator('[aria-busy=true]').count()) === 0, 5000);
        await sleep(700);   // maps, timelines and fonts settle
        await env.screenshot(p.page, name);
        await env.screenshot(p.page, name + '-full', { fullPage: true });
        await untranslated(p, name);
        // nothing wider than the screen (no horizontal scrolling)
        const [w, vw] = await p.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        if (w > vw) problems.push(`${name}: the page is ${w} px wide in a ${vw} px window (horizontal scrolling)`);
      };
      // A string table key shown instead of its words (tr() falls back to
      // the key): snake_case words in the visible text, in either language.
      const KEY = /\b[a-z]+(?:_[a-z0-9]+)+\b/g;
      const untranslated = async (p, name) => {
        const keys = (await text(p.page)).match(KEY);
        if (keys) problems.push(`${name}: string keys instead of words: ${[...new Set(keys)].join(', ')}`);
      };
      const english = async (p, name) => {
        await p.page.locator('[data-testid=lang]').first().click();
        await sleep(500);
        await env.screenshot(p.page, name + '-en');
        await untranslated(p, name + '-en');
        await p.page.locator('[data-testid=lang]').first().click();
      };
      const opened = [];
      try {
        const anon = await env.open('login'); opened.push(anon);
        await env.goto(anon.page, '');
        await shoot(anon, 'login', 'input[name=user]');

        const dir = await env.open('dir'); opened.push(dir);
        await env.enter(dir.page, 'dir');
        await shoot(dir, 'list', '[data-testid=exercise-list] li');
        await env.goto(dir.page, `#/x/${X}`);
        await shoot(dir, 'overview', '[data-testid=timeline] .vis-item');
        await english(dir, 'overview');
        await env.goto(dir.page, `#/x/${X}/director`);
        await shoot(dir, 'director', '[data-testid=inject-row]');
        await english(dir, 'director');

        const pa = await env.open('pa'); opened.push(pa);
        await env.enter(pa.page, 'pa', `#/x/${X}/player`);
        await shoot(pa, 'player', '[data-testid=inbox-item]');
        await pa.page.locator('[data-testid=inbox-item]').first().click().catch(() => {});
        await shoot(pa, 'player-open', '[data-testid=answer-form]');
        await english(pa, 'player');
        await env.goto(pa.page, `#/x/${X}/director`);
        await shoot(pa, 'forbidden', '[data-testid=forbidden]');

        const ev = await env.open('ev'); opened.push(ev);
        await env.enter(ev.page, 'ev', `#/x/${X}/evaluator`);
        await shoot(ev, 'evaluator', '[data-testid=observation-form]');
        await english(ev, 'evaluator');

        const ob = await env.open('ob'); opened.push(ob);
        await env.enter(ob.page, 'ob', `#/x/${X}/dashboard`);
        await shoot(ob, 'dashboard', '[data-testid=dashboard]');
        await english(ob, 'dashboard');

        const wall = await env.open('ob-wall', { viewport: { width: 1920, height: 1080 } }); opened.push(wall);
        await env.enter(wall.page, 'ob', `#/x/${X}/dashboard`);
        await shoot(wall, 'dashboard-wall-1920', '[data-testid=dashboard]');

        assert.deepEqual(problems, [], 'screens not ready or not right:\n' + problems.join('\n'));
        noErrors(...opened);
      } finally {
        await env.closePages(...opened);
      }
    });

    // p -----------------------------------------------------------------
    // Preparation (docs/api.md "Preparation"), on an exercise of its own:
    // tests/web/prep-plan.yaml with day N = today + 30 (committees,
    // documents with deadlines, a role without a person) and its child
    // tests/web/prep-child.yaml, uploaded by the administrator.  pa plays
    // cht-qs (Ban CHQS xã, owner of kh-dien-tap), pb plays ct-ubnd (UBND xã).

    test('p1. tasks: the director assigns a task to a body, overdue from the start; the body\'s player finds it in their list, comments with a file and marks it done; the readiness board counts follow', { timeout: 120000 }, async () => {
      const P = await prepSetup();
      const d = await env.open('dir');
      const pb = await env.open('pb');
      const ob = await env.open('ob');
      const title = 'Rà soát phương án bảo đảm hậu cần 4821';
      try {
        // the board before
        await env.enter(ob.page, 'ob', `#/x/${P.x}/prep/readiness`);
        await waitFor(ob.page, '[data-testid=readiness] [data-testid=count-tasks_overdue]', 10000, 'the observer sees the readiness board');
        const before = await boardCounts(ob.page);

        await env.enter(d.page, 'dir', `#/x/${P.x}/prep/tasks`);
        await waitFor(d.page, '[data-testid=prep-tasks]', 10000, 'the director sees the task list');
        await d.page.locator('[data-testid=task-new]').click();
        const f = d.page.locator('[data-testid=task-form]');
        await f.locator('input[name=title]').fill(title);
        await f.locator('textarea[name=description]').fill('Rà soát lương thực, xăng dầu, phương tiện vận chuyển; báo cáo Ban Tổ chức.');
        await f.locator('select[name=assignee]').selectOption('b:ubnd-xa');
        await f.locator('input[name=due]').fill(localDate(-3));
        const [resp] = await Promise.all([
          d.page.waitForResponse((r) => r.url().endsWith(`/api/exercises/${P.x}/tasks`) && r.request().method() === 'POST'),
          f.locator('[data-testid=task-submit]').click(),
        ]);
        assert.equal(resp.status(), 201, `creating the task: ${resp.status()} ${await resp.text()}`);
        const task = await resp.json();
        assert.equal(task.assignee.id, 'ubnd-xa', 'assigned to the UBND');
        assert.equal(task.overdue, true, 'a task due three days ago is overdue');
        const row = `[data-testid=task-row][data-task="${task.id}"]`;
        await waitFor(d.page, row, 5000, 'the new task is in the director\'s list', [['[data-testid=task-row]', ['data-task']]]);
        assert.equal(await d.page.locator(row).getAttribute('data-overdue'), '1', 'the row is marked overdue');
        const overdue = await d.page.locator(`${row} [data-testid=overdue]`).innerText();
        assert.match(overdue, /Quá hạn 3 ngày/, `the row says how late it is: "${overdue}"`);
        await env.screenshot(d.page, 'prep-tasks-overdue');

        // the board: one more overdue task
        await reopenView(ob.page, P.x, 'readiness');
        let after = await waitCounts(ob.page, (c) => c.tasks_overdue === before.tasks_overdue + 1);
        assert.equal(after.tasks_overdue, before.tasks_overdue + 1, `one more overdue task on the board (${JSON.stringify(before)} → ${JSON.stringify(after)})`);
        assert.equal(after.tasks_open, before.tasks_open + 1, 'one more open task on the board');

        // the player of the UBND lands on their own list
        await env.enter(pb.page, 'pb', `#/x/${P.x}/prep`);
        await waitFor(pb.page, row, 10000, 'the UBND player finds the task in their list',
                      [['[data-testid=task-row]', ['data-task']], ['[data-testid=prep]', ['data-view']]]);
        assert.equal(await pb.page.locator('[data-testid=task-filter-mine]').getAttribute('aria-pressed'), 'true',
                     'the player\'s list is "mine"');
        assert.equal(await pb.page.locator('[data-testid=task-new]').count(), 0, 'a player cannot assign tasks');
        assert.equal(await pb.page.locator('[data-testid=prep-tab-readiness], [data-testid=prep-tab-import], [data-testid=prep-tab-rehearsals]').count(), 0,
                     'no readiness board, rehearsals or import for a player');
        await pb.page.locator(`${row} a`).first().click();
        await waitFor(pb.page, `[data-testid=task-detail][data-task="${task.id}"]`, 5000, 'the player opens the task');
        assert.equal(await pb.page.locator('[data-testid=task-edit], [data-testid=task-status-cancelled]').count(), 0,
                     'the player may not edit or cancel the task');

        // a comment with a file
        const cf = pb.page.locator('[data-testid=comment-form]');
        await cf.locator('textarea[name=comment]').fill('Đã rà soát xong lương thực, còn thiếu 2 xe vận tải.');
        await cf.locator('input[type=file]').setInputFiles({ name: 'bao-cao-ra-soat.txt', mimeType: 'text/plain',
                                                             buffer: Buffer.from('Báo cáo rà soát hậu cần xã Bình Minh\n') });
        const [cr] = await Promise.all([
          pb.page.waitForResponse((r) => /\/tasks\/\d+\/comments$/.test(r.url())),
          cf.locator('[data-testid=comment-submit]').click(),
        ]);
        assert.equal(cr.status(), 201, `the comment: ${cr.status()} ${await cr.text()}`);
        assert.equal((JSON.parse(cr.request().postData() || '{}').attachments || []).length, 1, 'the comment carries the uploaded file');
        await waitFor(pb.page, '[data-testid=task-comment]:has-text("còn thiếu 2 xe")', 5000, 'the comment is shown');
        assert.equal(await pb.page.locator('[data-testid=task-comment] a:has-text("bao-cao-ra-soat.txt")').count(), 1,
                     'the comment links its file');

        // done
        const [pr] = await Promise.all([
          pb.page.waitForResponse((r) => r.url().endsWith(`/tasks/${task.id}`) && r.request().method() === 'PATCH'),
          pb.page.locator('[data-testid=task-status-done]').click(),
        ]);
        assert.equal(pr.status(), 200, `marking done: ${pr.status()} ${await pr.text()}`);
        assert.deepEqual(JSON.parse(pr.request().postData() || '{}'), { status: 'done' }, 'a player sends the status only');
        await waitFor(pb.page, `[data-testid=task-row][data-task="${task.id}"][data-status=done]`, 5000, 'the list shows it done');
        assert.equal(await pb.page.locator(`${row}`).getAttribute('data-overdue'), '0', 'a done task is no longer overdue');
        await env.screenshot(pb.page, 'prep-tasks-player');

        await reopenView(ob.page, P.x, 'readiness');
        after = await waitCounts(ob.page, (c) => c.tasks_overdue === before.tasks_overdue);
        assert.equal(after.tasks_overdue, before.tasks_overdue, 'the board no longer counts it overdue');
        assert.equal(after.tasks_open, before.tasks_open, 'nor open');
        noErrors(d, pb, ob);
      } finally {
        await env.closePages(d, pb, ob);
      }
    });

    test('p2. a document through its workflow: the owner body\'s player writes versions 1 and 2 (the diff shows added and removed lines), the director appraises and approves, the player issues; each sees only the steps they may take', { timeout: 120000 }, async () => {
      const P = await prepSetup();
      const d = await env.open('dir');
      const pa = await env.open('pa');
      const ob = await env.open('ob');
      const doc = 'kh-dien-tap';
      const V1 = 'KẾ HOẠCH DIỄN TẬP\nI. MỤC ĐÍCH, YÊU CẦU\n1. Nâng cao năng lực lãnh đạo, chỉ đạo.\n2. Yêu cầu: đúng quy trình.\nII. NỘI DUNG\n1. Chuyển trạng thái.\n2. Chuẩn bị chiến đấu phòng thủ.';
      const V2 = V1.replace('2. Yêu cầu: đúng quy trình.', '2. Yêu cầu: đúng quy trình, an toàn tuyệt đối.')
        + '\nIII. TỔ CHỨC THỰC HIỆN\n1. Ban CHQS xã chủ trì, phối hợp Công an xã.';
      const wfButtons = async (page) => (await page.locator('[data-testid^=wf-]:not([data-testid=wf-none])').evaluateAll(
        (els) => els.map((e) => e.getAttribute('data-testid')))).filter((t) => t !== 'wf-return-confirm').sort();
      try {
        await env.enter(ob.page, 'ob', `#/x/${P.x}/prep/readiness`);
        await waitFor(ob.page, '[data-testid=count-documents_pending]', 10000, 'the board');
        const before = await boardCounts(ob.page);

        await env.enter(pa.page, 'pa', `#/x/${P.x}/prep/docs`);
        await waitFor(pa.page, `[data-testid=doc-row][data-doc=${doc}]`, 10000, 'the player lists the document of their body');
        await pa.page.locator(`[data-testid=doc-row][data-doc=${doc}] a`).click();
        await waitFor(pa.page, '[data-testid=version-form]', 5000, 'the owner body\'s player may add a version');
        assert.deepEqual(await wfButtons(pa.page), [], 'no workflow step for the player of a draft');
        const vf = pa.page.locator('[data-testid=version-form]');
        for (const [text, note] of [[V1, 'Bản dự thảo lần 1'], [V2, 'Sửa theo góp ý của Tiểu ban Nội dung']]) {
          await vf.locator('textarea[name=text]').fill(text);
          await vf.locator('input[name=note]').fill(note);
          const [vr] = await Promise.all([
            pa.page.waitForResponse((r) => r.url().endsWith(`/documents/${doc}/versions`) && r.request().method() === 'POST'),
            vf.locator('[data-testid=version-submit]').click(),
          ]);
          assert.equal(vr.status(), 201, `the version: ${vr.status()} ${await vr.text()}`);
        }
        await waitFor(pa.page, '[data-testid=version-row][data-n="2"]', 5000, 'version 2 is listed');
        // after version 2 the page compares it with version 1
        await waitFor(pa.page, '[data-testid=diff-line][data-op="+"]', 5000, 'the diff shows added lines',
                      [['[data-testid=diff-view]', []]]);
        const added = await pa.page.locator('[data-testid=diff-line][data-op="+"]').allInnerTexts();
        const removed = await pa.page.locator('[data-testid=diff-line][data-op="-"]').allInnerTexts();
        assert.ok(added.some((s) => s.includes('an toàn tuyệt đối')), `an added line: ${JSON.stringify(added)}`);
        assert.ok(added.some((s) => s.includes('TỔ CHỨC THỰC HIỆN')), 'the new section is added');
        assert.ok(removed.some((s) => s.includes('2. Yêu cầu: đúng quy trình.')), `a removed line: ${JSON.stringify(removed)}`);
        const addBg = await pa.page.locator('tr[data-testid=diff-line][data-op="+"]').first().evaluate((e) => getComputedStyle(e).backgroundColor);
        const delBg = await pa.page.locator('tr[data-testid=diff-line][data-op="-"]').first().evaluate((e) => getComputedStyle(e).backgroundColor);
        assert.ok(greenish(addBg) && reddish(delBg), `added green, removed red (${addBg}, ${delBg})`);
        await env.screenshot(pa.page, 'prep-doc-diff');
        await pa.page.locator('[data-testid=diff-mode-side]').click();
        await waitFor(pa.page, 'table.diff.side [data-testid=diff-line]', 5000, 'the side-by-side view');
        await env.screenshot(pa.page, 'prep-doc-diff-side');

        // the director: appraise, approve
        await env.enter(d.page, 'dir', `#/x/${P.x}/prep/docs/${doc}`);
        await waitFor(d.page, '[data-testid=wf-appraise]', 10000, 'the director may appraise a draft with a version');
        assert.deepEqual(await wfButtons(d.page), ['wf-appraise'], 'only appraise for the director at draft');
        for (const [step, next, status] of [['appraise', ['wf-approve', 'wf-return'], 'appraised'], ['approve', ['wf-issue', 'wf-return'], 'approved']]) {
          const [wr] = await Promise.all([
            d.page.waitForResponse((r) => r.url().endsWith(`/documents/${doc}/workflow`)),
            d.page.locator(`[data-testid=wf-${step}]`).click(),
          ]);
          assert.equal(wr.status(), 200, `${step}: ${wr.status()} ${await wr.text()}`);
          await waitFor(d.page, `[data-testid=doc-page][data-status=${status}]`, 5000, `the document is ${status}`);
          assert.deepEqual(await wfButtons(d.page), next, `the director's steps once ${status}`);
        }
        assert.equal(await d.page.locator('[data-testid=history-row]').count(), 4, 'two versions and two steps in the history');

        // the player: only issue
        await pa.page.reload();
        await waitFor(pa.page, '[data-testid=wf-issue]', 10000, 'the owner body\'s player may issue an approved document');
        assert.deepEqual(await wfButtons(pa.page), ['wf-issue'], 'the player sees the issue step only');
        assert.equal(await pa.page.locator('[data-testid=version-form]').count(), 0, 'no new version once approved');
        const [ir] = await Promise.all([
          pa.page.waitForResponse((r) => r.url().endsWith(`/documents/${doc}/workflow`)),
          pa.page.locator('[data-testid=wf-issue]').click(),
        ]);
        assert.equal(ir.status(), 200, `issue: ${ir.status()} ${await ir.text()}`);
        await waitFor(pa.page, '[data-testid=doc-page][data-status=issued] [data-testid=doc-stamp][data-status=issued]', 5000,
                      'the stamp says issued');
        assert.match(await pa.page.locator('[data-testid=doc-page] > section [data-testid=doc-stamp]').innerText(), /ĐÃ BAN HÀNH|Đã ban hành/i);
        assert.deepEqual(await wfButtons(pa.page), [], 'nothing left to do');
        await env.screenshot(pa.page, 'prep-doc-issued', { fullPage: true });
        await pa.page.locator('.doc-back').click();
        await waitFor(pa.page, `[data-testid=doc-row][data-doc=${doc}][data-status=issued]`, 5000,
                      'the list stamps it issued', [['[data-testid=doc-row]', ['data-doc', 'data-status']]]);

        await reopenView(ob.page, P.x, 'readiness');
        const after = await waitCounts(ob.page, (c) => c.documents_pending === before.documents_pending - 1);
        assert.equal(after.documents_pending, before.documents_pending - 1, `one document less pending (${before.documents_pending} → ${after.documents_pending})`);
        noErrors(d, pa, ob);
      } finally {
        await env.closePages(d, pa, ob);
      }
    });

    test('p3. a rehearsal round: the director creates it, opens the run (its banner links back), the evaluator records a finding and the director turns it into a task', { timeout: 120000 }, async () => {
      const P = await prepSetup();
      const d = await env.open('dir');
      const ev = await env.open('ev');
      const text = 'UBND xã ra quyết định xử trí chậm 40 phút; chưa phân công rõ lực lượng 5517.';
      try {
        await env.enter(d.page, 'dir', `#/x/${P.x}/prep/rehearsals`);
        await waitFor(d.page, '[data-testid=run-new]', 10000, 'the director may hold a rehearsal');
        await d.page.locator('[data-testid=run-new]').click();
        const rf = d.page.locator('[data-testid=run-form]');
        await rf.locator('select[name=kind]').selectOption('luyen-tap-co-che');
        await rf.locator('input[name=phases][value=gd-1]').check();
        const [rr] = await Promise.all([
          d.page.waitForResponse((r) => r.url().endsWith(`/api/exercises/${P.x}/rehearsals`) && r.request().method() === 'POST'),
          rf.locator('[data-testid=run-submit]').click(),
        ]);
        assert.equal(rr.status(), 201, `the rehearsal: ${rr.status()} ${await rr.text()}`);
        const run = await rr.json();
        assert.deepEqual(JSON.parse(rr.request().postData()), { kind: 'luyen-tap-co-che', phases: ['gd-1'] });
        await waitFor(d.page, `[data-testid=run-row][data-run="${run.id}"]`, 5000, 'the run is listed');
        await env.screenshot(d.page, 'prep-rehearsals');
        await d.page.locator(`[data-testid=run-row][data-run="${run.id}"] [data-testid=run-open]`).click();
        await waitFor(d.page, '[data-testid=rehearsal-banner]', 10000, 'the run has its banner');
        const banner = await d.page.locator('[data-testid=rehearsal-banner]').innerText();
        assert.match(banner, new RegExp(`Luyện tập phần cơ chế lần ${run.round}`), `the banner names the round: "${banner}"`);
        assert.ok(banner.includes(P.name), 'and the exercise');
        assert.match(d.page.url(), new RegExp(`#/x/${run.id}/director$`), 'the run opens in the console');
        await waitFor(d.page, '[data-testid=ctl-start]', 10000, 'the run has its own clock controls');
        await env.screenshot(d.page, 'prep-rehearsal-run');
        await d.page.locator('[data-testid=rehearsal-back]').click();
        await waitFor(d.page, '[data-testid=prep-rehearsals]', 10000, 'the banner leads back to the rehearsals');

        // the evaluator records a finding in that run
        await env.enter(ev.page, 'ev', `#/x/${P.x}/prep/rehearsals`);
        await waitFor(ev.page, '[data-testid=finding-new]', 10000, 'the evaluator may record a finding');
        assert.equal(await ev.page.locator('[data-testid=run-new]').count(), 0, 'only the director creates rehearsals');
        await ev.page.locator('[data-testid=finding-new]').click();
        const ff = ev.page.locator('[data-testid=finding-form]');
        await ff.locator('select[name=run]').selectOption(String(run.id));
        await ff.locator('select[name=severity]').selectOption('high');
        await ff.locator('select[name=body]').selectOption('ubnd-xa');
        await ff.locator('select[name=activity]').selectOption('th-02');
        await ff.locator('textarea[name=text]').fill(text);
        const [fr] = await Promise.all([
          ev.page.waitForResponse((r) => r.url().endsWith(`/api/exercises/${run.id}/findings`) && r.request().method() === 'POST'),
          ff.locator('[data-testid=finding-submit]').click(),
        ]);
        assert.equal(fr.status(), 201, `the finding: ${fr.status()} ${await fr.text()}`);
        const finding = await fr.json();
        await waitFor(ev.page, `[data-testid=finding][data-finding="${finding.id}"]`, 5000, 'the finding is listed');
        assert.equal(await ev.page.locator('[data-testid=finding-make-task]').count(), 0, 'an evaluator does not assign tasks');

        // the director makes it a task
        await d.page.reload();
        const frow = `[data-testid=finding][data-finding="${finding.id}"]`;
        await waitFor(d.page, `${frow} [data-testid=finding-make-task]`, 10000, 'the director may turn the finding into a task');
        await d.page.locator(`${frow} [data-testid=finding-make-task]`).click();
        const tf = d.page.locator('[data-testid=finding-task-form]');
        await tf.locator('select[name=assignee]').selectOption('b:ubnd-xa');
        await tf.locator('input[name=due]').fill('N-7');
        await env.screenshot(d.page, 'prep-findings');
        const [tr2] = await Promise.all([
          d.page.waitForResponse((r) => r.url().endsWith(`/findings/${finding.id}/task`)),
          tf.locator('[data-testid=finding-task-submit]').click(),
        ]);
        assert.equal(tr2.status(), 201, `finding → task: ${tr2.status()} ${await tr2.text()}`);
        const task = await tr2.json();
        assert.equal(task.finding, finding.id, 'the task records its finding');
        await waitFor(d.page, `${frow}[data-status=task] [data-testid=finding-task-link]`, 5000, 'the finding links its task');
        await d.page.locator(`${frow} [data-testid=finding-task-link]`).click();
        await waitFor(d.page, `[data-testid=task-detail][data-task="${task.id}"]`, 10000, 'the link opens the corrective task');
        noErrors(d, ev);
      } finally {
        await env.closePages(d, ev);
      }
    });

    test('p4. importing an inject schedule: the columns are mapped by hand, a bad row shows its error and Import stays disabled; the corrected file imports', { timeout: 90000 }, async () => {
      const P = await prepSetup();
      const d = await env.open('dir', { allow: [400, 422] });
      // "Gửi" is not a header the server recognises for the recipients:
      // the director maps it by hand
      const BAD = 'Mã,Giờ phát,Tiêu đề,Gửi,Nội dung\n' +
        'th-21,N 09:15,Cháy lớn tại chợ Bình Minh,cht-qs,Cháy lớn tại khu vực chợ.\n' +
        'th-22,N 09:45,Mất điện toàn xã,vai-khong-co,Mất điện diện rộng.\n';
      const GOOD = BAD.replace('vai-khong-co', 'ct-ubnd');
      const dryRun = (r) => r.url().includes(`/api/exercises/${P.x}/import/msel?dry_run=1`);
      try {
        await env.enter(d.page, 'dir', `#/x/${P.x}/prep/import`);
        await waitFor(d.page, '[data-testid=prep-import]', 10000, 'the director has the import view');
        const [r1] = await Promise.all([
          d.page.waitForResponse(dryRun),
          d.page.locator('[data-testid=import-file]').setInputFiles({ name: 'lich-phat-tinh-huong.csv', mimeType: 'text/csv', buffer: Buffer.from(BAD) }),
        ]);
        assert.ok([200, 400].includes(r1.status()), `the first dry run: ${r1.status()} ${await r1.text()}`);
        // map the recipients' column (and check the dry run runs again)
        const to = d.page.locator('[data-testid=import-mapping] select[data-field=to]');
        await waitFor(d.page, '[data-testid=import-mapping] select[data-field=to]', 5000, 'the mapping offers the CSV\'s headers');
        const [r2] = await Promise.all([d.page.waitForResponse(dryRun), to.selectOption('Gửi')]);
        assert.equal(r2.status(), 200, `the dry run with the mapping: ${r2.status()} ${await r2.text()}`);
        assert.equal(JSON.parse(r2.request().postData()).mapping.to, 'Gửi', 'the mapping is sent');
        await waitFor(d.page, '[data-testid=import-row]', 5000, 'the preview shows the rows');
        const bad = d.page.locator('[data-testid=import-row][data-row="3"]');
        assert.notEqual(await bad.getAttribute('data-errors'), '0', 'row 3 has an error');
        assert.match(await bad.locator('[data-testid=import-row-error]').first().innerText(), /vai-khong-co/, 'the error names the unknown role');
        assert.equal(await d.page.locator('[data-testid=import-row][data-row="2"]').getAttribute('data-errors'), '0', 'row 2 is fine');
        assert.ok(await d.page.locator('[data-testid=import-submit]').isDisabled(), 'Import is disabled while a row has an error');
        await env.screenshot(d.page, 'prep-import-error');

        // the corrected file (same columns: the mapping stays)
        const [r3] = await Promise.all([
          d.page.waitForResponse(dryRun),
          d.page.locator('[data-testid=import-file]').setInputFiles({ name: 'lich-phat-tinh-huong-sua.csv', mimeType: 'text/csv', buffer: Buffer.from(GOOD) }),
        ]);
        assert.equal(r3.status(), 200, `the dry run of the corrected file: ${r3.status()} ${await r3.text()}`);
        await waitFor(d.page, '[data-testid=import-errors][data-value="0"]', 5000, 'no error in the corrected file',
                      [['[data-testid=import-errors]', ['data-value']]]);
        assert.ok(await d.page.locator('[data-testid=import-submit]').isEnabled(), 'Import is enabled');
        const [ir] = await Promise.all([
          d.page.waitForResponse((r) => r.url().endsWith(`/api/exercises/${P.x}/import/msel`)),
          d.page.locator('[data-testid=import-submit]').click(),
        ]);
        assert.equal(ir.status(), 200, `the import: ${ir.status()} ${await ir.text()}`);
        await waitFor(d.page, '[data-testid=prep-message]', 5000, 'the result is shown');
        await env.screenshot(d.page, 'prep-import-done');
        const injects = await apiOk('dir', 'GET', `/api/exercises/${P.x}/injects`);
        assert.ok(injects.some((i) => i.id === 'th-22'), 'the imported inject is in the exercise');
        noErrors(d);
      } finally {
        await env.closePages(d);
      }
    });

    test('p5. screenshots of the preparation views, the roll-up of a parent and the console of a child sharing its clock; Vietnamese and English, nothing wider than the screen', { timeout: 150000 }, async () => {
      const P = await prepSetup();
      // something in every list when this test runs alone
      if (!(await apiOk('dir', 'GET', `/api/exercises/${P.x}/tasks`)).tasks.length) {
        await apiOk('dir', 'POST', `/api/exercises/${P.x}/tasks`, {
          title: 'Chuẩn bị sở chỉ huy tại trụ sở Đảng ủy xã', assignee_person: 'hoang-van-hai', due: 'N-3 08:00' });
      }
      if (!(await apiOk('dir', 'GET', `/api/exercises/${P.x}/rehearsals`)).length) {
        await apiOk('dir', 'POST', `/api/exercises/${P.x}/rehearsals`, { kind: 'khop-tinh-huong' });
      }
      const problems = [];
      const opened = [];
      const KEY = /\b[a-z]+(?:_[a-z0-9]+)+\b/g;
      const shoot = async (p, name, ready) => {
        try { await p.page.locator(ready).first().waitFor({ timeout: 10000 }); } catch (e) { problems.push(`${name}: ${ready} did not appear`); }
        await waitUntil(async () => (await p.page.locator('[aria-busy=true]').count()) === 0, 5000);
        await sleep(400);
        await env.screenshot(p.page, name);
        const keys = (await text(p.page)).match(KEY);
        if (keys) problems.push(`${name}: string keys instead of words: ${[...new Set(keys)].join(', ')}`);
        const [w, vw] = await p.page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
        if (w > vw) problems.push(`${name}: the page is ${w} px wide in a ${vw} px window`);
      };
      const english = async (p, name, ready) => {
        await p.page.locator('[data-testid=lang]').first().click();
        await shoot(p, name + '-en', ready);
        await p.page.locator('[data-testid=lang]').first().click();
      };
      try {
        const d = await env.open('dir'); opened.push(d);
        await env.enter(d.page, 'dir', `#/x/${P.x}/prep/readiness`);
        await shoot(d, 'prep-readiness', '[data-testid=readiness-body]');
        await english(d, 'prep-readiness', '[data-testid=readiness-body]');
        await env.screenshot(d.page, 'prep-readiness-full', { fullPage: true });
        // the download buttons lead to the spreadsheets and the calendar
        for (const [id, type] of [['dl-readiness', /spreadsheetml/], ['dl-tasks', /spreadsheetml/],
          ['dl-plan', /spreadsheetml/], ['dl-ics', /text\/calendar/]]) {
          const href = await d.page.locator(`[data-testid=${id}]`).getAttribute('href');
          const [st, ct] = await d.page.evaluate(async (u) => {
            const r = await fetch(u);
            await r.arrayBuffer();
            return [r.status, r.headers.get('content-type') || ''];
          }, href);
          assert.equal(st, 200, `${id} ${href}: ${st}`);
          assert.match(ct, type, `${id} ${href}: ${ct}`);
        }
        // printed: A4 landscape, no navigation
        await d.page.emulateMedia({ media: 'print' });
        assert.equal(await d.page.locator('.exbar').isVisible(), false, 'no exercise bar in print');
        assert.equal(await d.page.locator('.subtabs').isVisible(), false, 'no sub-tabs in print');
        assert.ok(await d.page.locator('.rd-print-head').isVisible(), 'the print header');
        assert.match(await d.page.locator('.rd-print-head').innerText(), new RegExp(`${P.code}[\\s\\S]*In lúc`), 'the print header names the exercise and the date');
        await env.screenshot(d.page, 'prep-readiness-print');
        await d.page.emulateMedia({ media: 'screen' });
        for (const [view, ready] of [['tasks', '[data-testid=task-row]'], ['docs', '[data-testid=doc-row]'],
          ['committees', '[data-testid=committee]'], ['rehearsals', '[data-testid=run-row]'], ['import', '[data-testid=prep-import]']]) {
          await env.goto(d.page, `#/x/${P.x}/prep/${view}`);
          await shoot(d, 'prep-' + view, ready);
          if (view === 'tasks' || view === 'committees') await english(d, 'prep-' + view, ready);
        }
        await env.goto(d.page, `#/x/${P.x}/prep/committees`);
        await waitFor(d.page, '[data-testid=committee][data-kind=steering]', 5000, 'the steering committee card');
        assert.match(await d.page.locator('[data-testid=committee][data-kind=steering]').innerText(), /Hoàng Văn Hải/, 'with its head');
        assert.match(await d.page.locator('[data-testid=standing-agency]').innerText(), /Ban Chỉ huy quân sự xã Bình Minh/);
        await env.goto(d.page, `#/x/${P.x}/prep/docs/kh-dien-tap`);
        await shoot(d, 'prep-doc', '[data-testid=doc-page]');

        // the parent's roll-up; the child: its parent line and the shared clock
        await env.goto(d.page, `#/x/${P.x}/rollup`);
        await shoot(d, 'rollup', `[data-testid=rollup-child][data-child="${P.child}"]`);
        await english(d, 'rollup', '[data-testid=rollup-child]');
        assert.match(await d.page.locator('[data-testid=rollup-injects]').first().innerText(), /^\d+\/2$/, 'injects released of 2');
        await env.goto(d.page, `#/x/${P.child}/director`);
        await shoot(d, 'child-director', '[data-testid=shared-clock]');
        assert.match(await d.page.locator('[data-testid=parent-line]').innerText(), /Thuộc/, 'the child says what it belongs to');
        assert.equal(await d.page.locator('[data-testid=parent-link]').getAttribute('href'), `#/x/${P.x}`);
        assert.ok(await d.page.locator('[data-testid=ctl-start]').isDisabled(), 'the child cannot start its own clock');
        assert.match(await d.page.locator('[data-testid=shared-clock]').innerText(), /Đồng hồ do cuộc diễn tập cấp trên điều khiển/);

        const pa = await env.open('pa'); opened.push(pa);
        await env.enter(pa.page, 'pa', `#/x/${P.x}/prep`);
        await shoot(pa, 'prep-player', '[data-testid=prep-tasks]');
        await english(pa, 'prep-player', '[data-testid=prep-tasks]');
        const ob = await env.open('ob'); opened.push(ob);
        await env.enter(ob.page, 'ob', `#/x/${P.x}/rollup`);
        await shoot(ob, 'rollup-observer', '[data-testid=rollup-child]');
        assert.deepEqual(problems, [], 'views not ready or not right:\n' + problems.join('\n'));
        noErrors(...opened);
      } finally {
        await env.closePages(...opened);
      }
    });

    // q -----------------------------------------------------------------
    // Evaluation and the after-action report (docs/api.md "Evaluation and
    // the after-action report"), on an exercise of their own driven from
    // start to end through the API (aarSetup above).

    test('q1. the after-action screen shows the measures the server computed: the overall counters and each body\'s row, the timeline and the response chart', { timeout: 120000 }, async () => {
      const A = await aarSetup();
      const ev = await apiOk('ev', 'GET', `${A.P}/evaluation`);
      const m = ev.measures;
      assert.equal(m.ended, true, 'the measured log ends with the end of the exercise');
      const c = m.overall.counts;
      // what the drive above did, as the server measured it
      assert.deepEqual([c.met, c.late, c.missed, c.open], [4, 1, 1, 0], `met/late/missed/open overall: ${JSON.stringify(c)}`);
      assert.ok(m.overall.refusals >= 1, `the refused transition is counted (${m.overall.refusals})`);
      const p = await env.open('ev');
      const ob = await env.open('ob');
      const problems = [];
      try {
        await env.enter(p.page, 'ev', `#/x/${A.x}/aar`);
        await waitFor(p.page, '[data-testid=aar][data-view=measures] [data-testid=m-met]', 10000, 'the measures view');
        const want = { met: c.met, late: c.late, missed: c.missed, open: c.open, due: c.due,
          refusals: m.overall.refusals, mechanism: m.overall.mechanism_order, violations: m.overall.violations,
          'states-on_time': m.overall.states.on_time, 'states-late': m.overall.states.late,
          'states-not_reached': m.overall.states.not_reached,
          'acts-done': m.overall.activities.started, 'acts-not_done': m.overall.activities.not_done };
        for (const [k, v] of Object.entries(want)) {
          assert.equal(await dataValue(p.page, `[data-testid=m-${k}]`), String(v), `counter ${k}`);
        }
        assert.equal(await dataValue(p.page, '[data-testid=m-median]'), String(m.overall.response.median_ms ?? ''), 'median response');
        assert.equal(await dataValue(p.page, '[data-testid=m-p90]'), String(m.overall.response.p90_ms ?? ''), 'p90 response');
        assert.equal(+(await dataValue(p.page, '[data-testid=m-share]')), c.in_time_share, 'in-time share');
        assert.equal((await p.page.locator('[data-testid=m-share]').innerText()).trim(),
          `${String(Math.round(c.in_time_share * 1000) / 10).replace('.', ',')}%`, 'the share in %, one decimal');
        // one row per measured body, with its counts
        const rows = await p.page.locator('[data-testid=m-body]').evaluateAll((els) => els.map((e) => e.dataset.body));
        assert.deepEqual(rows, m.bodies.map((b) => b.id), 'one row per body of the measures, in their order');
        for (const b of m.bodies) {
          for (const k of ['met', 'late', 'missed', 'open', 'due']) {
            const cell = await p.page.locator(`[data-testid=m-body][data-body="${b.id}"] [data-k=${k}]`).innerText();
            assert.equal(+cell, b.counts[k], `${b.id} ${k}`);
          }
          if (b.verdict && b.verdict.label) {
            assert.match(await p.page.locator(`[data-testid=m-body][data-body="${b.id}"]`).innerText(),
              new RegExp(b.verdict.label), `${b.id}: the proposed verdict`);
          }
        }
        // a body's details: its expectations with their outcome
        await p.page.locator('[data-testid=m-body][data-body=bchqs-xa] button').click();
        await waitFor(p.page, '[data-testid=m-body-detail][data-body=bchqs-xa] [data-expectation]', 5000, 'the body\'s expectations');
        const detail = await p.page.locator('[data-testid=m-body-detail][data-body=bchqs-xa] [data-expectation]')
          .evaluateAll((els) => els.map((e) => `${e.dataset.expectation}:${e.dataset.status}`));
        const mb = m.bodies.find((b) => b.id === 'bchqs-xa');
        assert.deepEqual(detail.sort(), mb.expectations.map((e) => `${e.id}:${e.status}`).sort(), 'the expectations of Ban CHQS xã');
        await sleep(300);
        await env.screenshot(p.page, 'aar-measures');
        await env.screenshot(p.page, 'aar-measures-full', { fullPage: true });
        problems.push(...await screenProblems(p.page, 'aar-measures'));

        // the charts: a timeline row per inject, activity and state; a bar per released expectation
        await p.page.locator('[data-testid=aar-tab-charts]').click();
        await waitFor(p.page, '[data-testid=aar-timeline] .vis-item', 10000, 'the planned-vs-actual timeline');
        const states = m.bodies.reduce((n, b) => n + (b.states || []).length, 0);
        assert.equal(+(await p.page.locator('[data-testid=aar-timeline]').getAttribute('data-rows')),
          m.injects.length + m.activities.length + states, 'one timeline row per inject, activity and state');
        const released = m.injects.flatMap((i) => i.expectations).filter((e) => ['met', 'late', 'missed', 'open'].includes(e.status));
        await waitFor(p.page, '[data-testid=response-row]', 5000, 'the response chart');
        const bars = await p.page.locator('[data-testid=response-row]').evaluateAll((els) => els.map((e) => `${e.dataset.expectation}:${e.dataset.status}`));
        assert.deepEqual(bars.sort(), released.map((e) => `${e.id}:${e.status}`).sort(), 'one bar per released expectation, with its outcome');
        const late = p.page.locator('[data-testid=response-row][data-status=late] rect.resp');
        assert.equal(await late.count(), 1, 'the late answer has its bar');
        assert.ok(reddish(await late.evaluate((e) => getComputedStyle(e).fill)), 'drawn in red');
        await sleep(500);
        await env.screenshot(p.page, 'aar-charts');
        problems.push(...await screenProblems(p.page, 'aar-charts'));
        await p.page.locator('[data-testid=lang]').first().click();
        await sleep(500);
        await env.screenshot(p.page, 'aar-charts-en');
        problems.push(...await screenProblems(p.page, 'aar-charts-en'));
        await p.page.locator('[data-testid=aar-tab-measures]').click();
        await waitFor(p.page, '[data-testid=m-met]', 5000, 'the measures in English');
        assert.match(await text(p.page), /In time/, 'the counters in English');
        await env.screenshot(p.page, 'aar-measures-en');
        problems.push(...await screenProblems(p.page, 'aar-measures-en'));
        await p.page.locator('[data-testid=lang]').first().click();

        // the observer: the same counts, no observations view
        await env.enter(ob.page, 'ob', `#/x/${A.x}/aar`);
        await waitFor(ob.page, '[data-testid=m-met]', 10000, 'the observer sees the measures');
        assert.equal(await dataValue(ob.page, '[data-testid=m-met]'), String(c.met));
        assert.equal(await ob.page.locator('[data-testid=aar-tab-observations]').count(), 0, 'no observations view for the observer');
        assert.deepEqual(problems, [], problems.join('\n'));
        noErrors(p, ob);
      } finally {
        await env.closePages(p, ob);
      }
    });

    test('q2. verdicts: the evaluator confirms the proposed overall verdict, changes a body\'s verdict with a reason, and is told why not without one', { timeout: 90000 }, async () => {
      const A = await aarSetup();
      const before = await apiOk('ev', 'GET', `${A.P}/evaluation`);
      const scale = before.measures.scale;
      const overall = before.verdicts.find((v) => v.body === null);
      assert.ok(overall && overall.proposed && overall.proposed.label, `an overall verdict is proposed: ${JSON.stringify(overall)}`);
      const body = before.verdicts.find((v) => v.body === 'bchqs-xa');
      assert.ok(body, 'Ban CHQS xã has a verdict');
      const other = scale.find((w) => !body.proposed || w !== body.proposed.label);
      const reason = 'Tiếp nhận đúng hạn, chấp hành tốt; báo cáo muộn do mất liên lạc khách quan 5017.';
      const p = await env.open('ev', { allow: [400] });
      try {
        await env.enter(p.page, 'ev', `#/x/${A.x}/aar/verdicts`);
        const card = (b) => p.page.locator(`[data-testid=verdict][data-body="${b}"]`);
        await waitFor(p.page, '[data-testid=verdict][data-body=_overall] [data-testid=verdict-confirm]', 10000, 'the overall verdict can be confirmed');
        assert.ok((await card('_overall').locator('[data-testid=verdict-proposed-reason]').innerText()).includes(overall.proposed.reason),
          'the reason of the proposal is shown');
        const [r1] = await Promise.all([
          p.page.waitForResponse((r) => r.url().endsWith('/verdicts') && r.request().method() === 'POST'),
          card('_overall').locator('[data-testid=verdict-confirm]').click(),
        ]);
        assert.equal(r1.status(), 200, `confirming: ${r1.status()} ${await r1.text()}`);
        assert.deepEqual(JSON.parse(r1.request().postData()), { label: overall.proposed.label }, 'the overall verdict is sent without a body');
        await waitFor(p.page, `[data-testid=verdict][data-body=_overall][data-confirmed="${overall.proposed.label}"]`, 5000, 'the card shows it confirmed');
        assert.match(await card('_overall').locator('[data-testid=verdict-by]').innerText(), /Người dùng ev/, 'who confirmed it');

        // another word without a reason: the server refuses, the card says so
        await card('bchqs-xa').locator('[data-testid=verdict-change]').click();
        await card('bchqs-xa').locator('[data-testid=verdict-label]').selectOption(other);
        const [r2] = await Promise.all([
          p.page.waitForResponse((r) => r.url().endsWith('/verdicts') && r.request().method() === 'POST'),
          card('bchqs-xa').locator('[data-testid=verdict-save]').click(),
        ]);
        assert.equal(r2.status(), 400, `another word without a reason: ${r2.status()}`);
        await waitFor(p.page, '[data-testid=verdict][data-body=bchqs-xa] [data-testid=verdict-error]', 5000, 'the refusal is shown');
        assert.match(await card('bchqs-xa').locator('[data-testid=verdict-error]').innerText(), /từ chối.*lý do/i, 'it says a reason is needed');
        assert.equal(await card('bchqs-xa').getAttribute('data-confirmed'), '', 'nothing confirmed');
        await card('bchqs-xa').locator('[data-testid=verdict-error]').scrollIntoViewIfNeeded();
        await env.screenshot(p.page, 'aar-verdict-refused');

        // with a reason
        await card('bchqs-xa').locator('[data-testid=verdict-reason-input]').fill(reason);
        const [r3] = await Promise.all([
          p.page.waitForResponse((r) => r.url().endsWith('/verdicts') && r.request().method() === 'POST'),
          card('bchqs-xa').locator('[data-testid=verdict-save]').click(),
        ]);
        assert.equal(r3.status(), 200, `with a reason: ${r3.status()} ${await r3.text()}`);
        assert.deepEqual(JSON.parse(r3.request().postData()), { body: 'bchqs-xa', label: other, reason });
        await waitFor(p.page, `[data-testid=verdict][data-body=bchqs-xa][data-confirmed="${other}"]`, 5000, 'the changed verdict is shown');
        assert.match(await card('bchqs-xa').locator('[data-testid=verdict-reason]').innerText(), /5017/, 'with its reason');
        assert.equal(await card('bchqs-xa').locator('[data-testid=verdict-changed]').count(), 1, 'marked as changed');
        await card('bchqs-xa').locator('[data-testid=verdict-history] summary').click();

        const after = await apiOk('ev', 'GET', `${A.P}/evaluation`);
        const o2 = after.verdicts.find((v) => v.body === null);
        const b2 = after.verdicts.find((v) => v.body === 'bchqs-xa');
        assert.equal(o2.confirmed && o2.confirmed.label, overall.proposed.label, 'the server kept the overall confirmation');
        assert.equal(o2.confirmed.changed, false);
        assert.equal(b2.confirmed && b2.confirmed.label, other, 'and the changed one');
        assert.equal(b2.confirmed.changed, true);
        assert.equal(b2.confirmed.reason, reason);
        assert.equal(b2.history.length, 1, 'one confirmation in its history (the refused one is not)');
        await sleep(300);
        await env.screenshot(p.page, 'aar-verdicts');
        await env.screenshot(p.page, 'aar-verdicts-full', { fullPage: true });
        const problems = await screenProblems(p.page, 'aar-verdicts');
        await p.page.locator('[data-testid=lang]').first().click();
        await sleep(400);
        await env.screenshot(p.page, 'aar-verdicts-en');
        problems.push(...await screenProblems(p.page, 'aar-verdicts-en'));
        await p.page.locator('[data-testid=lang]').first().click();
        assert.deepEqual(problems, [], problems.join('\n'));
        noErrors(p);
      } finally {
        await env.closePages(p);
      }
    });

    test('q3. lessons: the evaluator adds three, moves the third up and edits one; the director makes a corrective action of a lesson; the next exercise of the locality carries it', { timeout: 120000 }, async () => {
      const A = await aarSetup();
      const texts = [
        'Ban CHQS xã phải duy trì thông tin liên lạc thông suốt để báo cáo kịp thời 6101.',
        'UBND xã đề nghị chuyển trạng thái quốc phòng phải đúng trình tự của cơ chế 6102.',
        'Hiệp đồng giữa dân quân và công an xã cần được luyện tập trước khi diễn tập 6103.',
      ];
      const e = await env.open('ev');
      const d = await env.open('dir');
      try {
        await env.enter(e.page, 'ev', `#/x/${A.x}/aar/lessons`);
        await waitFor(e.page, '[data-testid=lesson-form]', 10000, 'the evaluator can add lessons');
        const form = e.page.locator('[data-testid=lesson-form]');
        for (const [i, tx] of texts.entries()) {
          await form.locator('textarea[name=text]').fill(tx);
          await form.locator('select[name=body]').selectOption(i === 1 ? 'ubnd-xa' : 'bchqs-xa');
          if (i === 1) await form.locator('select[name=criterion]').selectOption('co-che');
          const [r] = await Promise.all([
            e.page.waitForResponse((res) => res.url().endsWith('/lessons') && res.request().method() === 'POST'),
            form.locator('[data-testid=lesson-add]').click(),
          ]);
          assert.equal(r.status(), 201, `adding lesson ${i + 1}: ${r.status()} ${await r.text()}`);
          await waitFor(e.page, `[data-testid=lesson][data-n="${i + 1}"]`, 5000, `lesson ${i + 1} in the list`);
        }
        // the third moves up: 1, 3, 2
        const third = e.page.locator('[data-testid=lesson][data-n="3"]');
        assert.match(await third.innerText(), /6103/);
        const [mv] = await Promise.all([
          e.page.waitForResponse((res) => /\/lessons\/\d+$/.test(res.url()) && res.request().method() === 'PATCH'),
          third.locator('[data-testid=lesson-up]').click(),
        ]);
        assert.equal(mv.status(), 200, `moving: ${mv.status()} ${await mv.text()}`);
        assert.deepEqual(JSON.parse(mv.request().postData()), { n: 2 });
        await waitUntil(async () => /6103/.test(await e.page.locator('[data-testid=lesson][data-n="2"]').innerText()), 5000);
        // the first is edited
        await e.page.locator('[data-testid=lesson][data-n="1"] [data-testid=lesson-edit]').click();
        await e.page.locator('[data-testid=lesson-edit-form] textarea').fill(texts[0].replace('kịp thời', 'kịp thời, chính xác'));
        await e.page.locator('[data-testid=lesson-save]').click();
        await waitUntil(async () => /chính xác/.test(await e.page.locator('[data-testid=lesson][data-n="1"]').innerText()), 5000);
        const shown = await e.page.locator('[data-testid=lesson] [data-testid=lesson-text]').allInnerTexts();
        const lessons = await apiOk('ev', 'GET', `${A.P}/lessons`);
        assert.deepEqual(lessons.map((l) => l.n), [1, 2, 3], 'numbered 1, 2, 3');
        assert.deepEqual(lessons.map((l) => l.text.match(/610\d/)[0]), ['6101', '6103', '6102'], 'the server has the new order');
        assert.match(lessons[0].text, /chính xác/, 'and the edited text');
        assert.deepEqual(shown.map((s) => s.match(/610\d/)[0]), ['6101', '6103', '6102'], 'the list shows that order');
        assert.equal(await e.page.locator('[data-testid=lesson-task]').count(), 0, 'evaluators do not assign corrective actions');
        await env.screenshot(e.page, 'aar-lessons');
        const problems = await screenProblems(e.page, 'aar-lessons');
        await e.page.locator('[data-testid=lang]').first().click();
        await sleep(400);
        await env.screenshot(e.page, 'aar-lessons-en');
        problems.push(...await screenProblems(e.page, 'aar-lessons-en'));
        await e.page.locator('[data-testid=lang]').first().click();

        // the director: a corrective action of lesson 3 (6102, UBND xã)
        const l3 = lessons.find((l) => l.n === 3);
        await env.enter(d.page, 'dir', `#/x/${A.x}/aar/lessons`);
        await waitFor(d.page, `[data-testid=lesson][data-id="${l3.id}"] [data-testid=lesson-task]`, 10000, 'the director can make an action of a lesson');
        await d.page.locator(`[data-testid=lesson][data-id="${l3.id}"] [data-testid=lesson-task]`).click();
        const af = d.page.locator('[data-testid=action-form]');
        await waitFor(d.page, '[data-testid=action-form]', 5000, 'the action form');
        assert.equal(await af.locator('select[name=lesson]').inputValue(), String(l3.id), 'the form answers that lesson');
        assert.match(await af.locator('input[name=title]').inputValue(), /6102/, 'its title comes from the lesson');
        assert.equal(await af.locator('select[name=assignee]').inputValue(), 'b:ubnd-xa', 'assigned to the lesson\'s body by default');
        await af.locator('input[name=due]').fill('N+30');
        await env.screenshot(d.page, 'aar-action-form');
        const [cr] = await Promise.all([
          d.page.waitForResponse((res) => res.url().endsWith(`${A.P}/tasks`) && res.request().method() === 'POST'),
          af.locator('[data-testid=action-submit]').click(),
        ]);
        assert.equal(cr.status(), 201, `creating the action: ${cr.status()} ${await cr.text()}`);
        const sent = JSON.parse(cr.request().postData());
        assert.equal(sent.corrective, true);
        assert.equal(sent.lesson, l3.id);
        assert.equal(sent.assignee_body, 'ubnd-xa');
        const task = await cr.json();
        await waitFor(d.page, `[data-testid=lesson][data-id="${l3.id}"] .aar-lesson-actions li`, 5000, 'the lesson lists its action');

        const tasks = (await apiOk('dir', 'GET', `${A.P}/tasks`)).tasks;
        const t1 = tasks.find((t) => t.id === task.id);
        assert.ok(t1 && t1.corrective === true && t1.lesson === l3.id, `the server keeps it corrective, for lesson ${l3.id}: ${JSON.stringify(t1)}`);
        await d.page.locator('[data-testid=aar-tab-actions]').click();
        await waitFor(d.page, `[data-testid=action][data-task="${task.id}"]`, 5000, 'the action in the list');
        const row = d.page.locator(`[data-testid=action][data-task="${task.id}"]`);
        assert.match(await row.innerText(), /Bài học 3/, 'with its lesson');
        assert.match(await row.innerText(), /Ủy ban nhân dân xã An Phú|UBND/, 'and its assignee');
        assert.equal(await d.page.locator('[data-testid=action][data-carried]').count(), 0, 'nothing carried into the first exercise');
        await env.screenshot(d.page, 'aar-actions');
        problems.push(...await screenProblems(d.page, 'aar-actions'));

        // the next exercise of the same locality carries it while it is open
        await env.goto(d.page, `#/x/${A.next}/aar/actions`);
        await waitFor(d.page, `[data-testid=action][data-carried="${A.x}"]`, 10000, 'the action carried into the next exercise',
          [['[data-testid=action]', ['data-task', 'data-carried']]]);
        const carried = d.page.locator(`[data-testid=action][data-carried="${A.x}"]`);
        assert.match(await carried.innerText(), /Từ cuộc diễn tập trước/);
        assert.match(await carried.innerText(), /DT-TAN-LAP-DG/);
        const next = (await apiOk('dir', 'GET', `/api/exercises/${A.next}/tasks`)).tasks;
        assert.ok(next.some((t) => t.id === task.id && t.carried_from && t.carried_from.id === A.x), 'GET tasks of the next exercise carries it');
        await env.screenshot(d.page, 'aar-actions-carried');
        problems.push(...await screenProblems(d.page, 'aar-actions-carried'));
        assert.deepEqual(problems, [], problems.join('\n'));
        noErrors(e, d);
      } finally {
        await env.closePages(e, d);
      }
    });

    test('q4. the report downloads: PDF and XLSX answer 200 with their types, for the evaluator and the observer; the evaluator reads the observations by body', { timeout: 120000 }, async () => {
      const A = await aarSetup();
      const e = await env.open('ev');
      const ob = await env.open('ob');
      try {
        for (const [p, user] of [[e, 'ev'], [ob, 'ob']]) {
          await env.enter(p.page, user, `#/x/${A.x}/aar`);
          await waitFor(p.page, '[data-testid=aar-pdf]', 10000, `${user}: the download buttons`);
          for (const [id, type, magic] of [['aar-pdf', /^application\/pdf/, '%PDF'],
            ['aar-xlsx', /^application\/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet/, 'PK']]) {
            const href = await p.page.locator(`[data-testid=${id}]`).getAttribute('href');
            assert.equal(href, `${A.P}/${id.replace('aar-', 'aar.')}`, `${id} links to the report`);
            const [st, ct, head, size] = await p.page.evaluate(async (u) => {
              const r = await fetch(u);
              const b = new Uint8Array(await r.arrayBuffer());
              return [r.status, r.headers.get('content-type') || '', String.fromCharCode(...b.slice(0, 4)), b.length];
            }, href);
            assert.equal(st, 200, `${user} ${href}: ${st}`);
            assert.match(ct, type, `${user} ${href}: ${ct}`);
            assert.ok(head.startsWith(magic) && size > 1000, `${user} ${href}: a ${magic} file of ${size} bytes`);
          }
        }
        // the link downloads (the browser saves it)
        const [dl] = await Promise.all([e.page.waitForEvent('download', { timeout: 30000 }), e.page.locator('[data-testid=aar-pdf]').click()]);
        assert.match(dl.suggestedFilename(), /\.pdf$/, `saved as ${dl.suggestedFilename()}`);

        // observations grouped by body, with the mean score
        await e.page.locator('[data-testid=aar-tab-observations]').click();
        await waitFor(e.page, '[data-testid=obs-group]', 10000, 'the observations by body');
        const obs = await apiOk('ev', 'GET', `${A.P}/observations`);
        const groups = await e.page.locator('[data-testid=obs-group]').evaluateAll((els) => els.map((g) => [g.dataset.body || '', g.querySelectorAll('[data-testid=obs-row]').length]));
        const want = {};
        for (const o of obs) want[o.body || ''] = (want[o.body || ''] || 0) + 1;
        assert.deepEqual(Object.fromEntries(groups), want, 'each body with its observations');
        assert.match(await e.page.locator('[data-testid=obs-group][data-body=bchqs-xa]').innerText(), /Khá/, 'with the score');
        await env.screenshot(e.page, 'aar-observations');
        const problems = await screenProblems(e.page, 'aar-observations');
        assert.deepEqual(problems, [], problems.join('\n'));
        noErrors(e, ob);
      } finally {
        await env.closePages(e, ob);
      }
    });

    test('q5. replay: at two exercise times the observer sees the injects released by then, as GET …/replay says, the counts, the ladders and a role\'s inbox', { timeout: 120000 }, async () => {
      const A = await aarSetup();
      const p = await env.open('ob');
      const problems = [];
      const replayAt = (t, role) => apiOk('ob', 'GET', `${A.P}/replay?t=${encodeURIComponent(t)}${role ? '&role=' + role : ''}`);
      const settle = async (t) => {
        await waitUntil(async () => (await p.page.locator('[data-testid=replay]').getAttribute('data-busy')) === '0' &&
          (await p.page.locator('[data-testid=replay-time]').getAttribute('data-t')) ===
          (await p.page.locator('[data-testid=replay-status]').getAttribute('data-shown')), 10000, 100);
        await sleep(200);
        if (t) assert.equal(await p.page.locator('[data-testid=replay-time]').innerText(), t, 'the time shown');
      };
      const go = async (t) => {
        await p.page.locator('[data-testid=replay-time-input]').fill(t);
        await p.page.locator('[data-testid=replay-go]').click();
        await settle(t);
      };
      const shown = async () => ({
        count: +(await dataValue(p.page, '[data-testid=replay-released-count]')),
        ids: (await p.page.locator('[data-testid=replay-released]').evaluateAll((els) => els.map((e) => e.dataset.inject))).sort(),
        exp: Object.fromEntries(await Promise.all(['met', 'late', 'missed', 'open'].map(async (k) =>
          [k, +(await dataValue(p.page, `[data-testid=replay-exp-${k}]`))]))),
      });
      try {
        await env.enter(p.page, 'ob', `#/x/${A.x}/replay`);
        await waitFor(p.page, '[data-testid=replay-range]', 10000, 'the replay scrubber');
        await waitFor(p.page, '[data-testid=state-board] table', 10000, 'the state ladders');

        await go('N 07:45');
        const r1 = await replayAt('N 07:45');
        const s1 = await shown();
        assert.equal(s1.count, r1.released.length, `released by N 07:45: ${JSON.stringify(r1.released)}`);
        assert.deepEqual(s1.ids, [...r1.released].sort());
        assert.deepEqual(s1.exp, r1.expectations, 'the expectation counts at N 07:45');
        assert.ok(r1.released.includes('th-01') && !r1.released.includes('th-02'), `th-01 only: ${r1.released}`);
        const st1 = await p.page.locator('[data-testid=state-board] tr[data-body=xa-an-phu]').getAttribute('data-state');
        assert.equal(st1, 'normal', 'the commune is still in its normal state at N 07:45');
        // a role's inbox at that time
        await p.page.locator('[data-testid=replay-role]').selectOption(ROLE_A);
        await settle('N 07:45');
        await waitFor(p.page, '[data-testid=replay-inbox-item]', 5000, 'the role\'s inbox');
        const inbox = await p.page.locator('[data-testid=replay-inbox-item]').evaluateAll((els) => els.map((e) => e.dataset.inject));
        const ri = await replayAt('N 07:45', ROLE_A);
        assert.deepEqual(inbox, ri.inbox.map((i) => i.id), 'the inbox is the server\'s');
        await env.screenshot(p.page, 'replay-0745');
        problems.push(...await screenProblems(p.page, 'replay-0745'));

        await go('N 08:50');
        const r2 = await replayAt('N 08:50');
        const s2 = await shown();
        assert.equal(s2.count, r2.released.length, `released by N 08:50: ${JSON.stringify(r2.released)}`);
        assert.deepEqual(s2.ids, [...r2.released].sort());
        assert.deepEqual(s2.exp, r2.expectations, 'the expectation counts at N 08:50');
        assert.notEqual(s2.count, s1.count, 'more injects released by N 08:50 than by N 07:45');
        assert.equal(await p.page.locator('[data-testid=state-board] tr[data-body=xa-an-phu]').getAttribute('data-state'),
          'situation', 'the commune has moved to "có tình huống" by N 08:50');
        await env.screenshot(p.page, 'replay-0850');
        problems.push(...await screenProblems(p.page, 'replay-0850'));

        // one step back to the previous event: what the server says there
        await p.page.locator('[data-testid=replay-prev]').click();
        await settle();
        const back = await p.page.locator('[data-testid=replay-time]').getAttribute('data-t');
        assert.ok(+back < 8 * 3600000 + 50 * 60000, `the previous event is before N 08:50 (${back})`);
        const r3 = await replayAt(fmtT(+back));
        assert.equal((await shown()).count, r3.released.length, 'released at the previous event');

        // play at ×600 moves the time on
        await p.page.locator('[data-testid=replay-speed]').selectOption('600');
        const t0 = +(await p.page.locator('[data-testid=replay-time]').getAttribute('data-t'));
        await p.page.locator('[data-testid=replay-play]').click();
        await sleep(1200);
        await p.page.locator('[data-testid=replay-play]').click();
        const t1 = +(await p.page.locator('[data-testid=replay-time]').getAttribute('data-t'));
        assert.ok(t1 > t0 + 5 * 60000, `playing at ×600 for 1.2 s moves more than 5 min (${t0} → ${t1})`);

        await p.page.locator('[data-testid=lang]').first().click();
        await sleep(400);
        await env.screenshot(p.page, 'replay-en');
        problems.push(...await screenProblems(p.page, 'replay-en'));
        await p.page.locator('[data-testid=lang]').first().click();
        assert.deepEqual(problems, [], problems.join('\n'));
        noErrors(p);
      } finally {
        await env.closePages(p);
      }
    });
  });
}
