// Cross-site scripting: the hostile corpus of tests/xss/ in a real browser.
//
//     node tests/browser/xss.test.mjs JOURNAL_BINARY
//
// tests/xss/build-sites.sh takes the hostile manuscripts, page and review through
// the workflow (submit, assign, review, decide, build-issue) and builds the site
// twice: with allow_raw_html: false (site-safe) and true (site-raw). Both are
// served on 127.0.0.1 and Debian's Chromium (playwright-core) opens EVERY .html,
// .svg and .xml file of each. A page fails on:
//   - a dialog (alert, confirm, prompt, beforeunload) or a page error;
//   - a <script> (any namespace) that is neither the theme's own (a src among
//     themes/default/assets/*.js) nor a JSON-LD data block in <head> that parses;
//   - an event-handler attribute (on*) on any element (the theme has none);
//   - a javascript:, vbscript: or data: URL in href, src, action, formaction,
//     xlink:href, data, poster, background, cite, srcset (data: only as a
//     raster image in <img src>);
//   - an <iframe>, <frame>, <object>, <embed>, <base>, <form>, <meta http-equiv>
//     other than the theme's Content-Security-Policy, or a <style>/<link> that
//     is not the theme's (the world map's own <style> aside);
//   - a request outside the loopback server (every such request is aborted),
//     a navigation away from the page or a new window;
//   - a console error (a Content-Security-Policy violation, for one);
//   - no Content-Security-Policy meta tag with script-src 'self' (and the
//     policy is shown to stop an inline script and handler put on a page).
// It also checks that the corpus reached the pages (the hostile title is shown
// as text; the raw site keeps the allowed HTML of the hostile page), so that a
// site without the articles cannot pass.
//
// Prints "ok - ..." / "not ok - ..." and "N passed, M failed"; exits 1 on a
// failure. JOURNAL_TEST_KEEP=1 keeps the scratch folder; CHROMIUM overrides the browser.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { CHROMIUM, SOURCE_DIR, check, fail, findFiles, finish, pass, serve } from './lib.mjs';

const THEME_SCRIPTS = fs
  .readdirSync(path.join(SOURCE_DIR, 'themes', 'default', 'assets'))
  .filter((f) => f.endsWith('.js'));

// Runs in the page: everything on it that content could have put there to run code.
function inspectPage(themeScripts) {
  const problems = [];
  const describe = (el) => {
    const html = el.outerHTML || `<${el.localName}>`;
    return html.length > 160 ? html.slice(0, 160) + '...' : html;
  };
  const isHead = (el) => el.closest && el.closest('head') !== null;
  const all = [...document.getElementsByTagNameNS('*', '*')];
  // Pagefind's interface draws its search box as a form that never submits (action
  // "javascript:void(0);"), in the search page's #search: that one form, and nothing else, is
  // its own and not content.
  const pagefindForm = (el) =>
    el.localName === 'form' && el.classList.contains('pagefind-ui__form') && el.closest('#search') !== null &&
    el.getAttribute('action') === 'javascript:void(0);' && document.querySelector('form') === el;
  for (const el of all) {
    const name = el.localName.toLowerCase();
    if (pagefindForm(el)) continue;
    for (const attr of [...el.attributes]) {
      const an = attr.name.toLowerCase();
      if (an.startsWith('on')) problems.push(`event handler ${attr.name} on ${describe(el)}`);
      if (['href', 'src', 'action', 'formaction', 'xlink:href', 'data', 'poster', 'background', 'cite', 'srcset', 'dynsrc', 'lowsrc'].includes(an)) {
        // What the browser makes of it: tab and newline removed, leading control characters and spaces too.
        // eslint-disable-next-line no-control-regex
        const v = attr.value.replace(/[\t\n\r]/g, '').replace(/^[\x00-\x20]+/, '').toLowerCase();
        const rasterImg = name === 'img' && an === 'src' && /^data:image\/(png|gif|jpeg|webp)[;,]/.test(v);
        if (/^(javascript|vbscript|livescript):/.test(v) || (v.startsWith('data:') && !rasterImg)) {
          problems.push(`${attr.name}="${attr.value.slice(0, 80)}" on ${describe(el)}`);
        }
      }
    }
    if (name === 'script') {
      const type = (el.getAttribute('type') || '').toLowerCase();
      const src = el.getAttribute('src');
      if (type === 'application/ld+json' && !src && isHead(el)) {
        try {
          JSON.parse(el.textContent);
        } catch (e) {
          problems.push(`JSON-LD that does not parse (${e.message}): ${describe(el)}`);
        }
      } else if (!src || !themeScripts.includes(new URL(src, document.baseURI).href)) {
        problems.push(`script not from the theme: ${describe(el)}`);
      }
    }
    if (['iframe', 'frame', 'frameset', 'object', 'embed', 'applet', 'base', 'form', 'portal', 'fencedframe'].includes(name)) {
      problems.push(`<${name}> on the page: ${describe(el)}`);
    }
    if (name === 'meta' && el.hasAttribute('http-equiv')) {
      const eq = el.getAttribute('http-equiv').toLowerCase();
      if (eq !== 'content-security-policy' || !isHead(el)) problems.push(`meta http-equiv: ${describe(el)}`);
    }
    // An HTML <link> (Atom's and the sitemap's are data) only in the head.
    if (name === 'link' && el.namespaceURI === 'http://www.w3.org/1999/xhtml' && document.contentType === 'text/html' && !isHead(el)) {
      problems.push(`link outside the head: ${describe(el)}`);
    }
    // The theme's only <style> is the world map's, inside its <svg class="world-map">.
    if (name === 'style' && !(el.closest && el.closest('svg.world-map, svg.year-chart')) && document.contentType === 'text/html') {
      problems.push(`style element from content: ${describe(el)}`);
    }
  }
  if (document.contentType === 'text/html') {
    const csp = document.head && document.head.querySelector('meta[http-equiv="Content-Security-Policy"]');
    if (!csp || !/(^|;)\s*script-src 'self'\s*(;|$)/.test(csp.content)) problems.push("no Content-Security-Policy with script-src 'self' in the head");
  }
  return problems;
}

