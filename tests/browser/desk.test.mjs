// The front desk (`journal serve`) in a real browser, with the real SMTP sink.
//
//     node tests/browser/desk.test.mjs JOURNAL_BINARY
//
// The whole path through the desk, in Chromium (playwright-core) against a copy of
// the sample journal with mail settings (tests/support/smtp_sink.py on loopback) and desk_url,
// `journal serve` on a free loopback port: an author fills /submit in English and another
// /submit?lang=ru in Russian, uploading a Markdown manuscript; each follows the confirmation
// link from the mail (one commit, journal submit's, only then) and opens the status link from
// the acknowledgement. The editor invites a reviewer with the CLI: she opens the invitation
// from the mail, accepts, downloads the packet, saves a draft (kept under .journal, nothing
// committed), closes the page, comes back to the draft and sends it (one commit); a second
// reviewer declines with a reason. The editor decides revise; the author sends the revision
// through the status link (round 2 in one commit); the reviewer is invited again and reviews
// on the desk; the editor accepts; build-issue publishes the article and build-site puts it on
// the site with its title. The record, the commits and the mail are checked at each step.
// Every desk page type is visited in English and in Russian (the invitation and the status
// page on a phone's width too; the 404 of a wrong link), checked with axe-core and saved for
// the Nu HTML Checker; screenshots go to $JOURNAL_ARTIFACTS/NN-desk-*.png.
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

// The sample journal in a new repository, with mail and the desk.
async function setUp() {
  fs.mkdirSync(journalDir);
  for (const name of ['journal.yaml', 'reviewers.yaml', 'submissions', 'issues', 'themes', 'pages']) {
    fs.cpSync(path.join(SOURCE_DIR, name), path.join(journalDir, name), { recursive: true });
  }
  fs.writeFileSync(path.join(journalDir, '.gitignore'), '/.journal/\n/_site/\n');
  fs.appendFileSync(path.join(journalDir, 'journal.yaml'), 'pdf: false\nsearch: false\n');
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

// What the record says of reviewer's assignment to submission number (its latest round's).
function assignmentState(number, reviewer) {
  const yaml = fs.readFileSync(path.join(journalDir, 'submissions', String(number), 'submission.yaml'), 'utf8');
  const blocks = yaml.split(/\n(?=\s*- reviewer: )/).filter((b) => b.includes(`reviewer: ${reviewer}`));
  return blocks.at(-1)?.match(/\n\s*state: (\w+)/)?.[1] ?? '(none)';
}

function record(number) {
  return fs.readFileSync(path.join(journalDir, 'submissions', String(number), 'submission.yaml'), 'utf8');
}

const commits = () => Number(git('rev-list', '--count', 'HEAD').trim());
const waiting = () => {
  const dir = path.join(journalDir, '.journal', 'desk', 'waiting');
  return fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).length : 0;
};

// Waiting submissions that still have their files (a confirmed one keeps only its record,
// to answer its link, until desk_confirm_hours).
const waitingFiles = () => {
  const dir = path.join(journalDir, '.journal', 'desk', 'waiting');
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((e) => fs.existsSync(path.join(dir, e, 'manuscript'))).length : 0;
};

// Every desk page visited: axe, a screenshot, and its HTML as served kept for vnu (the
// answer to a POST as it came, any other page fetched again).
let saved = 0;
async function visitCheck(page, label, shot, response) {
  await axeCheck(page, label);
  await screenshot(page, `desk-${shot}`);
  const html = response && response.request().method() === 'POST' ? await response.text() : await (await page.request.get(page.url())).text();
  saved++;
  fs.writeFileSync(path.join(pagesDir, `${String(saved).padStart(2, '0')}-${shot}.html`), html);
}

