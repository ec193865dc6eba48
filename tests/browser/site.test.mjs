// Browser and validation tests for the site that `journal build-site` renders.
//
//     node tests/browser/site.test.mjs JOURNAL_BINARY
//
// Builds the sample journal at the repository root into a scratch folder,
// validates every page with the Nu HTML Checker (vnu-jar, on the machine's Java),
// serves the site on 127.0.0.1 and walks it with Debian's Chromium through
// playwright-core: home -> latest issue -> an article -> statistics, checking
// visible text against the journal's own data (`journal --json show`, `journal
// stats --json`) and running axe-core on each page it visits (also the archive,
// authors, keywords and Russian article pages, and two in the dark colour
// scheme). Screenshots go to $JOURNAL_ARTIFACTS (default: ./artifacts/browser).
//
// Prints "ok - ..." / "not ok - ..." per check and "N passed, M failed"; exits 1
// on any failure. JOURNAL_TEST_KEEP=1 keeps the scratch folder. SOURCE_DIR takes
// the sample journal from another tree; CHROMIUM and JAVA override the browser
// and the Java runtime (defaults: /usr/bin/chromium, java on PATH).

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
  findFiles,
  finish,
  firstLines,
  normalise,
  note,
  pass,
  run,
  screenshot,
  serve,
  step,
  vnuCheck,
  watch,
} from './lib.mjs';

// ----------------------------------------------------------- the sample site

const journalBin = process.argv[2] ? path.resolve(process.argv[2]) : '';
if (!journalBin || !fs.existsSync(journalBin)) {
  fail(`the journal binary ${journalBin || '(none given)'} exists`, 'usage: node site.test.mjs JOURNAL_BINARY');
  finish();
  process.exit(1);
}

