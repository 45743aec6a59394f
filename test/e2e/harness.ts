/**
 * Shared pieces of the end-to-end tests: Debian's Chromium driven by playwright-core against a real
 * `isotherm serve` process, a small generated data set, and canvas pixel statistics.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { after, before } from 'node:test';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { swissRoll } from '../../src-core/synthetic/swiss-roll.js';
import type { MiniCanvas, MiniDocument } from './dom-types.js';

declare const document: MiniDocument & { body: { dataset: Record<string, string | undefined> } };

export const REPO = fileURLToPath(new URL('../../../', import.meta.url));
export const OUTPUT = join(REPO, 'test-output', 'e2e');
export const CHROMIUM = process.env.ISOTHERM_CHROMIUM ?? '/usr/bin/chromium';

/** A reason to skip the browser tests, or false when Chromium is there. */
export function browserSkip(): string | false {
  return existsSync(CHROMIUM) ? false : `Chromium not found at ${CHROMIUM}: skipping the browser e2e tests (install it with .ci/e2e-deps.sh)`;
}

export interface Served {
  readonly url: string;
  readonly process: ChildProcess;
  readonly stderr: string[];
  stop(): Promise<void>;
}

/** `env`: variables to set for the server (e.g. HOME, the folder the file browser and exports start from). */
export async function startServe(args: readonly string[] = [], cwd = REPO, env: Readonly<Record<string, string>> = {}): Promise<Served> {
  const child = spawn(process.execPath, [join(REPO, 'bin', 'isotherm.js'), 'serve', '--port', '0', ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`isotherm serve printed no URL in 20 s: ${out} ${stderr.join('')}`)), 20000);
    child.stdout!.on('data', (d: Buffer) => {
      out += String(d);
      const m = /http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]+\//.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code) => reject(new Error(`isotherm serve exited with ${code}: ${stderr.join('')}`)));
  });
  return {
    url,
    process: child,
    stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** In a `describe`: `isotherm serve` and a browser, started before its tests and closed after them. */
export function servedBrowser(): { served: Served; browser: Browser } {
  const s = {} as { served: Served; browser: Browser };
  before(async () => {
    s.served = await startServe();
    s.browser = await launchBrowser();
  });
  after(async () => {
    await s.browser?.close();
    await s.served?.stop();
  });
  return s;
}

/** Opens the bench page (renderer/src/bench.ts) with `query` and returns the JSON it leaves in body[data-result] when done. */
export async function benchPageResult(served: Served, browser: Browser, query: string, waitMs: number, pollMs: number): Promise<unknown> {
  await browser.page.goto(`${served.url}bench.html?${query}`);
  await browser.page.waitForFunction(() => document.body.dataset.result !== undefined, null, { timeout: waitMs, polling: pollMs });
  return JSON.parse((await browser.page.evaluate(() => document.body.dataset.result))!) as unknown;
}

export interface Browser {
  readonly context: BrowserContext;
  readonly page: Page;
  readonly errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'isotherm-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1200, height: 800 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A Swiss roll in 10-D as CSV: cell_id, a categorical "segment" (along the roll), features g0..g9. */
export function writeRollCsv(path: string, n: number): void {
  const d = swissRoll(n, { dim: 10, seed: 7, noise: 0.3 });
  const lines = ['cell_id,segment,' + Array.from({ length: 10 }, (_, j) => `g${j}`).join(',')];
  for (let i = 0; i < n; i++) {
    const s = d.unrolled[2 * i]!;
    const seg = s < 35 ? 'inner' : s < 70 ? 'middle' : 'outer';
    const row = Array.from(d.points.subarray(i * 10, i * 10 + 10), (v) => v.toFixed(4));
    lines.push(`cell${i},${seg},${row.join(',')}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface PixelStats {
  readonly width: number;
  readonly height: number;
  /** Fraction of pixels with any ink (alpha > 0). */
  readonly inked: number;
  /** Fraction of pixels drawn nearly opaque (alpha > 150: selected points, or all when nothing is selected). */
  readonly strong: number;
  /** Fraction of faint pixels (alpha < 60: dimmed, unselected points). */
  readonly faint: number;
  /** Distinct colours among inked pixels (quantised to 4 bits per channel). */
  readonly colours: number;
  /** Distinct hues among saturated inked pixels (12 bins). */
  readonly hues: number;
}

/** Statistics of what a WebGL canvas (by test id; the main map's by default) currently shows (it keeps its drawing buffer). */
export async function canvasStats(page: Page, testid = 'map-canvas'): Promise<PixelStats> {
  return page.evaluate((id) => {
    const src = document.querySelector(`[data-testid=${id}]`) as MiniCanvas;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    let inked = 0, strong = 0, faint = 0;
    const colours = new Set<number>();
    const hues = new Set<number>();
    for (let i = 0; i < px.length; i += 4) {
      const a = px[i + 3]!;
      if (a === 0) continue;
      inked++;
      if (a > 150) strong++;
      else if (a < 60) faint++;
      const r = px[i]!, g = px[i + 1]!, b = px[i + 2]!;
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
      const max = Math.max(r, g, b), min = Math.min(r, g, b);
      if (a > 128 && max - min > 60) {
        let h: number;
        if (max === r) h = ((g - b) / (max - min) + 6) % 6;
        else if (max === g) h = (b - r) / (max - min) + 2;
        else h = (r - g) / (max - min) + 4;
        hues.add(Math.floor(h * 2));
      }
    }
    const n = c.width * c.height;
    return { width: c.width, height: c.height, inked: inked / n, strong: strong / n, faint: faint / n, colours: colours.size, hues: hues.size };
  }, testid);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Waits until the map shows a run newer than `after` and its animation has finished. */
export async function waitForRun(page: Page, after: number, timeout = 60000): Promise<number> {
  await page.waitForFunction(
    (prev) => {
      const m = document.querySelector('[data-testid=map]');
      const err = document.querySelector('[data-testid=error]');
      if (err) throw new Error(`the app shows an error: ${err.textContent}`);
      return m !== null && Number(m.getAttribute('data-run-id')) > prev && document.querySelector('[data-testid=progress]')?.getAttribute('data-running') === 'false';
    },
    after,
    { timeout, polling: 100 },
  );
  await waitForDrawn(page, 'map-canvas', timeout);
  return Number(await page.getAttribute('[data-testid=map]', 'data-run-id'));
}

/**
 * Waits until a map's canvas (by test id) shows its whole current picture: no layout animation under way
 * and every point drawn since the last change (renderer/src/map-view.ts sets data-animating and
 * data-complete; a change sets data-complete to 'false' at once, so call this after the change is made).
 */
export async function waitForDrawn(page: Page, testid = 'map-canvas', timeout = 30000): Promise<void> {
  await page.waitForFunction(
    (id) => {
      const c = document.querySelector(`[data-testid=${id}]`);
      return c !== null && c.getAttribute('data-animating') === 'false' && c.getAttribute('data-complete') === 'true';
    },
    testid,
    { timeout },
  );
}

/** Canvas positions (CSS pixels, relative to the canvas) of up to `k` fully inked pixels: where points are drawn. */
export async function inkedPixels(page: Page, k: number): Promise<[number, number][]> {
  return page.evaluate((count) => {
    const src = document.querySelector('[data-testid=map-canvas]') as MiniCanvas;
    const c = document.createElement('canvas');
    c.width = src.width;
    c.height = src.height;
    const ctx = c.getContext('2d')!;
    ctx.drawImage(src, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const found: [number, number][] = [];
    const step = Math.max(1, Math.floor((c.width * c.height) / (count * 50)));
    for (let p = 0; p < c.width * c.height && found.length < count; p += step) {
      if (px[4 * p + 3]! > 200) found.push([p % c.width, Math.floor(p / c.width)]);
    }
    const dpr = src.clientWidth > 0 ? c.width / src.clientWidth : 1;
    return found.map(([x, y]) => [x / dpr, y / dpr] as [number, number]);
  }, k);
}

/** Where the docs' screenshots live (docs/app.md, README.md). */
export const DOCS_SCREENSHOTS = join(REPO, 'docs', 'screenshots');

/**
 * A screenshot for the docs: always written to test-output/e2e/docs-NAME.png, and to
 * docs/screenshots/NAME.png when ISOTHERM_DOCS_SCREENSHOTS=1 (scripts/docs-screenshots.sh), so the
 * pictures in the docs are what the tests saw. `clip`: a region of the page (CSS pixels).
 */
export async function docsScreenshot(page: Page, name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<string> {
  mkdirSync(OUTPUT, { recursive: true });
  const path = join(OUTPUT, `docs-${name}.png`);
  await page.screenshot({ path, ...(clip ? { clip } : {}) });
  if (process.env.ISOTHERM_DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(DOCS_SCREENSHOTS, `${name}.png`));
  }
  return path;
}

export interface OpenedInApp {
  readonly dir: string;
  /** The copy of the data file the app opened. */
  readonly data: string;
  readonly served: Served;
  readonly browser: Browser;
  readonly page: Page;
  /** The run id of the first map. */
  readonly runId: number;
}

/**
 * A copy of `source` (as `name`) in a fresh temp folder, `isotherm serve --no-demo` there, Chromium at 1400×900
 * on it, the file opened through the Open box and its first map drawn.
 */
export async function openInApp(prefix: string, source: string, name: string): Promise<OpenedInApp> {
  const dir = tempDir(prefix);
  const data = join(dir, name);
  copyFileSync(source, data);
  const served = await startServe(['--no-demo'], dir);
  let browser: Awaited<ReturnType<typeof launchBrowser>> | null = null;
  try {
    browser = await launchBrowser();
    const page = browser.page;
    await page.setViewportSize({ width: 1400, height: 900 });
    await page.goto(served.url);
    await page.fill('[data-testid=open-path]', data);
    await page.click('[data-testid=open-button]');
    const runId = await waitForRun(page, 0, 120000);
    return { dir, data, served, browser, page, runId };
  } catch (e) {
    // the caller gets nothing to stop: stop the browser and the server here
    await browser?.close().catch(() => undefined);
    await served.stop().catch(() => undefined);
    throw e;
  }
}

/** Clears the map's selection: focus leaves any form control first (the app ignores keys typed into one), then Escape. */
export async function clearSelection(page: Page): Promise<void> {
  await page.evaluate(() => (document as unknown as { activeElement: { blur(): void } | null }).activeElement?.blur());
  await page.keyboard.press('Escape');
  await page.waitForSelector('[data-testid=selection-count]', { state: 'detached' });
}
