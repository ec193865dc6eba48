// What the browser tests share (site.test.mjs, desk.test.mjs): TAP-like reporting, the Nu
// HTML Checker, axe-core, screenshots and the watch on a page's loads.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
// The sample journal: the repository root (or $SOURCE_DIR, as for tests/cli).
export const SOURCE_DIR = path.resolve(process.env.SOURCE_DIR || path.join(HERE, '..', '..'));
const MODULES = path.join(HERE, 'node_modules');
const VNU_JAR = path.join(MODULES, 'vnu-jar', 'build', 'dist', 'vnu.jar');
const AXE_JS = path.join(MODULES, 'axe-core', 'axe.min.js');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const JAVA = process.env.JAVA || 'java';
export const ARTIFACTS = path.resolve(process.env.JOURNAL_ARTIFACTS || path.join(process.cwd(), 'artifacts', 'browser'));
export const DESKTOP = { width: 1280, height: 800 };
export const MOBILE = { width: 390, height: 844 };
export const STEP_TIMEOUT = 15000;

let passed = 0;
let failed = 0;

export function pass(desc) {
  passed++;
  console.log(`ok - ${desc}`);
}

export function fail(desc, ...details) {
  failed++;
  console.log(`not ok - ${desc}`);
  // eslint-disable-next-line no-control-regex
  const plain = (x) => String(x).replace(/\x1b\[[0-9;]*m/g, '');
  for (const d of details.flatMap((x) => plain(x).split('\n'))) console.log(`    # ${d}`);
}

export function check(desc, cond, ...details) {
  if (cond) pass(desc);
  else fail(desc, ...details);
  return Boolean(cond);
}

export function note(msg) {
  console.log(`# ${msg}`);
}

// Runs one check that may throw (a Playwright timeout, a missing element).
export async function step(desc, fn) {
  try {
    const r = await fn();
    if (r !== false) pass(desc);
    return r;
  } catch (e) {
    fail(desc, firstLines(e && e.message ? e.message : String(e), 6));
    return false;
  }
}

export function firstLines(s, n) {
  return s.split('\n').slice(0, n).join('\n');
}

export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
}

// ------------------------------------------------------------------ helpers

export const normalise = (s) => String(s ?? '').replace(/\s+/g, ' ').trim();

export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r;
}

export function findFiles(dir, pred) {
  const out = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...findFiles(p, pred));
    else if (pred(p)) out.push(p);
  }
  return out.sort();
}


// Validates files (HTML, and CSS with --also-check-css) with the Nu HTML Checker: one check
// per file, its errors as "relative/path:line:col: message [extract]" (relative to root).
export function vnuCheck(files, root) {
  const r = run(JAVA, ['-jar', VNU_JAR, '--errors-only', '--also-check-css', '--format', 'json', ...files]);
  let messages;
  try {
    // The report is the JSON on stderr (after any JVM notice such as "Picked up JAVA_TOOL_OPTIONS").
    messages = JSON.parse(r.stderr.slice(r.stderr.indexOf('{'))).messages;
  } catch {
    fail('the Nu HTML Checker runs', `exit ${r.status}`, firstLines(r.stderr + r.stdout, 20));
    return;
  }
  const byFile = new Map(files.map((f) => [f, []]));
  const other = [];
  for (const m of messages) {
    if (m.type !== 'error' && m.subType !== 'fatal') continue;
    const file = m.url ? fileURLToPath(m.url) : '';
    const line = m.firstLine ?? m.lastLine ?? 0;
    const col = m.firstColumn ?? m.lastColumn ?? 0;
    const text = `${path.relative(root, file)}:${line}:${col}: ${m.message}${m.extract ? `  [${normalise(m.extract)}]` : ''}`;
    (byFile.get(file) ?? other).push(text);
  }
  for (const [file, errs] of byFile) {
    check(`vnu: ${path.relative(root, file)} is valid`, errs.length === 0, ...errs);
  }
  if (other.length) fail('vnu: no errors outside the checked files', ...other);
}


let shotNumber = 0;
export async function screenshot(page, name) {
  shotNumber++;
  const file = path.join(ARTIFACTS, `${String(shotNumber).padStart(2, '0')}-${name}.png`);
  try {
    await page.screenshot({ path: file, fullPage: true });
    note(`screenshot: ${file}`);
  } catch (e) {
    fail(`screenshot ${name}`, e.message);
  }
}

// axe-core on the current page; serious and critical violations fail.
export async function axeCheck(page, label) {
  try {
    // Evaluated, not added as a <script>: the desk's Content-Security-Policy forbids inline
    // scripts, and the page is checked under the policy it is served with.
    await page.evaluate(fs.readFileSync(AXE_JS, 'utf8'));
    const results = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    const minor = results.violations.filter((v) => !bad.includes(v));
    for (const v of minor) note(`axe (${label}): ${v.impact} ${v.id}: ${v.help} (${v.nodes.length} nodes)`);
    const details = bad.flatMap((v) => [
      `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})`,
      ...v.nodes.slice(0, 10).map((n) => `  ${n.target.join(' ')}${n.failureSummary ? ` -- ${normalise(n.failureSummary).slice(0, 200)}` : ''}`),
      ...(v.nodes.length > 10 ? [`  ... and ${v.nodes.length - 10} more`] : []),
    ]);
    check(`axe: no serious or critical violations on ${label}`, bad.length === 0, ...details);
  } catch (e) {
    fail(`axe: runs on ${label}`, firstLines(e.message, 6));
  }
}

// Collects 4xx/5xx responses, failed requests and page errors while a page loads.
export function watch(page) {
  const problems = [];
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} ${r.url()}`);
  });
  page.on('requestfailed', (r) => problems.push(`request failed ${r.url()}: ${r.failure()?.errorText}`));
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  // Failed loads are reported by the response listener above; Chromium's own
  // console line for them would also count the browser's /favicon.ico probe.
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) problems.push(`console error: ${m.text()}`);
  });
  return problems;
}

// Call after the page has loaded.
export function checkLoaded(problems, label) {
  check(`${label}: every resource loads, no script errors`, problems.length === 0, ...problems);
  problems.length = 0;
}

// A static file server for root on a free loopback port (resolves with the server).
export const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.pdf': 'application/pdf',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
};

export function serve(root) {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(root, path.normalize(rel));
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, data) => {
      if (err) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream' });
      res.end(data);
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}
