// The front desk (`journal serve`) in a real browser, with the real SMTP sink.
//
//     node tests/browser/desk.test.mjs JOURNAL_BINARY
//
// A copy of the sample journal gets mail settings (tests/support/smtp_sink.py on loopback) and
// desk_url; `journal serve` runs on a free loopback port. The editor invites two reviewers with
// the CLI; each opens the personal link from the mail in Chromium (playwright-core): the first
// reads the invitation in English and in Russian and accepts (the page then offers the packet),
// the second declines with a reason and a suggested colleague; the record says so after each
// answer. Every desk page visited (the invitation before and after each answer, in both
// languages, on a phone's width too; the 404 of a wrong link) is checked with axe-core and
// saved for the Nu HTML Checker; screenshots go to $JOURNAL_ARTIFACTS/desk-*.png.
//
// Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed"; exits 1 on any
// failure. JOURNAL_TEST_KEEP=1 keeps the scratch folder.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import {
  ARTIFACTS,
  CHROMIUM,
  DESKTOP,
  MOBILE,
  SOURCE_DIR,
  STEP_TIMEOUT,
  axeCheck,
  check,
  checkLoaded,
  fail,
  finish,
  firstLines,
  note,
  pass,
  run,
  screenshot,
  step,
  vnuCheck,
  watch,
} from './lib.mjs';

const journalBin = process.argv[2] ? path.resolve(process.argv[2]) : '';
if (!journalBin || !fs.existsSync(journalBin)) {
  fail(`the journal binary ${journalBin || '(none given)'} exists`, 'usage: node desk.test.mjs JOURNAL_BINARY');
  finish();
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'journal-desk.'));
const keep = process.env.JOURNAL_TEST_KEEP === '1';
if (keep) note(`keeping ${tmp}`);
const children = [];
process.on('exit', () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
});

const env = {
  ...process.env,
  JOURNAL_TODAY: '2026-01-15',
  GIT_AUTHOR_NAME: 'Test Editor',
  GIT_AUTHOR_EMAIL: 'editor@example.org',
  GIT_COMMITTER_NAME: 'Test Editor',
  GIT_COMMITTER_EMAIL: 'editor@example.org',
  GIT_CONFIG_NOSYSTEM: '1',
  HOME: path.join(tmp, 'home'),
  LC_ALL: 'C.UTF-8',
  JOURNAL_DESK_SECRET: 'desk-browser-test-secret-0123456789abcdef',
  ASAN_OPTIONS: `${process.env.ASAN_OPTIONS ? process.env.ASAN_OPTIONS + ':' : ''}exitcode=86:abort_on_error=0`,
  UBSAN_OPTIONS: `${process.env.UBSAN_OPTIONS ? process.env.UBSAN_OPTIONS + ':' : ''}exitcode=87:print_stacktrace=1`,
};
fs.mkdirSync(env.HOME);
const journalDir = path.join(tmp, 'journal');
const mailDir = path.join(tmp, 'mail');
const pagesDir = path.join(tmp, 'pages'); // every desk page visited, for the Nu HTML Checker
fs.mkdirSync(mailDir);
fs.mkdirSync(pagesDir);

function git(...args) {
  const r = run('git', ['-C', journalDir, ...args], { env });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// journal [ARGS...] on the copy; returns stdout, throws with stderr on failure.
function journal(...args) {
  const r = run(journalBin, ['-C', journalDir, ...args], { env });
  if (r.status !== 0 || /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.test(r.stderr)) {
    throw new Error(`journal ${args.join(' ')}: exit ${r.status}\n${firstLines(r.stderr, 20)}`);
  }
  return r.stdout;
}

// Starts a long-running program and resolves with [child, the first match of ready in its
// output (stdout or the file it writes)].
function startUntil(cmd, args, ready, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${firstLines(err, 10)}`)), 30000);
    const look = () => {
      const m = ready(out);
      if (m) {
        clearTimeout(timer);
        resolve([child, m]);
      }
    };
    child.stdout.on('data', (d) => {
      out += d;
      look();
    });
    child.stderr.on('data', (d) => {
      err += d;
      child.log = err;
    });
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}): ${firstLines(err, 10)}`)));
  });
}