const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'journal-browser.'));
const keep = process.env.JOURNAL_TEST_KEEP === '1';
if (keep) note(`keeping ${tmp}`);
process.on('exit', () => {
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
  // The search index in shards of 2 articles: the sample's articles are in several, merged by
  // the search page.
  JOURNAL_SEARCH_SHARD_SIZE: '2',
  ASAN_OPTIONS: `${process.env.ASAN_OPTIONS ? process.env.ASAN_OPTIONS + ':' : ''}exitcode=86:abort_on_error=0`,
  UBSAN_OPTIONS: `${process.env.UBSAN_OPTIONS ? process.env.UBSAN_OPTIONS + ':' : ''}exitcode=87:print_stacktrace=1`,
};
fs.mkdirSync(env.HOME);

const journalDir = path.join(tmp, 'journal');
const siteDir = path.join(tmp, '_site');

// The sample journal, committed in a new repository (as tests/cli/lib.sh's sample_journal does).
function copySample() {
  fs.mkdirSync(journalDir);
  for (const name of ['journal.yaml', 'reviewers.yaml', 'submissions', 'issues', 'themes', 'pages']) {
    const from = path.join(SOURCE_DIR, name);
    if (name === 'pages' && !fs.existsSync(from)) continue;
    fs.cpSync(from, path.join(journalDir, name), { recursive: true });
  }
  fs.writeFileSync(path.join(journalDir, '.gitignore'), '/.journal/\n/_site/\n');
  addSupplementary();
  const git = ['-c', 'init.defaultBranch=main', '-c', 'core.autocrlf=false', '-c', 'commit.gpgsign=false'];
  for (const args of [['init', '-q'], ['add', '-A'], ['commit', '-q', '-m', 'Sample journal']]) {
    const r = run('git', [...git, '-C', journalDir, ...args], { env });
    if (r.status !== 0) throw new Error(`git ${args[0]}: ${r.stderr}`);
  }
}

// Supplementary material on an English article (the first of the latest issue, which the test
// opens) and a Russian one, with a name that needs percent-encoding, so that its section is
// validated and checked in both languages.
const SUPPLEMENTARY = { 2: 'данные опроса.csv', 6: 'data.csv' };
function addSupplementary() {
  for (const [number, name] of Object.entries(SUPPLEMENTARY)) {
    const files = path.join(journalDir, 'submissions', number, 'files');
    fs.mkdirSync(files, { recursive: true });
    fs.writeFileSync(path.join(files, name), 'year,posts\n2025,3\n');
  }
  for (const file of fs.readdirSync(path.join(journalDir, 'issues'))) {
    const manifest = path.join(journalDir, 'issues', file);
    const text = fs.readFileSync(manifest, 'utf8').replace(/^articles: \[(.*)\]$/m, (all, list) => {
      const entries = list.split(',').map((n) => n.trim());
      // Pages too, so that the table of contents shows them (and the DOI below).
      const listed = entries.map((n, i) => {
        const supplementary = SUPPLEMENTARY[n] ? `, supplementary: ["${SUPPLEMENTARY[n]}"]` : '';
        return `{submission: ${n}, pages: "${10 * i + 1}-${10 * i + 9}"${supplementary}}`;
      });
      return `articles: [${listed.join(', ')}]`;
    });
    fs.writeFileSync(manifest, text);
  }
  fs.appendFileSync(path.join(journalDir, 'submissions', '6', 'submission.yaml'), 'doi: 10.99999/jcsrp.2025.1.2.1\n');
}

// journal [ARGS...] on the copy; returns stdout, throws with stderr on failure.
function journal(...args) {
  const r = run(journalBin, ['-C', journalDir, ...args], { env });
  if (r.status !== 0 || /ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:/.test(r.stderr)) {
    throw new Error(`journal ${args.join(' ')}: exit ${r.status}\n${firstLines(r.stderr, 20)}`);
  }
  return r.stdout;
}

const journalJson = (...args) => JSON.parse(journal('--json', ...args));

// --------------------------------------------------------------------- vnu

function validateHtml() {
  // pagefind/ is Pagefind's own interface and index, not the site's pages.
  const ours = (p) => !path.relative(siteDir, p).startsWith('pagefind' + path.sep);
  const files = findFiles(siteDir, (p) => (p.endsWith('.html') || p.endsWith('.css')) && ours(p));
  const html = files.filter((p) => p.endsWith('.html'));
  check('the site has HTML pages', html.length > 0, `no .html files in ${siteDir}`);
  vnuCheck(files, siteDir);
}

// ------------------------------------------------------------ page checks

async function visibleText(page, selector) {
  const loc = page.locator(selector).first();
  await loc.waitFor({ state: 'visible', timeout: STEP_TIMEOUT });
  // textContent, not innerText: the text as written, whatever CSS text-transform shows.
  return normalise(await loc.textContent());
}

async function expectVisibleText(page, selector, expected, desc) {
  await step(desc, async () => {
    const got = await visibleText(page, selector);
    if (!got.includes(normalise(expected))) throw new Error(`${selector}: expected to contain "${expected}", got "${got.slice(0, 300)}"`);
  });
}

// The site title, in the language of the page (<html lang>).
async function expectSiteTitle(page, truth, desc) {
  const lang = await page.evaluate(() => document.documentElement.lang).catch(() => '');
  await expectVisibleText(page, '.site-title', titleIn(truth, lang), desc);
}

// Waits until the URL ends with `suffix` after a click.
async function clickAndWait(page, locator, suffix) {
  await Promise.all([page.waitForURL((u) => u.pathname.endsWith(suffix), { timeout: STEP_TIMEOUT }), locator.click()]);
}

// ---------------------------------------------------------------- the truth

// A top-level text field of journal.yaml: a plain or quoted scalar, or a map of
// languages; returns { lang: text } (a scalar is the text for every language, '*').
function yamlText(yaml, key) {
  const unquote = (v) => {
    v = v.trim();
    if (v.startsWith('"')) return JSON.parse(v);
    if (v.startsWith("'")) return v.slice(1, -1).replace(/''/g, "'");
    return v;
  };
  const lines = yaml.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${key}:`));
  if (i < 0) return {};
  const inline = lines[i].slice(key.length + 1).trim();
  if (inline) return { '*': unquote(inline) };
  const langs = {};
  for (const l of lines.slice(i + 1)) {
    const m = l.match(/^\s+([a-z]{2,3}):\s*(.+)$/);
    if (!m) break;
    langs[m[1]] = unquote(m[2]);
  }
  return langs;
}

// The journal's title in a page's language (else in English, else the first one).
function titleIn(truth, lang) {
  const t = truth.titles;
  return t[lang] ?? t['*'] ?? t.en ?? Object.values(t)[0] ?? '';
}

function readTruth() {
  const yaml = fs.readFileSync(path.join(journalDir, 'journal.yaml'), 'utf8');
  const titles = yamlText(yaml, 'title');
  const title = titles.en ?? titles['*'] ?? Object.values(titles)[0] ?? '';

  const stats = journalJson('stats');
  // The latest issue: the manifest with the latest date (then the highest number),
  // leaving out scheduled issues, dated after today (they are not public yet).
  const issues = fs
    .readdirSync(path.join(journalDir, 'issues'))
    .filter((f) => /^\d+\.yaml$/.test(f))
    .map((f) => {
      const text = fs.readFileSync(path.join(journalDir, 'issues', f), 'utf8');
      const field = (k) => (text.match(new RegExp(`^${k}:\\s*"?([^"\\n]*)"?\\s*$`, 'm')) || [])[1] || '';
      const titles = yamlText(text, 'title');
      return {
        file: Number(f.replace('.yaml', '')),
        date: field('date'),
        title: titles.en ?? titles['*'] ?? '',
        fallbackLabel: `Vol. ${field('volume')}, No. ${field('number')} (${field('year')})`,
      };
    })
    .filter((i) => i.date <= env.JOURNAL_TODAY)
    .sort((a, b) => a.date.localeCompare(b.date) || a.file - b.file);
  const latest = issues[issues.length - 1];
  const scope = (stats.by_issue || []).find((s) => s.issue === latest?.file);
  // The Russian article: `lang: ru` in a manuscript's front matter, and published.
  const published = new Set(journalJson('list').filter((s) => s.state === 'published').map((s) => s.number));
  const russian = fs
    .readdirSync(path.join(journalDir, 'submissions'))
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .sort((a, b) => a - b)
    .filter((n) => {
      const md = fs.readFileSync(path.join(journalDir, 'submissions', String(n), 'manuscript.md'), 'utf8');
      const front = md.match(/^---\n([^]*?)\n---/);
      return front && /^lang:\s*["']?ru["']?\s*$/m.test(front[1]) && published.has(n);
    })
    .map((number) => ({ number }))[0];
  return { title, titles, stats, latest: latest && { ...latest, label: scope?.label ?? latest.fallbackLabel }, russian };
}

