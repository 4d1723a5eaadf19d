// Drive the Neo4j Browser in a running headless Chromium over the DevTools protocol:
// connect with the credentials, apply tagjack's style, play tagjack's guide, click one of its
// queries, run it, wait for the graph, take a screenshot.
//
//   NEO4J_PASSWORD=... node --experimental-websocket tests/browser/neo4j_browser.mjs CONFIG.json
//
// CONFIG: {devtools: "http://127.0.0.1:PORT" (Chromium's --remote-debugging-port),
//          browserUrl, boltUrl, user, styleUrl, guideUrl,
//          query: text that picks the guide's query to click, screenshot: PNG path,
//          timeoutMs: budget of each wait}
// The password comes from NEO4J_PASSWORD only (never argv) and is never printed: every line
// written is scrubbed of it. Progress goes to stderr, one line a step; the last stdout line is
// a JSON report of what the page showed, also on failure (then with `failedAt` and `error`,
// and a screenshot of the page as it was). Exit code 0 unless the script itself broke.
import { readFileSync, writeFileSync } from 'node:fs';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const password = process.env.NEO4J_PASSWORD ?? '';
const scrub = (text) => (password ? String(text).split(password).join('***') : String(text));
const log = (line) => process.stderr.write(scrub(`neo4j_browser: ${line}`) + '\n');
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const timeoutMs = config.timeoutMs ?? 30000;

if (typeof WebSocket !== 'function') {
  console.log(JSON.stringify({ failedAt: 'start', error: `node ${process.version} has no WebSocket (needs 20.10+ with --experimental-websocket)` }));
  process.exit(0);
}

// -- a minimal DevTools protocol client ---------------------------------------------------

class Page {
  constructor(ws) {
    this.ws = ws;
    this.id = 0;
    this.pending = new Map();
    this.listeners = new Map();
    ws.addEventListener('message', (event) => {
      const msg = JSON.parse(event.data);
      if (msg.id && this.pending.has(msg.id)) {
        const { resolve, reject, method } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) reject(new Error(`${method}: ${msg.error.message}`));
        else resolve(msg.result);
      } else if (msg.method) {
        for (const fn of this.listeners.get(msg.method) ?? []) fn(msg.params);
      }
    });
  }

  static async open(devtools) {
    let targets = [];
    for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(200)) {
      try {
        targets = await (await fetch(`${devtools}/json/list`)).json();
        if (targets.some((t) => t.type === 'page')) break;
      } catch { /* Chromium still starting */ }
    }
    const target = targets.find((t) => t.type === 'page');
    if (!target) throw new Error(`no page target at ${devtools}`);
    const ws = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      ws.addEventListener('open', resolve);
      ws.addEventListener('error', () => reject(new Error('cannot open the DevTools WebSocket')));
    });
    return new Page(ws);
  }

  send(method, params = {}) {
    return new Promise((resolve, reject) => {
      const id = ++this.id;
      this.pending.set(id, { resolve, reject, method });
      this.ws.send(JSON.stringify({ id, method, params }));
    });
  }

  on(method, fn) {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), fn]);
  }

  // Evaluate `fn(arg)` in the page; its value (JSON-able) or a thrown error.
  async call(fn, arg = null) {
    const expression = `(() => { ${PAGE}; return (${fn})(${JSON.stringify(arg)}); })()`;
    const { result, exceptionDetails } = await this.send('Runtime.evaluate', {
      expression, awaitPromise: true, returnByValue: true });
    if (exceptionDetails) {
      throw new Error(exceptionDetails.exception?.description ?? exceptionDetails.text);
    }
    return result.value;
  }

  // Poll `fn(arg)` until it returns something truthy; throw `what` after the budget.
  async until(what, fn, arg = null, ms = timeoutMs) {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await this.call(fn, arg);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await sleep(250);
    }
  }

  async click(x, y) {
    for (const type of ['mouseMoved', 'mousePressed', 'mouseReleased']) {
      await this.send('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
    }
  }

  async screenshot(path) {
    const { data } = await this.send('Page.captureScreenshot', { format: 'png' });
    writeFileSync(path, Buffer.from(data, 'base64'));
  }
}

// -- in the page (each runs inside the Neo4j Browser) --------------------------------------
// Page.call sends a function's source, so these see only the page and the helpers in PAGE.

function squash(text) {
  return text.replace(/\s+/g, ' ').trim();
}

// The newest result frame of `command` (frames stack newest first), or undefined.
function frameOf(command) {
  return [...document.querySelectorAll('[data-testid=frame]')].find((f) =>
    squash(f.querySelector('[data-testid=frameCommand]')?.textContent ?? '').includes(squash(command)));
}

// {text, error} of the newest frame of `command`; null while there is none.
function frameFor(command) {
  const frame = frameOf(command);
  if (!frame) return null;
  const text = frame.innerText;
  // An error frame reads e.g. "ERROR InvalidGrassError Failed to fetch" (no space in innerText).
  return { text: text.slice(0, 2000), error: /\bERROR|Failed to fetch/.test(text) ? text.slice(0, 500) : null };
}