async function startSink() {
  const portFile = path.join(tmp, 'sink-port');
  const child = spawn('/usr/bin/python3', [path.join(SOURCE_DIR, 'tests', 'support', 'smtp_sink.py'), '--dir', mailDir, '--port-file', portFile, '--port', '0'], { env, stdio: 'ignore' });
  children.push(child);
  for (let i = 0; i < 200; i++) {
    if (fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim()) return fs.readFileSync(portFile, 'utf8').trim();
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the SMTP sink did not start (python3-aiosmtpd: scripts/install-deps)');
}

// The decoded plain-text bodies of the mail to address, oldest first (Python's email package
// reads what the sink stored).
function mailTo(address) {
  const r = run('/usr/bin/python3', ['-c', `
import email, email.policy, glob, json, sys
out = []
for p in sorted(glob.glob(sys.argv[1] + "/*.eml")):
    m = email.message_from_binary_file(open(p, "rb"), policy=email.policy.default)
    if sys.argv[2] in str(m["To"]):
        out.append({"subject": str(m["Subject"]), "body": m.get_body(("plain",)).get_content()})
print(json.dumps(out))
`, mailDir, address]);
  if (r.status !== 0) throw new Error(`reading the mail: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

async function waitForMail(address, pattern) {
  for (let i = 0; i < 200; i++) {
    for (const m of mailTo(address)) {
      const found = m.body.match(pattern);
      if (found) return found;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail to ${address} matching ${pattern}`);
}

// The sample journal in a new repository, with mail and the desk.
async function setUp() {
  fs.mkdirSync(journalDir);
  for (const name of ['journal.yaml', 'reviewers.yaml', 'submissions', 'issues', 'themes', 'pages']) {
    fs.cpSync(path.join(SOURCE_DIR, name), path.join(journalDir, name), { recursive: true });
  }
  fs.writeFileSync(path.join(journalDir, '.gitignore'), '/.journal/\n/_site/\n');
  fs.appendFileSync(path.join(journalDir, 'journal.yaml'), 'pdf: false\n');
  git('-c', 'init.defaultBranch=main', 'init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'Sample journal');
  const sinkPort = await startSink();
  const [server, base] = await startUntil(journalBin, ['-C', journalDir, 'serve', '--listen', '127.0.0.1:0'], (out) => out.match(/listening on (http:\/\/\S+)\//)?.[1], 'journal serve');
  fs.appendFileSync(
    path.join(journalDir, 'journal.yaml'),
    `mail_from_address: office@journal.example.org\nmail_from_name: "Editorial Office"\nsmtp_host: 127.0.0.1\nsmtp_port: ${sinkPort}\nsmtp_tls: none\ndesk_url: "${base}/"\n`,
  );
  git('commit', '-q', '-am', 'Mail and the front desk');
  return [server, base];
}

// What the record says of reviewer's assignment to submission number.
function assignmentState(number, reviewer) {
  const yaml = fs.readFileSync(path.join(journalDir, 'submissions', String(number), 'submission.yaml'), 'utf8');
  const block = yaml.split(/\n(?=\s*- reviewer: )/).find((b) => b.includes(`reviewer: ${reviewer}`)) || '';
  return block.match(/\n\s*state: (\w+)/)?.[1] ?? '(none)';
}

// Every desk page visited: axe, a screenshot, and its HTML as served kept for vnu.
let saved = 0;
async function visitCheck(page, label, shot) {
  await axeCheck(page, label);
  await screenshot(page, `desk-${shot}`);
  const html = await (await page.request.get(page.url())).text();
  saved++;
  fs.writeFileSync(path.join(pagesDir, `${String(saved).padStart(2, '0')}-${shot}.html`), html);
}

async function reviewerAccepts(browser, base) {
  journal('assign', '10', '--reviewer', 'victoria-ciobanu', '--override-conflict', 'browser test');
  const link = (await waitForMail('v.ciobanu@example.org', /http:\/\/127\.0\.0\.1:\d+\/review\/10\/[0-9a-f]{64}/))[0];
  pass('the invitation mail carries the reviewer\'s link');
  const page = await browser.newPage({ viewport: DESKTOP });
  const problems = watch(page);
  await step('the link opens the invitation', async () => {
    const r = await page.goto(link);
    if (r.status() !== 200) throw new Error(`HTTP ${r.status()}`);
  });
  checkLoaded(problems, 'the invitation');
  const title = fs.readFileSync(path.join(journalDir, 'submissions', '10', 'manuscript.md'), 'utf8').match(/^title: *"?(.*?)"?$/m)[1];
  await step('the invitation shows the manuscript\'s title', async () => {
    const h2 = await page.locator('#manuscript').textContent();
    if (!h2.includes(title.slice(0, 30))) throw new Error(`got "${h2}"`);
  });
  await visitCheck(page, 'the invitation (en)', 'invitation-en');
  await page.setViewportSize(MOBILE);
  await screenshot(page, 'desk-invitation-phone');
  await step('on a phone\'s width, the page needs no sideways scrolling', async () => {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (wide > 1) throw new Error(`${wide} px too wide`);
  });
  await page.setViewportSize(DESKTOP);
  await page.getByRole('link', { name: 'ru' }).click();
  await page.waitForLoadState();
  await step('the Russian link gives the page in Russian', async () => {
    const lang = await page.evaluate(() => document.documentElement.lang);
    if (lang !== 'ru') throw new Error(`lang="${lang}"`);
  });
  await visitCheck(page, 'the invitation (ru)', 'invitation-ru');
  await page.goto(link);
  await page.getByLabel('Accept').check();
  await Promise.all([page.waitForURL(link, { timeout: STEP_TIMEOUT }), page.getByRole('button', { name: /send/i }).click()]);
  checkLoaded(problems, 'the accepted invitation');
  check('the record says the invitation was accepted', assignmentState(10, 'victoria-ciobanu') === 'accepted', assignmentState(10, 'victoria-ciobanu'));
  await step('the page says so and offers the packet', async () => {
    const text = await page.locator('#state').locator('..').textContent();
    if (!/accepted/i.test(text) || !(await page.locator('a[href$="/packet"]').count())) throw new Error(text.slice(0, 300));
  });
  await visitCheck(page, 'the accepted invitation', 'accepted');
  await step('the packet downloads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP_TIMEOUT }), page.locator('a[href$="/packet"]').click()]);
    const file = path.join(tmp, 'packet.md');
    await download.saveAs(file);
    if (!fs.readFileSync(file, 'utf8').includes(title.slice(0, 30))) throw new Error('the packet lacks the title');
  });
  await page.close();
}

async function reviewerDeclines(browser) {
  journal('assign', '10', '--reviewer', 'asel-bekova', '--override-conflict', 'browser test');
  const link = (await waitForMail('a.bekova@example.org', /http:\/\/127\.0\.0\.1:\d+\/review\/10\/[0-9a-f]{64}/))[0];
  const page = await browser.newPage({ viewport: DESKTOP });
  const problems = watch(page);
  await page.goto(link + '?lang=ru');
  await page.locator('#answer-decline').check();
  await page.locator('#reason').fill('В отпуске до июня');
  await page.locator('#suggested').fill('Д-р Коллега, Алматы');
  await Promise.all([page.waitForURL((u) => u.pathname.endsWith(link.slice(link.indexOf('/review/'))), { timeout: STEP_TIMEOUT }), page.locator('form button[type=submit]').click()]);
  checkLoaded(problems, 'the declined invitation');
  check('the record says the invitation was declined', assignmentState(10, 'asel-bekova') === 'declined', assignmentState(10, 'asel-bekova'));
  const yaml = fs.readFileSync(path.join(journalDir, 'submissions', '10', 'submission.yaml'), 'utf8');
  check('... with the reason and the colleague as typed', yaml.includes('В отпуске до июня') && yaml.includes('Д-р Коллега, Алматы'));
  await visitCheck(page, 'the declined invitation (ru)', 'declined-ru');
  await page.close();
}

async function notFound(browser, base) {
  const page = await browser.newPage({ viewport: DESKTOP });
  const r = await page.goto(`${base}/review/10/${'0'.repeat(64)}`);
  check('a wrong link is a 404', r.status() === 404, `HTTP ${r.status()}`);
  await visitCheck(page, 'the 404 page', 'not-found');
  await page.close();
}

async function main() {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (/^\d\d-desk-.*\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));
  let server;
  let base;
  try {
    [server, base] = await setUp();
    pass(`journal serve runs on ${base}, with the SMTP sink`);
  } catch (e) {
    fail('set up the journal, the SMTP sink and journal serve', e.message);
    return;
  }
  const { chromium } = await import('playwright-core');
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  } catch (e) {
    fail(`launch Chromium (${CHROMIUM})`, firstLines(e.message, 10));
    return;
  }
  try {
    await reviewerAccepts(browser, base);
    await reviewerDeclines(browser);
    await notFound(browser, base);
  } finally {
    await browser.close();
  }
  const pages = fs.readdirSync(pagesDir).map((f) => path.join(pagesDir, f));
  check('desk pages were saved for the Nu HTML Checker', pages.length >= 5, `${pages.length} pages`);
  vnuCheck(pages, pagesDir);
  server.kill('SIGTERM');
  const code = await new Promise((resolve) => (server.exitCode !== null ? resolve(server.exitCode) : server.on('exit', resolve)));
  check('journal serve exits 0 on SIGTERM', code === 0, `exit ${code}`);
  check('no sanitizer report from journal serve', !/ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.test(server.log || ''), firstLines(server.log || '', 20));
}

try {
  await main();
} catch (e) {
  fail('the test ran to the end', e.stack || String(e));
}
for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
finish();