// ------------------------------------------------------------------- main

async function main() {
  const started = Date.now();
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of fs.readdirSync(ARTIFACTS)) if (/^\d\d-.*\.png$/.test(f)) fs.rmSync(path.join(ARTIFACTS, f));

  try {
    copySample();
    pass('copy the sample journal into a new git repository');
  } catch (e) {
    fail('copy the sample journal into a new git repository', e.message);
    return;
  }
  try {
    journal('build-site', '--draft', '-o', siteDir); // the sample's base_url is a placeholder
    pass('journal build-site renders the sample journal');
  } catch (e) {
    fail('journal build-site renders the sample journal', e.message);
    return;
  }

  let truth;
  try {
    truth = readTruth();
    check('the sample has a journal title', truth.title !== '', 'no title: in journal.yaml');
    check('the sample has a latest issue with a label', truth.latest && truth.latest.label, JSON.stringify(truth.latest));
    check('the sample has a published article in Russian', truth.russian, 'no published submission with lang: ru');
  } catch (e) {
    fail('read the sample journal through journal --json list / stats', e.message);
    return;
  }

  const t0 = Date.now();
  validateHtml();
  note(`vnu took ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  const { chromium } = await import('playwright-core');
  const server = await serve(siteDir);
  const base = `http://127.0.0.1:${server.address().port}/`;
  note(`serving ${siteDir} at ${base}`);
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  } catch (e) {
    fail(`launch Chromium (${CHROMIUM})`, firstLines(e.message, 10));
    server.close();
    return;
  }
  try {
    await walk(browser, base, truth);
    await search(browser, base, truth);
  } finally {
    await browser.close();
    server.close();
  }
  note(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

async function walk(browser, base, truth) {
  // bypassCSP: axe-core goes in as an inline script, which the theme's Content-Security-Policy
  // forbids (tests/browser/xss.test.mjs checks the policy itself).
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light', bypassCSP: true });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems = watch(page);

  // Home.
  await page.goto(base + 'index.html');
  checkLoaded(problems, 'home');
  await expectSiteTitle(page, truth, 'home: the site title is visible');
  await expectVisibleText(page, 'h1', truth.title, 'home: the main heading names the journal');
  // The "latest issue" block when the home page has one, else anywhere on the page.
  const latestScope = (await page.locator('section.latest').count()) > 0 ? page.locator('section.latest') : page;
  const latestLink = latestScope.getByRole('link', { name: truth.latest.label, exact: true }).first();
  await step(`home: the latest issue "${truth.latest.label}" is visible`, () => latestLink.waitFor({ state: 'visible' }));
  await axeCheck(page, 'home');
  await screenshot(page, 'home-desktop');

  // Latest issue.
  const issueOk = await step('home -> latest issue: click the issue link', () =>
    clickAndWait(page, latestLink, `issues/${truth.latest.file}/index.html`),
  );
  let articleNumber = 0;
  if (issueOk !== false) {
    checkLoaded(problems, 'issue page');
    await expectVisibleText(page, 'main', truth.latest.label, 'issue page: the issue label is visible');
    if (truth.latest.title) await expectVisibleText(page, 'h1', truth.latest.title, 'issue page: the issue title is the main heading');
    await expectSiteTitle(page, truth, 'issue page: the site title is visible');
    await axeCheck(page, 'issue page');
    await screenshot(page, 'issue-desktop');

    // An article from the table of contents.
    const tocLink = page.locator('.toc a[href*="articles/"]').first();
    const href = await tocLink.getAttribute('href').catch(() => null);
    articleNumber = Number((href || '').match(/articles\/(\d+)\//)?.[1] || 0);
    check('issue page: the table of contents links to articles', articleNumber > 0, `first link: ${href}`);
    if (articleNumber > 0) {
      const ok = await step(`issue page -> article ${articleNumber}: click it in the table of contents`, () =>
        clickAndWait(page, tocLink, `articles/${articleNumber}/index.html`),
      );
      if (ok !== false) {
        await checkArticle(page, problems, truth, articleNumber, `article ${articleNumber}`, 'article-desktop');
        if (SUPPLEMENTARY[articleNumber]) await checkSupplementary(page, articleNumber, SUPPLEMENTARY[articleNumber]);
      }
    }
  }

  // Statistics, through the main navigation.
  const navLink = page.locator('nav.site-nav a[href$="statistics/index.html"]').first();
  const linked = await step('the main navigation links to statistics/index.html', () => navLink.waitFor({ state: 'visible', timeout: 3000 }));
  let onStats = false;
  if (linked !== false) {
    onStats = (await step('-> statistics: click it in the main navigation', () => clickAndWait(page, navLink, 'statistics/index.html'))) !== false;
  } else {
    note('going to statistics/index.html directly to check the rest');
    const r = await page.goto(base + 'statistics/index.html');
    onStats = check('statistics/index.html exists', r && r.status() === 200, `HTTP ${r && r.status()}`);
    problems.length = 0;
  }
  if (onStats) await checkStatistics(page, problems, truth);

  // The other pages.
  for (const [rel, label] of [
    ['archive/index.html', 'archive'],
    ['authors/index.html', 'authors'],
    ['keywords/index.html', 'keywords'],
  ]) {
    const r = await page.goto(base + rel);
    if (!check(`${label}: ${rel} loads`, r && r.status() === 200, `HTTP ${r && r.status()}`)) continue;
    checkLoaded(problems, label);
    await expectSiteTitle(page, truth, `${label}: the site title is visible`);
    await step(`${label}: has a visible main heading`, () => page.locator('main h1').first().waitFor({ state: 'visible' }));
    await axeCheck(page, label);
    await screenshot(page, `${label}-desktop`);
  }

  const ru = truth.russian?.number ?? 0;
  const r = ru ? await page.goto(base + `articles/${ru}/index.html`) : null;
  if (ru && check(`Russian article ${ru} loads`, r && r.status() === 200, `HTTP ${r && r.status()}`)) {
    await checkArticle(page, problems, truth, ru, `Russian article ${ru}`, 'article-ru-desktop');
    const lang = await page.evaluate(() => document.documentElement.lang);
    check(`Russian article ${ru}: <html lang="ru">`, lang === 'ru', `lang="${lang}"`);
    if (SUPPLEMENTARY[ru]) await checkSupplementary(page, ru, SUPPLEMENTARY[ru]);
  }

  // Dark colour scheme: the stylesheet has one, so its contrast is checked too.
  await page.emulateMedia({ colorScheme: 'dark' });
  for (const [rel, label] of [
    ['index.html', 'home (dark)'],
    [`articles/${articleNumber || ru}/index.html`, `article ${articleNumber || ru} (dark)`],
  ]) {
    await page.goto(base + rel);
    await axeCheck(page, label);
  }
  await screenshot(page, 'article-dark-desktop');
  await context.close();

  // Mobile.
  const mobile = await browser.newContext({ viewport: MOBILE, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  mobile.setDefaultTimeout(STEP_TIMEOUT);
  const mpage = await mobile.newPage();
  for (const [rel, label] of [
    ['index.html', 'home'],
    [`articles/${articleNumber || ru}/index.html`, 'article'],
  ]) {
    await mpage.goto(base + rel);
    const width = await mpage.evaluate(() => document.documentElement.scrollWidth);
    check(`${label} at ${MOBILE.width} px: no horizontal scrolling`, width <= MOBILE.width, `document is ${width} px wide`);
    await screenshot(mpage, `${label}-mobile`);
  }
  await mobile.close();
}

// ------------------------------------------------------------------ search

// The search page in each language: Pagefind's interface over the index build-site wrote into
// pagefind/ in shards (merged by the page: results and filters from every shard), under the theme's Content-Security-Policy (no bypassCSP: its WebAssembly must be
// allowed). Russian is stemmed ("реформа", a form the article does not hold, finds the
// article with "реформы"), an English word finds English articles, results show authors and
// issue, and a filter narrows them.
async function search(browser, base, truth) {
  const context = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light' });
  context.setDefaultTimeout(STEP_TIMEOUT);
  const page = await context.newPage();
  const problems = watch(page);
  const csp = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Content-Security-Policy/i.test(m.text())) csp.push(m.text());
  });
  // The shards whose results' fragments the page fetched (pagefind/<shard>/fragment/...).
  const fragmentsFrom = new Set();
  page.on('request', (r) => {
    const m = /\/pagefind\/([^/]+)\/fragment\//.exec(new URL(r.url()).pathname);
    if (m) fragmentsFrom.add(m[1]);
  });
  const shardList = JSON.parse(fs.readFileSync(path.join(siteDir, 'pagefind', 'shards.json'), 'utf8')).shards;
  check('search: the index is in several shards (pagefind/shards.json)', shardList.length >= 3,
    shardList.map((s) => s.path).join(', '));
  const results = page.locator('.pagefind-ui__result');
  const links = async () => (await page.locator('.pagefind-ui__result-link').evaluateAll((a) => a.map((x) => new URL(x.href).pathname)));
  // The values shown for each filter, without their counts: {type: [...], language: [...]}.
  const filterValues = () => page.locator('.pagefind-ui__filter-checkbox').evaluateAll((boxes) => {
    const out = {};
    for (const box of boxes) {
      const label = document.querySelector(`label[for="${CSS.escape(box.id)}"]`);
      const text = (label ? label.textContent : '').replace(/\s*\(\d+\)\s*$/, '').trim();
      (out[box.name] = out[box.name] || []).push(text);
    }
    return out;
  });
  async function query(text) {
    await page.locator('.pagefind-ui__search-input').fill(text);
    await page.locator('.pagefind-ui__message').filter({ hasText: text }).waitFor();
    await results.first().waitFor();
  }

  const ru = truth.russian?.number ?? 0;
  const ruArticle = `/articles/${ru}/index.html`;
  const ruText = fs.readFileSync(path.join(siteDir, 'articles', String(ru), 'index.html'), 'utf8');
  check('search: the Russian article holds "реформы" and not "реформа" (so finding it takes stemming)',
    /реформы/.test(ruText) && !/реформа(?![а-яё])/i.test(ruText), `articles/${ru}/index.html`);

  await page.goto(base + 'ru/search/index.html');
  checkLoaded(problems, 'search (ru)');
  await step('search (ru): the search page is linked from the header as the current page', async () => {
    const current = normalise(await page.locator('.site-nav a[aria-current="page"]').textContent());
    if (current !== 'Поиск') throw new Error(`current nav entry: "${current}"`);
  });
  await step('search (ru): "реформа" finds the Russian article (Russian stemming)', async () => {
    await query('реформа');
    const got = await links();
    if (!got.includes(ruArticle)) throw new Error(`results: ${got.join(', ')}`);
  });
  await step('search (ru): the result shows the authors and the issue, labelled in Russian', async () => {
    const sub = journalJson('show', String(ru));
    const item = results.filter({ has: page.locator(`a[href$="${ruArticle}"]`) }).first();
    const authors = normalise(await item.locator('[data-pagefind-ui-meta="authors"]').textContent());
    const issue = normalise(await item.locator('[data-pagefind-ui-meta="issue"]').textContent());
    if (!authors.startsWith('Авторы') || !sub.authors.every((a) => authors.includes(a.name))) throw new Error(`authors: "${authors}"`);
    if (!issue.startsWith('Выпуск') || !/\(\d{4}\)/.test(issue)) throw new Error(`issue: "${issue}"`);
  });
  await step('search (ru): the filters\' values are in Russian (Научная статья, Русский, Английский), whatever the articles\' language', async () => {
    const values = await filterValues();
    const types = values.type || [], langs = values.language || [];
    if (!types.includes('Научная статья') || !langs.includes('Русский') || !langs.includes('Английский'))
      throw new Error(`filters: ${JSON.stringify(values)}`);
    const latin = [...types, ...langs].filter((v) => /[A-Za-z]/.test(v));
    if (latin.length) throw new Error(`not in Russian: ${latin.join(', ')} (${JSON.stringify(values)})`);
  });
  checkLoaded(problems, 'search (ru): searching');
  check('search (ru): no Content-Security-Policy violation', csp.length === 0, ...csp);
  await screenshot(page, 'search-ru');

  await page.goto(base + 'search/index.html');
  checkLoaded(problems, 'search (en)');
  let all = [];
  await step('search (en): "recruitment" finds English articles', async () => {
    await query('recruitment');
    all = await links();
    const english = all.filter((u) => u.startsWith('/articles/') && u !== ruArticle);
    if (english.length < 2) throw new Error(`results: ${all.join(', ')}`);
  });
  await step('search (en): the Article type filter "Research article" leaves only research articles', async () => {
    await page.locator('.pagefind-ui__filter-name', { hasText: 'Article type' }).waitFor();
    await page.locator('.pagefind-ui__filter-label', { hasText: /^Research article/ }).click();
    // The results are drawn again: wait for the narrower list.
    await page.waitForFunction((n) => {
      const k = document.querySelectorAll('.pagefind-ui__result-link').length;
      return k > 0 && k < n;
    }, all.length);
    const got = await links();
    const types = got.map((u) => {
      const number = (/^\/articles\/(\d+)\//.exec(u) || [])[1];
      return number ? journalJson('show', number).type : `not an article: ${u}`;
    });
    if (!got.length || types.some((t) => t !== 'research-article')) throw new Error(`after the filter: ${got.join(', ')} (${types.join(', ')}; before: ${all.join(', ')})`);
  });
  await step('search (en): the filters\' values are in English (Research article once, English, Russian)', async () => {
    const values = await filterValues();
    const types = values.type || [], langs = values.language || [];
    if (types.filter((t) => t === 'Research article').length !== 1 || !langs.includes('English') || !langs.includes('Russian'))
      throw new Error(`filters: ${JSON.stringify(values)}`);
    const other = [...types, ...langs].filter((v) => /[а-яё]/i.test(v));
    if (other.length) throw new Error(`not in English: ${other.join(', ')} (${JSON.stringify(values)})`);
  });
  await step('search (en): the filters are Language, Article type and Year', async () => {
    const names = await page.locator('.pagefind-ui__filter-name').allTextContents();
    for (const want of ['Language', 'Article type', 'Year'])
      if (!names.map(normalise).includes(want)) throw new Error(`filters: ${names.join(', ')}`);
  });
  await step('search (en): the English page searches the Russian index too ("реформа")', async () => {
    await page.locator('.pagefind-ui__filter-checkbox:checked').uncheck();
    await query('реформа');
    const got = await links();
    if (!got.includes(ruArticle)) throw new Error(`results: ${got.join(', ')}`);
  });
  await step('search (en): "performance" finds articles in both languages, from several shards; the Language filter Russian leaves the Russian one', async () => {
    fragmentsFrom.clear();
    await query('performance');
    const before = await links();
    if (!before.includes(ruArticle) || before.length < 2) throw new Error(`results: ${before.join(', ')}`);
    await page.waitForFunction(() => !document.querySelector('.pagefind-ui__result-link') ||
      document.querySelectorAll('.pagefind-ui__result-link').length === document.querySelectorAll('.pagefind-ui__result').length);
    const articleShards = [...fragmentsFrom].filter((s) => s !== 'pages');
    if (articleShards.length < 2) throw new Error(`results' fragments from the shards: ${[...fragmentsFrom].join(', ') || 'none'}`);
    await page.locator('.pagefind-ui__filter-label', { hasText: /^Russian/ }).click();
    await page.waitForFunction((n) => {
      const k = document.querySelectorAll('.pagefind-ui__result-link').length;
      return k > 0 && k < n;
    }, before.length);
    const got = await links();
    if (got.length !== 1 || got[0] !== ruArticle) throw new Error(`before: ${before.join(', ')}; with Russian: ${got.join(', ')}`);
  });
  checkLoaded(problems, 'search (en): searching');
  check('search (en): no Content-Security-Policy violation', csp.length === 0, ...csp);
  await screenshot(page, 'search-en');
  await context.close();

  // axe-core goes in as an inline script: with the policy bypassed, as on the other pages.
  const bypass = await browser.newContext({ viewport: DESKTOP, colorScheme: 'light', bypassCSP: true });
  bypass.setDefaultTimeout(STEP_TIMEOUT);
  const axePage = await bypass.newPage();
  for (const [rel, label] of [['ru/search/index.html', 'search (ru)'], ['search/index.html', 'search (en)']]) {
    await axePage.goto(base + rel);
    await axePage.locator('.pagefind-ui__search-input').fill('реформа');
    await axePage.locator('.pagefind-ui__result').first().waitFor().catch(() => {});
    await axeCheck(axePage, `${label} with results`);
  }
  await bypass.close();
}

async function checkArticle(page, problems, truth, number, label, shot) {
  checkLoaded(problems, label);
  let sub;
  try {
    sub = journalJson('show', String(number));
  } catch (e) {
    fail(`${label}: journal --json show ${number}`, e.message);
    return;
  }
  await expectSiteTitle(page, truth, `${label}: the site title is visible`);
  await step(`${label}: the title is the main heading`, async () => {
    const got = await visibleText(page, 'h1');
    if (got !== normalise(sub.title)) throw new Error(`h1: expected "${sub.title}", got "${got}"`);
  });
  for (const a of sub.authors) {
    await step(`${label}: author ${a.name} is visible`, () => page.locator('article header').getByText(a.name, { exact: false }).first().waitFor({ state: 'visible' }));
  }
  // The abstract heading is in the article's language (and so is checked loosely there).
  await step(`${label}: an abstract heading is visible`, async () => {
    const h = page.locator('#abstract-title, section.abstract h2').first();
    await h.waitFor({ state: 'visible' });
    const text = normalise(await h.textContent());
    if (sub.lang === 'en' && text !== 'Abstract') throw new Error(`expected "Abstract", got "${text}"`);
    if (!text) throw new Error('empty abstract heading');
  });
  await axeCheck(page, label);
  await screenshot(page, shot);
}

// The supplementary material is linked on the article page, with its type and size, and
// the link gives the attachment's bytes.
async function checkSupplementary(page, number, name) {
  const label = `article ${number}`;
  await step(`${label}: the supplementary material is linked with its type and size`, async () => {
    const link = page.locator('section.supplementary a[download]').first();
    await link.waitFor({ state: 'visible' });
    const text = normalise(await link.textContent());
    if (text !== name) throw new Error(`link text: expected "${name}", got "${text}"`);
    const meta = normalise(await page.locator('section.supplementary .supplementary-meta').first().textContent());
    if (!/^\(CSV, \d+ (B|Б)\)$/.test(meta)) throw new Error(`type and size: got "${meta}"`);
    const href = await link.getAttribute('href');
    const body = await page.evaluate(async (url) => (await fetch(url)).text(), href);
    const expected = fs.readFileSync(path.join(journalDir, 'submissions', String(number), 'files', name), 'utf8');
    if (body !== expected) throw new Error(`${href} gave ${JSON.stringify(body)}`);
  });
}

async function checkStatistics(page, problems, truth) {
  const label = 'statistics';
  checkLoaded(problems, label);
  const stats = truth.stats;
  await expectSiteTitle(page, truth, `${label}: the site title is visible`);
  await step(`${label}: the headline p.stats-headline contains the article count ${stats.articles}`, async () => {
    const text = await visibleText(page, 'p.stats-headline');
    if (!new RegExp(`(^|\\D)${stats.articles}(\\D|$)`).test(text)) throw new Error(`headline: "${text}"`);
  });
  await step(`${label}: table#stats-countries is visible`, () => page.locator('table#stats-countries').waitFor({ state: 'visible' }));

  const map = await page.evaluate(() => {
    const svg = document.querySelector('svg.world-map');
    if (!svg) return null;
    return [...svg.querySelectorAll('path[data-country]')].map((p) => ({
      code: p.getAttribute('data-country'),
      articles: p.getAttribute('data-articles'),
      fill: getComputedStyle(p).fill,
    }));
  });
  if (!check(`${label}: an inline svg.world-map with path[data-country] elements`, map && map.length > 0, map ? 'no path[data-country]' : 'no svg.world-map')) {
    await axeCheck(page, label);
    await screenshot(page, 'statistics-desktop');
    return;
  }
  const withAuthors = new Set(stats.countries.map((c) => c.code.toLowerCase()));
  // A country drawn as several shapes has several paths with its code: each is checked.
  const byCode = new Map();
  for (const p of map) byCode.set(p.code, [...(byCode.get(p.code) ?? []), p]);
  const others = map.filter((p) => !withAuthors.has(p.code));
  check(`${label}: every data-country is a lowercase two-letter code`, map.every((p) => /^[a-z]{2}$/.test(p.code)), ...map.filter((p) => !/^[a-z]{2}$/.test(p.code)).map((p) => `data-country="${p.code}"`));
  const stray = others.filter((p) => p.articles !== null && Number(p.articles) >= 1);
  check(`${label}: no country without authors has data-articles >= 1`, stray.length === 0, ...stray.map((p) => `${p.code}: data-articles="${p.articles}"`));
  const baseline = others.find((p) => p.articles === null || Number(p.articles) === 0);
  check(`${label}: the map has countries without authors`, baseline, `${others.length} paths outside ${[...withAuthors].join(' ')}`);
  for (const c of stats.countries) {
    const code = c.code.toLowerCase();
    const paths = byCode.get(code) ?? [];
    if (!check(`${label}: map has ${code} (${c.name})`, paths.length > 0, `no path[data-country="${code}"]`)) continue;
    const wrong = paths.filter((p) => p.articles !== String(c.articles));
    check(`${label}: ${code} data-articles="${c.articles}"`, wrong.length === 0, ...wrong.map((p) => `data-articles="${p.articles}"`));
    if (baseline) {
      const same = paths.filter((p) => p.fill === baseline.fill);
      check(`${label}: ${code} is filled differently from ${baseline.code} (no authors)`, same.length === 0, ...same.map((p) => `both ${p.fill}`));
    }
  }
  await axeCheck(page, label);
  await screenshot(page, 'statistics-desktop');
}

try {
  await main();
} catch (e) {
  fail('the test ran to the end', e.stack || String(e));
}
finish();