// Put `text` in the main editor: focus it (the frames' own editors are read-only copies).
function focusEditor() {
  const area = document.querySelector('[data-testid=activeEditor] textarea.inputarea')
    ?? document.querySelector('textarea.inputarea');
  if (!area) return false;
  area.focus();
  return true;
}

function fillConnectForm({ url, user, password }) {
  const set = (testid, value) => {
    const el = document.querySelector(`[data-testid="${testid}"]`);
    if (!el) return false;
    // React owns these inputs: set through the native setter, then tell React.
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(el, value);
    el.dispatchEvent(new Event('input', { bubbles: true }));
    return true;
  };
  const method = document.querySelector('[data-testid=authenticationMethod]');
  if (method && method.value !== 'NATIVE') {
    Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set.call(method, 'NATIVE');
    method.dispatchEvent(new Event('change', { bubbles: true }));
  }
  // The Browser splits a pasted "bolt://host:port" into its scheme menu and address field.
  const ok = set('boltaddress', url) && set('username', user) && set('password', password);
  const scheme = document.querySelector('[data-testid=bolt-scheme-select]')?.value ?? '';
  return ok ? scheme + document.querySelector('[data-testid=boltaddress]').value : null;
}

// The guide frame's runnable block containing `marker`, scrolled into view: its centre, or
// null after moving to the next slide (the carousel renders only the current one).
function findRunnable({ command, marker }) {
  const frame = frameOf(command);
  if (!frame) return null;
  const pre = [...frame.querySelectorAll('pre.runnable')].find((p) => p.textContent.includes(marker));
  if (!pre) {
    const next = frame.querySelector('button.next-slide:not([disabled])');
    if (next) next.click();
    return null;
  }
  pre.scrollIntoView({ block: 'center' });
  const box = pre.getBoundingClientRect();
  return { x: box.left + box.width / 2, y: box.top + box.height / 2, text: pre.textContent,
           slide: frame.querySelector('[data-testid=carousel]')?.innerText.match(/\d+ \/ \d+/)?.[0] };
}

// The graph drawn in the newest frame of `command`: node and relationship counts, the
// status line, the node fills, and a fingerprint of the layout (stable once it settles).
function graphIn(command) {
  const frame = frameOf(command);
  if (!frame) return null;
  const nodes = [...frame.querySelectorAll('svg g.node')];
  const status = frame.innerText.match(/Displaying (\d+) nodes?, (\d+) relationships?/);
  const error = /\bERROR|Neo\.\w+Error\./.test(frame.innerText) ? frame.innerText.slice(0, 500) : null;
  if (!error && (!nodes.length || !status)) return null;
  return {
    error,
    svgNodes: nodes.length,
    svgRelationships: frame.querySelectorAll('svg g.relationship').length,
    nodes: status ? Number(status[1]) : null,
    relationships: status ? Number(status[2]) : null,
    status: status?.[0] ?? null,
    fills: [...new Set(nodes.map((n) => n.querySelector('circle.b-outline')?.getAttribute('fill')))],
    layout: nodes.slice(0, 40).map((n) => n.getAttribute('transform')).join(';'),
  };
}

const PAGE = [squash, frameOf, frameFor].map(String).join('\n');

// -- the walk-through ----------------------------------------------------------------------

const report = { steps: [], errors: [], screenshot: config.screenshot };
let step = 'start';
const done = (what, detail = '') => { report.steps.push(what); log(`${what}${detail ? ': ' + detail : ''}`); };
let page;

async function run(command) {
  // Type a command into the Browser's editor and press its Run button.
  await page.until('the editor', focusEditor);
  await page.send('Input.insertText', { text: command });
  await page.until(`"${command}" in the editor`, (c) => {
    const lines = document.querySelector('[data-testid=activeEditor] .view-lines');
    return lines && squash(lines.innerText).includes(squash(c));
  }, command);
  await page.call(() => document.querySelector('[data-testid=editor-Run]').click());
}