async function main() {
  const journalBin = process.argv[2] ? path.resolve(process.argv[2]) : '';
  if (!journalBin || !fs.existsSync(journalBin)) {
    fail(`the journal binary ${journalBin || '(none given)'} exists`, 'usage: node xss.test.mjs JOURNAL_BINARY');
    return;
  }
  const tmp = fs.mkdtempSync(path.join(process.env.TMPDIR || os.tmpdir(), 'journal-xss.'));
  const keep = process.env.JOURNAL_TEST_KEEP === '1';
  if (keep) console.log(`# keeping ${tmp}`);
  process.on('exit', () => {
    if (!keep) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const built = spawnSync('bash', [path.join(SOURCE_DIR, 'tests', 'xss', 'build-sites.sh'), journalBin, tmp], {
    encoding: 'utf8',
    env: { ...process.env, SOURCE_DIR, HOME: tmp },
  });
  if (!check('the hostile corpus goes through the workflow and builds two sites', built.status === 0, built.stderr, built.stdout)) return;
  const numbers = fs.readFileSync(path.join(tmp, 'numbers'), 'utf8').trim().split('\n').map(Number);

  const { chromium } = await import('playwright-core');
  const server = await serve(tmp);
  const base = `http://127.0.0.1:${server.address().port}/`;
  let browser;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox'] });
  } catch (e) {
    fail(`launch Chromium (${CHROMIUM})`, e.message.split('\n').slice(0, 10).join('\n'));
    server.close();
    return;
  }
  try {
    for (const site of ['site-safe', 'site-raw']) await walkSite(browser, base, path.join(tmp, site), site, numbers);
  } finally {
    await browser.close();
    server.close();
  }
}

async function walkSite(browser, base, dir, site, numbers) {
  const siteBase = `${base}${site}/`;
  const files = findFiles(dir, (p) => /\.(html|svg|xml)$/.test(p));
  const html = files.filter((f) => f.endsWith('.html'));
  check(`${site}: the site has HTML pages, among them the hostile articles and page`, html.length > 10 &&
    numbers.every((n) => fs.existsSync(path.join(dir, 'articles', String(n), 'index.html'))) &&
    fs.existsSync(path.join(dir, 'hostile', 'index.html')), `${html.length} pages`);

  const context = await browser.newContext();
  context.setDefaultTimeout(15000);
  const outside = [];
  // Nothing leaves the machine: requests elsewhere are recorded and aborted.
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(base) || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  const popups = [];
  context.on('page', (p) => popups.push(p.url()));
  // The theme's scripts, and Pagefind's interface on the search page (pagefind/<shard>/, which
  // build-site's Pagefind writes and the theme's search.js loads; nothing a manuscript holds).
  const shardList = path.join(dir, 'pagefind', 'shards.json');
  const shards = fs.existsSync(shardList) ? JSON.parse(fs.readFileSync(shardList, 'utf8')).shards : [];
  const themeScripts = [...THEME_SCRIPTS.map((f) => `${siteBase}assets/${f}`),
    ...shards.map((s) => `${siteBase}pagefind/${s.path}pagefind-ui.js`)];

  for (const file of files) {
    const rel = path.relative(dir, file);
    const url = siteBase + rel.split(path.sep).join('/');
    const page = await context.newPage();
    const events = [];
    page.on('dialog', (d) => {
      events.push(`dialog ${d.type()}: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    page.on('pageerror', (e) => events.push(`page error: ${e.message}`));
    page.on('console', (m) => {
      // A missing image (<img src="x"> is allowed raw HTML) is not an attack; anything else is reported.
      if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) events.push(`console error: ${m.text()}`);
    });
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame() && f.url() !== url && f.url() !== url.replace(/index\.html$/, '')) events.push(`navigated to ${f.url()}`);
    });
    outside.length = 0;
    popups.length = 0;
    let problems = [];
    try {
      const r = await page.goto(url, { waitUntil: 'load' });
      if (!r || r.status() !== 200) events.push(`HTTP ${r && r.status()}`);
      // Let a zero-delay refresh, a timer or a focus handler have its turn before looking.
      await page.evaluate(() => new Promise((res) => requestAnimationFrame(() => setTimeout(res, 50))));
      problems = await page.evaluate(inspectPage, themeScripts);
    } catch (e) {
      events.push(`could not inspect: ${e.message.split('\n')[0]}`);
    }
    const all = [...events, ...problems, ...outside.map((u) => `request outside the site: ${u}`), ...popups.map((u) => `new window: ${u}`)];
    check(`${site}: ${rel}: no script, handler, dangerous URL or navigation from content`, all.length === 0, ...all.slice(0, 25), ...(all.length > 25 ? [`... and ${all.length - 25} more`] : []));
    await page.close();
  }

  // The policy is in force: an inline script that got onto the page would not run.
  const page = await context.newPage();
  const refused = [];
  page.on('console', (m) => refused.push(m.text()));
  await page.goto(`${siteBase}articles/${numbers[1]}/index.html`);
  const ran = await page.evaluate(() => {
    const s = document.createElement('script');
    s.textContent = 'window.__xssRan = true;';
    document.body.appendChild(s);
    const img = document.createElement('img');
    img.setAttribute('onerror', 'window.__xssRan = true;');
    img.src = 'data:,';
    document.body.appendChild(img);
    return new Promise((res) => setTimeout(() => res(window.__xssRan === true), 100));
  });
  check(`${site}: the Content-Security-Policy stops an inline script and handler`, !ran && refused.some((t) => t.includes('Content Security Policy')), `ran: ${ran}`, ...refused);

  // The corpus reached the pages, as text where it is not HTML.
  const [front, body] = numbers;
  await page.goto(`${siteBase}articles/${front}/index.html`);
  const h1 = await page.locator('h1').first().textContent();
  check(`${site}: the hostile title is shown as text`, h1.includes("<script>alert('title')</script>") && h1.includes('{{site.title}}'), h1);
  const author = await page.locator('.author-name').first().textContent();
  check(`${site}: the hostile author name is shown as text`, author.includes("<script>alert('author')</script>"), author);
  await page.goto(`${siteBase}articles/${body}/index.html`);
  const bodyText = await page.locator('.article-body').textContent();
  check(`${site}: the body shows template syntax as text`, bodyText.includes('{{site.title}}') && bodyText.includes('{{> head}}'), bodyText.slice(0, 300));
  await page.goto(`${siteBase}hostile/index.html`);
  const allowed = await page.locator('.page-body p[title="allowed"] em').count();
  const safeLink = await page.locator('.page-body a[href="https://example.org/"]').count();
  if (site === 'site-raw') {
    check(`${site}: allowed raw HTML is kept (p[title], em, an https link)`, allowed === 1 && safeLink === 1, `p[title=allowed] em: ${allowed}, https link: ${safeLink}`);
  } else {
    const text = await page.locator('.page-body').textContent();
    check(`${site}: raw HTML is shown as text`, allowed === 0 && text.includes('<p title="allowed">'), text.slice(0, 300));
  }
  await context.close();
}

try {
  await main();
} catch (e) {
  fail('the test ran to the end', e.stack || String(e));
}
finish();