// Clicks a form's button and waits for the page it leads to (after a 303, the page redirected
// to); resolves with that page's response.
async function send(page, button) {
  const [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load', timeout: STEP_TIMEOUT }), button.click()]);
  return response;
}

async function noSidewaysScroll(page, label, shot) {
  await page.setViewportSize(MOBILE);
  await screenshot(page, `desk-${shot}-phone`);
  await step(`${label} on a phone's width needs no sideways scrolling`, async () => {
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (wide > 1) throw new Error(`${wide} px too wide`);
  });
  await page.setViewportSize(DESKTOP);
}

// The mail to address after the first `after` ones, until one matches pattern.
async function waitForMail(address, pattern, after = 0, subject = /./) {
  for (let i = 0; i < 200; i++) {
    for (const m of mailTo(address).slice(after)) {
      const found = subject.test(m.subject) && m.body.match(pattern);
      if (found) return [found, m];
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail to ${address} matching ${pattern}`);
}

const AUTHORS = {
  en: {
    title: 'Merit recruitment after central testing',
    abstract: 'Where discretion went once testing was centralised.',
    keywords: 'merit, recruitment',
    given: 'Dana',
    family: 'Seitkali',
    email: 'd.seitkali@example.org',
    organisation: 'Ministry of Finance of Georgia',
    country: 'GE',
    competing: 'None',
    body: '# Introduction\n\nCentral testing changed recruitment in the civil service.\n\n## Method\n\nWe read 2,412 announcements.\n',
    confirmSubject: /Please confirm your submission/,
    ackSubject: /Submission \d+ received/,
  },
  ru: {
    title: 'Отбор на госслужбу после тестирования',
    abstract: 'Куда ушло усмотрение после централизации тестирования.',
    keywords: 'отбор, тестирование',
    given: 'Ольга',
    family: 'Иванова',
    email: 'o.ivanova@example.org',
    organisation: 'Министерство юстиции Армении',
    country: 'AM',
    competing: 'Нет',
    body: '# Введение\n\nЦентрализованное тестирование изменило отбор на государственную службу.\n',
    confirmSubject: /Подтвердите подачу рукописи/,
    ackSubject: /Рукопись \d+ получена/,
  },
};

// An author fills /submit in the browser (in lang, a manuscript in lang), uploads the
// Markdown file, confirms from the mail and gets the status link from the acknowledgement.
// Resolves with [number, status link].
async function authorSubmits(browser, base, lang) {
  const a = AUTHORS[lang];
  const file = path.join(tmp, `manuscript-${lang}.md`);
  fs.writeFileSync(file, a.body);
  const page = await browser.newPage({ viewport: DESKTOP });
  const problems = watch(page);
  await page.goto(`${base}/submit?lang=${lang}`);
  checkLoaded(problems, `the submission form (${lang})`);
  check(`the submission form is in ${lang}`, (await page.evaluate(() => document.documentElement.lang)) === lang);
  await visitCheck(page, `the submission form (${lang})`, `submit-${lang}`);
  if (lang === 'en') await noSidewaysScroll(page, 'the submission form', 'submit');
  await page.locator('#title').fill(a.title);
  await page.locator('#mlang').selectOption(lang);
  await page.locator('#type').selectOption('research-article');
  await page.locator('#abstract').fill(a.abstract);
  await page.locator('#keywords').fill(a.keywords);
  await page.locator('#a0_given').fill(a.given);
  await page.locator('#a0_family').fill(a.family);
  await page.locator('#a0_email').fill(a.email);
  await page.locator('#a0_aff0_name').fill(a.organisation);
  await page.locator('#a0_aff0_country').selectOption(a.country);
  await page.locator('#corresponding-0').check();
  await page.locator('#declare_originality').check();
  await page.locator('#declare_license').check();
  await page.locator('#competing_interests').fill(a.competing);
  await page.locator('#manuscript').setInputFiles(file);
  const before = commits();
  const waitingBefore = waiting();
  const sent = await send(page, page.locator('button[name="action"][value="submit"]'));
  checkLoaded(problems, `the sent form (${lang})`);
  check(`the form is accepted (${lang}): 200`, sent.status() === 200, `HTTP ${sent.status()}`);
  await step(`... the page names the address the confirmation went to (${lang})`, async () => {
    const text = await page.locator('main, body').first().textContent();
    if (!text.includes(a.email)) throw new Error(text.slice(0, 300));
  });
  check(`... nothing is committed yet, the submission waits outside git (${lang})`, commits() === before && waiting() === waitingBefore + 1 && waitingFiles() === 1, `${commits() - before} commits, ${waiting()} waiting, ${waitingFiles()} with files`);
  check(`... in ${lang}`, (await page.evaluate(() => document.documentElement.lang)) === lang);
  await visitCheck(page, `the page after sending (${lang})`, `submit-sent-${lang}`, sent);

  const [[confirmLink], confirmMail] = await waitForMail(a.email, /http:\/\/127\.0\.0\.1:\d+\/confirm\/[0-9a-f]{32}\/[0-9a-f]{64}/);
  check(`the corresponding author is mailed the confirmation link, in the form's language (${lang})`, a.confirmSubject.test(confirmMail.subject), confirmMail.subject);
  await page.goto(confirmLink);
  checkLoaded(problems, `the confirmation page (${lang})`);
  check(`opening the link commits nothing (${lang})`, commits() === before);
  check(`the confirmation page is in the form's language (${lang})`, (await page.evaluate(() => document.documentElement.lang)) === lang);
  await visitCheck(page, `the confirmation page (${lang})`, `confirm-${lang}`);
  const confirmed = await send(page, page.locator('form button[type="submit"]'));
  checkLoaded(problems, `the confirmed submission (${lang})`);
  const subject = git('log', '-1', '--format=%s');
  const number = Number(subject.match(/^Submit #(\d+):/)?.[1]);
  check(`confirming makes one commit, journal submit's (${lang})`, commits() === before + 1 && number > 0, subject);
  const yaml = number > 0 ? record(number) : '';
  check(`... the record keeps only the status link's hash (${lang})`, /^status_link: sha256:[0-9a-f]{64}$/m.test(yaml), yaml.slice(0, 400));
  const manuscript = number > 0 ? fs.readFileSync(path.join(journalDir, 'submissions', String(number), 'manuscript.md'), 'utf8') : '';
  check(`... the manuscript: the form's title, language, author and the uploaded Markdown (${lang})`, manuscript.includes(a.title) && new RegExp(`^lang: "?${lang}"?$`, 'm').test(manuscript) && manuscript.includes(a.family) && manuscript.includes(a.email) && manuscript.includes(a.body.split('\n')[2]), manuscript.slice(0, 800));
  check(`... the waiting submission's files are cleaned up (${lang})`, waitingFiles() === 0, `${waitingFiles()} waiting with files`);
  await step(`the page gives the submission's number (${lang})`, async () => {
    const text = await page.locator('h1').locator('..').textContent();
    if (!text.includes(String(number))) throw new Error(text.slice(0, 300));
  });
  await visitCheck(page, `the confirmed submission (${lang})`, `confirmed-${lang}`, confirmed);

  const [[statusLink], ack] = await waitForMail(a.email, new RegExp(`http://127\\.0\\.0\\.1:\\d+/status/${number}/[0-9a-f]{64}`));
  check(`the acknowledgement carries the status link (${lang})`, a.ackSubject.test(ack.subject), ack.subject);
  await page.goto(statusLink);
  checkLoaded(problems, `the status page (${lang})`);
  await step(`the status page shows the title, in the manuscript's language (${lang})`, async () => {
    const h2 = await page.locator('#submission-title').textContent();
    const pageLang = await page.evaluate(() => document.documentElement.lang);
    if (!h2.includes(a.title) || pageLang !== lang) throw new Error(`"${h2}", lang="${pageLang}"`);
  });
  await visitCheck(page, `the status page (${lang})`, `status-${lang}`);
  if (lang === 'en') await noSidewaysScroll(page, 'the status page', 'status');
  await page.close();
  return [number, statusLink];
}

// The editor invites a reviewer with the CLI; resolves with the personal link from the mail.
async function invite(number, reviewer, email) {
  const before = mailTo(email).length;
  journal('assign', String(number), '--reviewer', reviewer, '--override-conflict', 'browser test');
  const [[link]] = await waitForMail(email, new RegExp(`http://127\\.0\\.0\\.1:\\d+/review/${number}/[0-9a-f]{64}`), before);
  return link;
}

// Round 1: the reviewer accepts, saves a draft, closes the page, comes back to it, sends.
async function reviewerAccepts(browser, number, title) {
  const link = await invite(number, 'victoria-ciobanu', 'v.ciobanu@example.org');
  pass('the invitation mail carries the reviewer\'s link');
  let page = await browser.newPage({ viewport: DESKTOP });
  let problems = watch(page);
  await step('the link opens the invitation', async () => {
    const r = await page.goto(link);
    if (r.status() !== 200) throw new Error(`HTTP ${r.status()}`);
  });
  checkLoaded(problems, 'the invitation');
  await step('the invitation shows the manuscript\'s title', async () => {
    const h2 = await page.locator('#manuscript').textContent();
    if (!h2.includes(title)) throw new Error(`got "${h2}"`);
  });
  await visitCheck(page, 'the invitation (en)', 'invitation-en');
  await noSidewaysScroll(page, 'the invitation', 'invitation');
  await page.getByRole('link', { name: 'ru' }).click();
  await page.waitForLoadState();
  await step('the Russian link gives the page in Russian', async () => {
    const lang = await page.evaluate(() => document.documentElement.lang);
    if (lang !== 'ru') throw new Error(`lang="${lang}"`);
  });
  await visitCheck(page, 'the invitation (ru)', 'invitation-ru');
  await page.goto(link);
  await page.getByLabel('Accept').check();
  await send(page, page.getByRole('button', { name: /send/i }));
  checkLoaded(problems, 'the accepted invitation');
  check('the record says the invitation was accepted', assignmentState(number, 'victoria-ciobanu') === 'accepted', assignmentState(number, 'victoria-ciobanu'));
  await step('the page says so and offers the packet', async () => {
    const text = await page.locator('#state').locator('..').textContent();
    if (!/accepted/i.test(text) || !(await page.locator('a[href$="/packet"]').count())) throw new Error(text.slice(0, 300));
  });
  await visitCheck(page, 'the accepted invitation with the review form', 'review-form-en');
  await step('the packet downloads', async () => {
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: STEP_TIMEOUT }), page.locator('a[href$="/packet"]').click()]);
    const file = path.join(tmp, 'packet.md');
    await download.saveAs(file);
    if (!fs.readFileSync(file, 'utf8').includes(title)) throw new Error('the packet lacks the title');
  });

  // A draft, saved on the server; the page closed.
  const comments = 'The method section is clear.\nThe second table needs units.';
  const confidential = 'I know this group; no conflict.';
  await page.locator('#verdict-minor-revision').check();
  await page.locator('#comments').fill(comments);
  await page.locator('#confidential').fill(confidential);
  const before = commits();
  await send(page, page.locator('button[name="save"]'));
  checkLoaded(problems, 'the saved draft');
  const draft = path.join(journalDir, '.journal', 'desk', 'drafts', `${number}-victoria-ciobanu.json`);
  check('Save draft keeps the draft on the server, outside git', fs.existsSync(draft) && fs.readFileSync(draft, 'utf8').includes('The second table needs units') && commits() === before);
  await page.close();

  page = await browser.newPage({ viewport: DESKTOP });
  problems = watch(page);
  await page.goto(link);
  checkLoaded(problems, 'the review form, come back to');
  await step('coming back, the draft is in the form: comments, confidential comments, verdict', async () => {
    const c = await page.locator('#comments').inputValue();
    const k = await page.locator('#confidential').inputValue();
    const v = await page.locator('#verdict-minor-revision').isChecked();
    if (c.replace(/\r\n/g, '\n').trim() !== comments || k.trim() !== confidential || !v) throw new Error(`comments "${c}", confidential "${k}", verdict ${v}`);
  });
  await visitCheck(page, 'the review form with a draft (en)', 'review-draft-en');
  await page.goto(`${link}?lang=ru`);
  checkLoaded(problems, 'the review form (ru)');
  await visitCheck(page, 'the review form with a draft (ru)', 'review-draft-ru');
  await page.goto(link);
  await send(page, page.locator('button[name="send"]'));
  checkLoaded(problems, 'the sent review');
  const review = path.join(journalDir, 'submissions', String(number), 'reviews', 'round-1', 'victoria-ciobanu.yaml');
  check('sending records the review in one commit', commits() === before + 1 && fs.existsSync(review) && /verdict: minor-revision/.test(fs.readFileSync(review, 'utf8')), git('log', '-1', '--format=%s'));
  check('... with the draft\'s comments, and the draft is gone', fs.existsSync(review) && fs.readFileSync(review, 'utf8').includes('The second table needs units') && !fs.existsSync(draft));
  await step('the page says the review was received', async () => {
    if (!(await page.locator('#received').count())) throw new Error((await page.locator('body').textContent()).slice(0, 300));
  });
  await visitCheck(page, 'the review received (en)', 'review-received-en');
  await page.goto(`${link}?lang=ru`);
  await visitCheck(page, 'the review received (ru)', 'review-received-ru');
  await page.close();
}

async function reviewerDeclines(browser, number) {
  const link = await invite(number, 'asel-bekova', 'a.bekova@example.org');
  const page = await browser.newPage({ viewport: DESKTOP });
  const problems = watch(page);
  await page.goto(link + '?lang=ru');
  await page.locator('#answer-decline').check();
  await page.locator('#reason').fill('В отпуске до июня');
  await page.locator('#suggested').fill('Д-р Коллега, Алматы');
  const before = commits();
  await send(page, page.locator('form button[type=submit]'));
  checkLoaded(problems, 'the declined invitation');
  check('the record says the invitation was declined, in one commit', assignmentState(number, 'asel-bekova') === 'declined' && commits() === before + 1, assignmentState(number, 'asel-bekova'));
  const yaml = record(number);
  check('... with the reason and the colleague as typed', yaml.includes('В отпуске до июня') && yaml.includes('Д-р Коллега, Алматы'));
  await visitCheck(page, 'the declined invitation (ru)', 'declined-ru');
  await page.goto(link);
  await visitCheck(page, 'the declined invitation (en)', 'declined-en');
  await page.close();
}

// The editor asked for a revision: the author sends it through the status link.
async function authorRevises(browser, number, statusLink) {
  const page = await browser.newPage({ viewport: DESKTOP });
  const problems = watch(page);
  await page.goto(`${statusLink}?lang=ru`);
  checkLoaded(problems, 'the status page with the revision form (ru)');
  await visitCheck(page, 'the status page with the revision form (ru)', 'revision-form-ru');
  await page.goto(statusLink);
  await step('the status page shows the decision letter and the revision form', async () => {
    if (!(await page.locator('#letters').count()) || !(await page.locator('#revision').count())) throw new Error((await page.locator('body').textContent()).slice(0, 400));
  });
  await visitCheck(page, 'the status page with the revision form (en)', 'revision-form-en');
  const file = path.join(tmp, 'revised.md');
  // The manuscript as stored (front matter and all), with what the reviewer asked for.
  const stored = fs.readFileSync(path.join(journalDir, 'submissions', String(number), 'manuscript.md'), 'utf8');
  fs.writeFileSync(file, stored + '\n## Units\n\nThe second table now gives its units.\n');
  await page.locator('#manuscript').setInputFiles(file);
  await page.locator('#response').fill('Dear reviewers, we added the units to the second table.');
  const before = commits();
  await send(page, page.locator('#revision ~ form button[type="submit"], form button[type="submit"]').last());
  if (problems.length) problems.push(...(await page.locator('.form-error').allTextContents()));
  checkLoaded(problems, 'the status page after the revision');
  const yaml = record(number);
  check('the revision is one commit: round 2, under review', commits() === before + 1 && /^round: 2$/m.test(yaml), git('log', '-1', '--format=%s'));
  const dir = path.join(journalDir, 'submissions', String(number));
  check('... the revised manuscript and the response to reviewers stored', fs.readFileSync(path.join(dir, 'manuscript.md'), 'utf8').includes('The second table now gives its units.') && fs.existsSync(path.join(dir, 'responses', 'round-2.md')) && fs.readFileSync(path.join(dir, 'responses', 'round-2.md'), 'utf8').includes('we added the units'));
  await visitCheck(page, 'the status page after the revision (en)', 'revised-en');
  await page.close();
}

// Round 2: the same reviewer, invited again, accepts and sends a review through the desk.
async function roundTwo(browser, number) {
  const link = await invite(number, 'victoria-ciobanu', 'v.ciobanu@example.org');
  const page = await browser.newPage({ viewport: DESKTOP });
  const problems = watch(page);
  await page.goto(link);
  await page.locator('#answer-accept').check();
  await send(page, page.locator('form button[type=submit]'));
  checkLoaded(problems, 'round 2: the accepted invitation');
  check('round 2: the record says the invitation was accepted', assignmentState(number, 'victoria-ciobanu') === 'accepted', assignmentState(number, 'victoria-ciobanu'));
  await page.locator('#verdict-accept').check();
  await page.locator('#comments').fill('Convincing now: the units are there.');
  const before = commits();
  await send(page, page.locator('button[name="send"]'));
  checkLoaded(problems, 'round 2: the sent review');
  const review = path.join(journalDir, 'submissions', String(number), 'reviews', 'round-2', 'victoria-ciobanu.yaml');
  check('round 2: the review is recorded in one commit', commits() === before + 1 && fs.existsSync(review) && /verdict: accept/.test(fs.readFileSync(review, 'utf8')));
  await page.close();
}

async function notFound(browser, base, number) {
  const page = await browser.newPage({ viewport: DESKTOP });
  let r = await page.goto(`${base}/review/${number}/${'0'.repeat(64)}`);
  check('a wrong link is a 404', r.status() === 404, `HTTP ${r.status()}`);
  await visitCheck(page, 'the 404 page', 'not-found');
  r = await page.goto(`${base}/status/${number}/${'0'.repeat(64)}?lang=ru`);
  check('a wrong status link is a 404 too', r.status() === 404, `HTTP ${r.status()}`);
  await visitCheck(page, 'the 404 page (?lang=ru)', 'not-found-ru');
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
  let number = 0;
  let statusLink = '';
  try {
    [number, statusLink] = await authorSubmits(browser, base, 'en');
    await authorSubmits(browser, base, 'ru');
    if (!number) throw new Error('no English submission to follow');
    const title = AUTHORS.en.title;
    await reviewerAccepts(browser, number, title);
    await reviewerDeclines(browser, number);
    journal('decide', String(number), 'revise');
    check('the editor decides revise (CLI)', /^state: revision-requested$/m.test(record(number)), record(number).match(/^state: .*$/m)?.[0]);
    await step('... and the author is mailed the decision', () => waitForMail(AUTHORS.en.email, /\S/, 0, new RegExp(`Decision on submission ${number}`)));
    await authorRevises(browser, number, statusLink);
    await roundTwo(browser, number);
    journal('decide', String(number), 'accept');
    check('the editor accepts (CLI)', /^state: accepted$/m.test(record(number)), record(number).match(/^state: .*$/m)?.[0]);
    const page = await browser.newPage({ viewport: DESKTOP });
    await page.goto(statusLink);
    await step('the status page says the submission is accepted', async () => {
      const state = await page.locator('.state').textContent();
      if (!/accepted/i.test(state)) throw new Error(state);
    });
    await visitCheck(page, 'the status page, accepted (en)', 'status-accepted-en');
    await page.close();
    await notFound(browser, base, number);
  } finally {
    await browser.close();
  }
  if (number) {
    await step('build-issue publishes the accepted article', async () => {
      journal('build-issue', '3', '--add', String(number), '--title', 'Careers');
      const yaml = record(number);
      if (!/^state: published$/m.test(yaml) || !/^issue: 3$/m.test(yaml)) throw new Error(yaml.slice(0, 400));
    });
    const site = path.join(tmp, 'site');
    await step('build-site puts the article on the site, with its title', async () => {
      journal('build-site', '--draft', '-o', site);
      for (const rel of [['articles', String(number), 'index.html']]) {
        const file = path.join(site, ...rel);
        if (!fs.existsSync(file)) throw new Error(`no ${rel.join('/')}`);
        const html = fs.readFileSync(file, 'utf8');
        if (!html.includes(AUTHORS.en.title)) throw new Error(`${rel.join('/')} lacks the title`);
      }
      if (!fs.readFileSync(path.join(site, 'issues', '3', 'index.html'), 'utf8').includes(AUTHORS.en.title)) throw new Error('the issue page lacks the article');
    });
  }
  const pages = fs.readdirSync(pagesDir).map((f) => path.join(pagesDir, f));
  check('desk pages were saved for the Nu HTML Checker', pages.length >= 20, `${pages.length} pages`);
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