try {
  step = 'open';
  page = await Page.open(config.devtools);
  const requests = new Map();
  page.on('Runtime.exceptionThrown', ({ exceptionDetails: d }) => report.errors.push({
    kind: 'exception', text: d.exception?.description ?? d.text, url: d.url ?? '',
    stack: (d.stackTrace?.callFrames ?? []).map((f) => f.url).filter(Boolean).slice(0, 5) }));
  page.on('Runtime.consoleAPICalled', ({ type, args, stackTrace }) => {
    if (type === 'error' || type === 'assert') report.errors.push({
      kind: `console.${type}`, text: args.map((a) => a.value ?? a.description ?? '').join(' '),
      url: stackTrace?.callFrames?.[0]?.url ?? '' });
  });
  page.on('Log.entryAdded', ({ entry }) => {
    if (entry.level === 'error') report.errors.push({ kind: `log.${entry.source}`, text: entry.text, url: entry.url ?? '' });
  });
  page.on('Network.requestWillBeSent', ({ requestId, request }) => requests.set(requestId, request.url));
  page.on('Network.responseReceived', ({ requestId, response }) => {
    if (response.status >= 400) report.errors.push({ kind: 'http', text: `${response.status} ${response.statusText}`, url: response.url });
  });
  page.on('Network.loadingFailed', ({ requestId, errorText, blockedReason, corsErrorStatus }) => report.errors.push({
    kind: 'network', url: requests.get(requestId) ?? '',
    text: [errorText, blockedReason, corsErrorStatus?.corsError].filter(Boolean).join(' ') }));
  for (const domain of ['Page', 'Runtime', 'Log', 'Network']) await page.send(`${domain}.enable`);
  await page.send('Emulation.setDeviceMetricsOverride', { width: 1400, height: 900, deviceScaleFactor: 1, mobile: false });

  step = 'load the Browser';
  await page.send('Page.navigate', { url: config.browserUrl });
  await page.until('the connect form', () => !!document.querySelector('[data-testid=password]'));
  done('loaded', config.browserUrl);

  step = 'connect';
  report.connectUrl = await page.until('the connect form to take the credentials', fillConnectForm,
    { url: config.boltUrl, user: config.user, password });
  await page.call(() => document.querySelector('[data-testid=connect]').click());
  report.connected = await page.until('"You are connected as user"', () => {
    const text = document.body.innerText;
    const at = text.indexOf('You are connected as user');
    if (at >= 0) return text.slice(at, at + 200).replace(/\s+/g, ' ').replace(/ Connection credentials.*/, '');
    const failed = text.match(/(Neo\.ClientError\.\S+|ServiceUnavailable|WebSocket connection failure)[^\n]*/);
    return failed ? `NOT CONNECTED: ${failed[0].slice(0, 300)}` : null;
  });
  if (report.connected.startsWith('NOT CONNECTED')) throw new Error(report.connected);
  done('connected', report.connected);

  step = 'apply the style';
  const style = `:style ${config.styleUrl}`;
  await run(style);
  report.style = await page.until(`the frame of ${style}`, (c) => {
    const f = frameFor(c);
    return f && (f.error || f.text.includes('node.Account')) ? f : null;
  }, style);
  if (report.style.error) throw new Error(`${style}: ${report.style.error}`);
  done('style applied');

  step = 'play the guide';
  const play = `:play ${config.guideUrl}`;
  await run(play);
  report.guide = await page.until(`the guide of ${play}`, (c) => {
    const f = frameFor(c);
    return f && (f.error || f.text.includes('#MyNYPD')) ? f : null;
  }, play);
  if (report.guide.error) throw new Error(`${play}: ${report.guide.error}`);
  done('guide shown', report.guide.text.split('\n').slice(0, 2).join(' '));

  step = 'click the guide query';
  const block = await page.until(`a guide block with "${config.query}"`, findRunnable,
    { command: play, marker: config.query });
  report.clicked = { text: block.text, slide: block.slide };
  await page.click(block.x, block.y);
  // Move the pointer off the page's content: over a drawn node or relationship it would swap
  // the graph's overview (with the "Displaying N nodes" line) for that element's properties.
  await page.send('Input.dispatchMouseEvent', { type: 'mouseMoved', x: 1399, y: 1 });
  const wanted = squash(block.text);
  await page.until('the clicked query in the editor', (w) => {
    const lines = document.querySelector('[data-testid=activeEditor] .view-lines');
    return lines && squash(lines.innerText) === w;
  }, wanted);
  done('query in the editor', `slide ${block.slide}`);

  step = 'run the guide query';
  await page.call(() => document.querySelector('[data-testid=editor-Run]').click());
  report.result = await page.until('the graph of the guide query', graphIn, wanted);
  if (report.result.error) throw new Error(`the guide query failed: ${report.result.error}`);
  done('graph drawn', report.result.status);

  step = 'let the layout settle';
  let last = '';
  for (const until = Date.now() + 8000; Date.now() < until; await sleep(400)) {
    const now = (await page.call(graphIn, wanted))?.layout ?? '';
    if (now === last) break;
    last = now;
  }
  const settled = await page.call(graphIn, wanted);
  report.result = { ...report.result, ...(settled ?? {}) };
  delete report.result.layout;

  step = 'screenshot';
  await page.screenshot(config.screenshot);
  done('screenshot', config.screenshot);
  step = null;
} catch (error) {
  report.failedAt = step;
  report.error = error.message;
  log(`failed at "${step}": ${error.message}`);
  try {
    if (page) {
      report.page = (await page.call(() => document.body.innerText)).slice(0, 3000);
      await page.screenshot(config.screenshot);
    }
  } catch { /* the page is gone too */ }
}
console.log(scrub(JSON.stringify(report)));
process.exit(0);
