// Prints the benchmark figures for two release builds, the widget and a bare
// Leptos counter built the same way:
//   - per asset: raw, gzip and brotli bytes of wasm, JS and CSS, and totals;
//     for the widget, split by route, the first screen apart from the
//     chunks, and a table of the chunks with the routes that need each;
//   - time from navigation to the app's first paint (the `app-mounted`
//     performance mark), median of several cold loads in headless Chromium,
//     and the widget/counter ratio, which is the figure that counts; and
//     the browser's first contentful paint of each, with its ratio (the
//     widget's static app shell paints before its wasm arrives);
//   - for the widget: time to `app-ready` (configuration loaded) and the
//     number of requests a cold load makes;
//   - the same first paint with the CPU slowed 4x (Chromium's CPU
//     throttling), where the wasm's compile and start cost shows more;
//   - memory after load: the JS heap after a forced garbage collection plus
//     the wasm linear memory, widget and counter side by side;
//   - start-up work: the wasm functions Chromium compiles (lazily, on their
//     first call) before `app-mounted` and, for the widget, between
//     `app-mounted` and `app-ready`, from one traced cold load each; the
//     count does not depend on the machine's load, the durations do;
//   - Lighthouse's performance, accessibility and best-practices scores of
//     the widget in mock mode, and the performance metrics behind the first
//     (set BENCH_LIGHTHOUSE=0 to skip);
//   - the widget's first load of `/` (every byte the page fetches from the
//     app's server before it is ready and the network is idle), in the demo
//     (mock mode) and in live mode side by side: one build serves both, so
//     they must be equal but for the configuration; and the demo's mock
//     backend (its Service Worker, started only in mock mode and not part
//     of the widget's load) on its own line; the chunks fetched ahead of
//     need once the shop is idle are counted apart;
//   - navigation to a page whose chunk is not loaded yet (median of 10
//     clicks, each in a fresh page), and to one whose chunk was prefetched.
// Every page load is served compressed (brotli, as the browser asks for it)
// for the widget and the counter alike, as a deployment serves them, so the
// transferred bytes, and what Lighthouse's simulated network makes of them,
// are those a real visitor gets.
// Figures are reported, never asserted: wall-clock limits make flaky tests.
import { cp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { serve } from "../e2e/serve.mjs";

const [appDir = "bench/out/app", baseDir = "bench/out/counter"] = process.argv.slice(2);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
/** How the apps are served for every measured load: compressed, as deployed. */
const SERVE = { compress: true };
const KINDS = [".wasm", ".js", ".css"];

/** The demo's mock backend: its Service Worker script and what that loads. */
const MOCK_FILES = ["mock-sw.js", "mock-backend/backend.js", "mock-backend/backend_bg.wasm"];

/** The widget's own wasm, JS and CSS (the mock's files apart), or `only` these files. */
async function sizes(dir, only) {
  const rows = [];
  const names = only ?? (await readdir(dir)).sort().filter((name) => KINDS.includes(extname(name)) && !MOCK_FILES.includes(name));
  for (const name of names) {
    const body = await readFile(join(dir, name));
    rows.push({
      asset: name,
      kind: extname(name).slice(1),
      raw: body.length,
      gzip: gzipSync(body, { level: 9 }).length,
      brotli: brotliCompressSync(body, {
        params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
      }).length,
    });
  }
  const total = rows.reduce(
    (sum, r) => ({ raw: sum.raw + r.raw, gzip: sum.gzip + r.gzip, brotli: sum.brotli + r.brotli }),
    { raw: 0, gzip: 0, brotli: 0 },
  );
  return { rows, total };
}

/** The widget's split manifest (scripts/split-wasm.mjs): area -> its files. */
async function splitAreas(dir) {
  try {
    return JSON.parse(await readFile(join(dir, "wasm-split.json"), "utf8"));
  } catch {
    return {};
  }
}

/** The routes of each area (src/ui/lazy_pages.rs). */
const AREA_ROUTES = {
  returns: "/auth/callback /return",
  lists: "/charges[/:id] /subscriptions[/:id] /ledger",
  crypto: "/crypto[/:id]",
  plans: "/plans /plans/new /plans/:id",
  texts_pl: "(the Polish texts, for a Polish page)",
  dev: "(the developer panel's controls, once opened)",
  buy: "(creating a charge: prefetched on the shop)",
  sign_in: "(preparing the sign-in redirect: prefetched while signed out)",
  host_link: "(the Agent App's protocol: inside a frame only)",
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

const LAUNCH = {
  executablePath: process.env.CHROME_BIN ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

/** The paint entry of the first text or image painted. */
const FCP = "first-contentful-paint";

/** The CPU slow-down of the throttled runs (Chromium's own emulation). */
const CPU_SLOWDOWN = 4;

async function paints(browser, dir, marks, { cpuRate = 1 } = {}) {
  const server = await serve(dir, SERVE);
  const times = Object.fromEntries([...marks, FCP].map((m) => [m, []]));
  let requests = 0;
  try {
    for (let run = 0; run < RUNS; run += 1) {
      // A new context per run: a cold cache, as a first visit has.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      if (cpuRate > 1) {
        const cdp = await context.newCDPSession(page);
        await cdp.send("Emulation.setCPUThrottlingRate", { rate: cpuRate });
      }
      let count = 0;
      page.on("request", () => (count += 1));
      await page.goto(server.url + "/");
      for (const mark of marks) {
        await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark);
        times[mark].push(await page.evaluate((m) => performance.getEntriesByName(m)[0].startTime, mark));
      }
      // The browser's own first contentful paint (text or an image, from
      // the HTML or from the app), after the app's marks.
      await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, FCP);
      times[FCP].push(await page.evaluate((m) => performance.getEntriesByName(m)[0].startTime, FCP));
      requests = count;
      await context.close();
    }
  } finally {
    await server.close();
  }
  return { medians: Object.fromEntries([...marks, FCP].map((m) => [m, median(times[m])])), requests };
}

// Trunk's loader announces the instance's exports in the
// `TrunkApplicationStarted` event (`window.wasmBindings` holds only the JS
// glue's functions), so the wasm memory is caught there.
const CATCH_WASM_MEMORY = () => {
  addEventListener("TrunkApplicationStarted", (event) => {
    window.__benchWasmMemory = event.detail?.wasm?.memory;
  });
};

/**
 * JS heap in use after a forced garbage collection, and the wasm linear
 * memory, once the app has reached `mark` and settled; median of 3 loads.
 */
async function memory(browser, dir, mark) {
  const server = await serve(dir, SERVE);
  const heap = [];
  const wasm = [];
  try {
    for (let run = 0; run < 3; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.addInitScript(CATCH_WASM_MEMORY);
      const cdp = await context.newCDPSession(page);
      await cdp.send("Performance.enable");
      await page.goto(server.url + "/");
      await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark);
      await page.waitForFunction(() => window.__benchWasmMemory instanceof WebAssembly.Memory);
      // Let timers and pending fetches of the load finish first.
      await page.waitForTimeout(1000);
      await cdp.send("HeapProfiler.collectGarbage");
      const { metrics } = await cdp.send("Performance.getMetrics");
      heap.push(metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? NaN);
      wasm.push(await page.evaluate(() => window.__benchWasmMemory.buffer.byteLength));
      await context.close();
    }
  } finally {
    await server.close();
  }
  return { heap: median(heap), wasm: median(wasm) };
}

/** The number of functions a wasm binary defines (its function section's count). */
function wasmFunctionCount(bytes) {
  let at = 8; // magic and version
  const leb = () => {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const id = bytes[at++];
    const size = leb();
    if (id === 3) return leb();
    at += size;
  }
  return 0;
}

/** The functions the wasm files of `dir` define, summed; null without wasm. */
async function definedFunctions(dir) {
  const names = (await readdir(dir)).filter((n) => extname(n) === ".wasm");
  if (!names.length) return null;
  let count = 0;
  for (const name of names) count += wasmFunctionCount(await readFile(join(dir, name)));
  return count;
}

const TRACE_CATEGORIES = ["devtools.timeline", "v8.wasm", "disabled-by-default-v8.wasm.detailed", "blink.user_timing"];

/**
 * Start-up work of one traced cold load of `dir`: Chromium compiles a wasm
 * function on its first call (lazy compilation), so the `wasm.CompileLazy`
 * events before a mark are the distinct functions the start-up ran. Returns,
 * per segment (navigation to the first mark, then mark to mark), the number
 * of those events and their summed duration in ms; a segment whose closing
 * mark is missing from the trace has `missing` set instead.
 *
 * The load runs in a browser of its own, so nothing compiled by an earlier
 * load can be reused and the count is that of a first visit.
 */
async function startupCompiles(dir, marks) {
  const server = await serve(dir, SERVE);
  const browser = await chromium.launch(LAUNCH);
  let events;
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    try {
      await page.goto(server.url + "/");
      for (const mark of marks) {
        await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 30_000 });
      }
    } catch {
      // A mark never came; the trace so far still counts what ran.
    }
    // Let the work of the last mark's task show up in the trace.
    await page.waitForTimeout(300);
    events = JSON.parse((await browser.stopTracing()).toString()).traceEvents;
  } finally {
    await browser.close();
    await server.close();
  }
  const markTs = (name) => {
    const ts = events.filter((e) => e.name === name && e.cat?.includes("blink.user_timing")).map((e) => e.ts);
    return ts.length ? Math.min(...ts) : null;
  };
  const compiles = events.filter((e) => e.name === "wasm.CompileLazy" && e.ph === "X");
  const segments = [];
  // The trace starts just before the navigation, so the first segment is
  // everything up to the first mark.
  let from = { name: "navigation", ts: -Infinity };
  for (const mark of marks) {
    const ts = markTs(mark);
    if (ts == null || from.ts == null) {
      segments.push({ from: from.name, to: mark, missing: ts == null ? mark : from.name });
      from = { name: mark, ts: null };
      continue;
    }
    const inside = compiles.filter((e) => e.ts >= from.ts && e.ts < ts);
    segments.push({
      from: from.name,
      to: mark,
      count: inside.length,
      ms: inside.reduce((sum, e) => sum + (e.dur ?? 0), 0) / 1000,
    });
    from = { name: mark, ts };
  }
  return { segments, functions: await definedFunctions(dir) };
}

/** The metrics behind Lighthouse's performance score, in its report's order. */
const LIGHTHOUSE_METRICS = [
  ["first-contentful-paint", "First Contentful Paint"],
  ["largest-contentful-paint", "Largest Contentful Paint"],
  ["total-blocking-time", "Total Blocking Time"],
  ["cumulative-layout-shift", "Cumulative Layout Shift"],
  ["speed-index", "Speed Index"],
];

/**
 * Lighthouse's category scores (0-100) for the page at `/` of `dir`, in a
 * Chromium of its own, and the performance metrics it measured (value, the
 * metric's own score and its weight in the performance score); `error` with
 * the reason when it cannot run.
 */
async function lighthouseScores(dir) {
  let lighthouse;
  let chromeLauncher;
  try {
    lighthouse = (await import("lighthouse")).default;
    chromeLauncher = await import("chrome-launcher");
  } catch (err) {
    return { error: `lighthouse is not installed (${err.message}); run scripts/setup.sh` };
  }
  const server = await serve(dir, SERVE);
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_BIN ?? "/usr/bin/chromium",
    chromeFlags: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const result = await lighthouse(server.url + "/", {
      port: chrome.port,
      output: "json",
      logLevel: "error",
      onlyCategories: ["performance", "accessibility", "best-practices"],
    });
    const categories = result?.lhr?.categories ?? {};
    const score = (id) => (categories[id]?.score == null ? null : Math.round(categories[id].score * 100));
    const audits = result?.lhr?.audits ?? {};
    const weights = Object.fromEntries((categories.performance?.auditRefs ?? []).map((r) => [r.id, r.weight]));
    const metrics = LIGHTHOUSE_METRICS.map(([id, label]) => ({
      label,
      value: audits[id]?.numericValue ?? null,
      unit: audits[id]?.numericUnit ?? "",
      display: audits[id]?.displayValue ?? null,
      score: audits[id]?.score == null ? null : Math.round(audits[id].score * 100),
      weight: weights[id] ?? null,
    }));
    return {
      metrics,
      performance: score("performance"),
      accessibility: score("accessibility"),
      bestPractices: score("best-practices"),
      runtimeError: result?.lhr?.runtimeError?.message,
    };
  } catch (err) {
    return { error: err.message };
  } finally {
    await chrome.kill();
    await server.close();
  }
}

/** A copy of the built app whose configuration says live mode. */
async function liveCopy(dir) {
  const live = `${dir}-live-config`;
  await rm(live, { recursive: true, force: true });
  await cp(dir, live, { recursive: true });
  const config = JSON.parse(await readFile(join(live, "config.json"), "utf8"));
  config.mode = "live";
  config.livechat.client_id ||= "bench-live-client";
  await writeFile(join(live, "config.json"), JSON.stringify(config));
  return live;
}

/**
 * One cold load of `/`: the bytes (headers and encoded bodies) and requests
 * the page fetches from the app's server until `app-ready` and an idle
 * network. A Service Worker's own fetches are not the page's.
 */
async function firstLoad(browser, dir) {
  const server = await serve(dir, SERVE);
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    const finished = [];
    page.on("requestfinished", (request) => finished.push(request));
    await page.goto(server.url + "/");
    await page.waitForFunction(() => performance.getEntriesByName("app-ready").length > 0);
    await page.waitForLoadState("networkidle");
    const own = finished.filter((request) => request.url().startsWith(server.url));
    const isChunk = (request) => chunkFiles.has(new URL(request.url()).pathname.slice(1));
    const total = async (requests) => {
      let bytes = 0;
      for (const request of requests) {
        const sizes = await request.sizes();
        bytes += sizes.responseHeadersSize + sizes.responseBodySize;
      }
      return bytes;
    };
    const first = own.filter((request) => !isChunk(request));
    const ahead = own.filter(isChunk);
    return {
      bytes: await total(first),
      requests: first.length,
      files: first.map((r) => new URL(r.url()).pathname),
      prefetched: { bytes: await total(ahead), requests: ahead.length },
    };
  } finally {
    await context.close();
    await server.close();
  }
}

const NAVIGATIONS = 10;

/**
 * Clicks the shop's link to `path` with a script (no pointer or focus event,
 * so nothing is prefetched on hover) once the shop is ready and the network
 * idle, and times the click to the page's `testid` in the DOM, in the page's
 * own clock. Served compressed; each click in a fresh context.
 */
async function navigations(browser, dir, path, testid) {
  const server = await serve(dir, SERVE);
  const times = [];
  let fetched = 0;
  try {
    for (let run = 0; run < NAVIGATIONS; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(server.url + "/");
      await page.waitForFunction(() => performance.getEntriesByName("app-ready").length > 0);
      await page.waitForLoadState("networkidle");
      let chunks = 0;
      page.on("request", (request) => (chunks += chunkFiles.has(new URL(request.url()).pathname.slice(1)) ? 1 : 0));
      times.push(
        await page.evaluate(
          ([path, testid]) =>
            new Promise((resolve) => {
              const shown = () => document.querySelector(`[data-testid="${testid}"]`);
              const start = performance.now();
              const observer = new MutationObserver(() => {
                if (shown()) {
                  observer.disconnect();
                  resolve(performance.now() - start);
                }
              });
              observer.observe(document.body, { childList: true, subtree: true });
              document.querySelector(`nav a[href="${path}"]`).click();
            }),
          [path, testid],
        ),
      );
      fetched = chunks;
      await context.close();
    }
  } finally {
    await server.close();
  }
  return { median: median(times), worst: Math.max(...times), fetched };
}

const kb = (n) => (n / 1024).toFixed(1).padStart(8);
const mb = (n) => (n / 1024 / 1024).toFixed(2);

function printSizes(title, { rows, total }) {
  console.log(`\n${title}`);
  console.log(`  ${"asset".padEnd(44)} ${"raw KiB".padStart(8)} ${"gzip".padStart(8)} ${"brotli".padStart(8)}`);
  for (const r of rows) console.log(`  ${r.asset.padEnd(44)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
  console.log(`  ${"total".padEnd(44)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);
}

const app = await sizes(appDir);
const base = await sizes(baseDir);
printSizes(`Widget (${appDir}; the same files in the demo and in live mode)`, app);
const areas = await splitAreas(appDir);
const chunkFiles = new Set(Object.values(areas).flat());
{
  const brotli = (names) => app.rows.filter((r) => names(r.asset)).reduce((n, r) => n + r.brotli, 0);
  const first = brotli((name) => !chunkFiles.has(name));
  console.log(`\nWidget split by route: ${chunkFiles.size} chunks, ${Object.keys(areas).length} areas`);
  console.log(`  ${"chunk".padEnd(36)} ${"needed by".padEnd(48)} ${"raw KiB".padStart(8)} ${"brotli".padStart(8)}`);
  for (const r of app.rows.filter((row) => chunkFiles.has(row.asset))) {
    const users = Object.keys(areas).filter((area) => areas[area].includes(r.asset));
    const needed = users.length === 1 ? `${users[0]}: ${AREA_ROUTES[users[0]] ?? ""}` : `shared: ${users.join(", ")}`;
    console.log(`  ${r.asset.padEnd(36)} ${needed.padEnd(48)} ${kb(r.raw)} ${kb(r.brotli)}`);
  }
  for (const [area, files] of Object.entries(areas)) {
    console.log(`  area ${area.padEnd(10)} ${AREA_ROUTES[area] ?? ""}: ${files.length} files, ${kb(brotli((name) => files.includes(name))).trim()} KiB brotli`);
  }
  console.log(`  first screen (everything but the chunks), brotli: ${kb(first).trim()} KiB`);
  console.log(`  whole app (first screen and every chunk), brotli: ${kb(app.total.brotli).trim()} KiB`);
}
printSizes(`Bare Leptos counter (${baseDir})`, base);
printSizes(`Demo's mock backend (Service Worker, loaded only in mock mode, apart from the widget)`, await sizes(appDir, MOCK_FILES));
for (const kind of ["wasm", "js", "css"]) {
  const sum = (s) => s.rows.filter((r) => r.kind === kind).reduce((n, r) => n + r.brotli, 0);
  if (sum(app) || sum(base)) {
    console.log(`  ${kind} brotli: widget ${kb(sum(app)).trim()} KiB, counter ${kb(sum(base)).trim()} KiB`);
  }
}
console.log(`  total brotli ratio widget/counter: ${(app.total.brotli / base.total.brotli).toFixed(2)}`);

const browser = await chromium.launch(LAUNCH);
try {
  const widget = await paints(browser, appDir, ["app-mounted", "app-ready"]);
  const counter = await paints(browser, baseDir, ["app-mounted"]);
  const slowWidget = await paints(browser, appDir, ["app-mounted", "app-ready"], { cpuRate: CPU_SLOWDOWN });
  const slowCounter = await paints(browser, baseDir, ["app-mounted"], { cpuRate: CPU_SLOWDOWN });
  const ratio = widget.medians["app-mounted"] / counter.medians["app-mounted"];
  const fcpRatio = widget.medians[FCP] / counter.medians[FCP];
  const slowFcpRatio = slowWidget.medians[FCP] / slowCounter.medians[FCP];
  const slowRatio = slowWidget.medians["app-mounted"] / slowCounter.medians["app-mounted"];
  const ms = (x) => `${x.toFixed(1)} ms`.padStart(10);
  console.log(`\nFirst app paint, median of ${RUNS} cold loads (ms from navigation start)`);
  console.log(`  ${"".padEnd(28)} ${"full speed".padStart(10)} ${`CPU ${CPU_SLOWDOWN}x slower`.padStart(16)}`);
  console.log(`  ${"widget  app-mounted".padEnd(28)} ${ms(widget.medians["app-mounted"])} ${ms(slowWidget.medians["app-mounted"]).padStart(16)}`);
  console.log(`  ${"widget  app-ready (config)".padEnd(28)} ${ms(widget.medians["app-ready"])} ${ms(slowWidget.medians["app-ready"]).padStart(16)}`);
  console.log(`  ${"counter app-mounted".padEnd(28)} ${ms(counter.medians["app-mounted"])} ${ms(slowCounter.medians["app-mounted"]).padStart(16)}`);
  console.log(`  ${"ratio widget/counter".padEnd(28)} ${ratio.toFixed(2).padStart(10)} ${slowRatio.toFixed(2).padStart(16)}`);
  console.log(`  ${"widget  first contentful".padEnd(28)} ${ms(widget.medians[FCP])} ${ms(slowWidget.medians[FCP]).padStart(16)}`);
  console.log(`  ${"counter first contentful".padEnd(28)} ${ms(counter.medians[FCP])} ${ms(slowCounter.medians[FCP]).padStart(16)}`);
  console.log(`  ${"ratio widget/counter (FCP)".padEnd(28)} ${fcpRatio.toFixed(2).padStart(10)} ${slowFcpRatio.toFixed(2).padStart(16)}`);
  console.log(`  requests on a cold load: widget ${widget.requests}, counter ${counter.requests}`);

  const liveDir = await liveCopy(appDir);
  const demoLoad = await firstLoad(browser, appDir);
  const liveLoad = await firstLoad(browser, liveDir);
  console.log(`\nFirst load of / (bytes from the app's server, brotli, until ready and idle; one cold load each)`);
  console.log(`  ${"".padEnd(22)} ${"KiB".padStart(8)} ${"requests".padStart(9)}`);
  for (const [label, load] of [["demo (mock mode)", demoLoad], ["live mode", liveLoad]]) {
    console.log(`  ${label.padEnd(22)} ${kb(load.bytes)} ${String(load.requests).padStart(9)}`);
  }
  console.log(`  then prefetched on idle (the next likely page's chunks): ${kb(demoLoad.prefetched.bytes).trim()} KiB in ${demoLoad.prefetched.requests} requests`);
  const apart = Math.abs(demoLoad.bytes - liveLoad.bytes);
  console.log(`  difference ${(apart / 1024).toFixed(1)} KiB (${apart <= 2048 ? "within" : "MORE than"} 2 KiB): ${demoLoad.files.filter((f) => !liveLoad.files.includes(f)).join(", ") || "the same files"}`);

  if (chunkFiles.size > 0) {
    const cold = await navigations(browser, appDir, "/plans", "page-plans");
    const warm = await navigations(browser, appDir, "/charges", "page-charges");
    console.log(`\nNavigation from the shop, click to the page shown (median of ${NAVIGATIONS} clicks, each in a fresh page)`);
    console.log(`  to /plans, its chunks not loaded yet: ${ms(cold.median).trim()} (worst ${ms(cold.worst).trim()}; ${cold.fetched} chunk requests)`);
    console.log(`  to /charges, its chunks prefetched on idle: ${ms(warm.median).trim()} (worst ${ms(warm.worst).trim()}; one frame is 16.7 ms)`);
  }

  const widgetMemory = await memory(browser, appDir, "app-ready");
  const counterMemory = await memory(browser, baseDir, "app-mounted");
  console.log(`\nMemory after load (MB; JS heap after a forced GC, median of 3 loads)`);
  console.log(`  ${"".padEnd(22)} ${"widget".padStart(8)} ${"counter".padStart(8)}`);
  const row = (label, a, b) => console.log(`  ${label.padEnd(22)} ${mb(a).padStart(8)} ${mb(b).padStart(8)}`);
  row("JS heap used", widgetMemory.heap, counterMemory.heap);
  row("wasm linear memory", widgetMemory.wasm, counterMemory.wasm);
  row("total", widgetMemory.heap + widgetMemory.wasm, counterMemory.heap + counterMemory.wasm);
} finally {
  await browser.close();
}

{
  const widget = await startupCompiles(appDir, ["app-mounted", "app-ready"]);
  const counter = await startupCompiles(baseDir, ["app-mounted"]);
  console.log(`\nStart-up wasm work, one traced cold load each (functions compiled lazily, on their first call)`);
  console.log(`  ${"".padEnd(36)} ${"functions".padStart(9)} ${"compile ms".padStart(10)}`);
  for (const [who, result] of [["widget ", widget], ["counter", counter]]) {
    for (const seg of result.segments) {
      const label = `${who} ${seg.from === "navigation" ? `before ${seg.to}` : `${seg.from} to ${seg.to}`}`;
      if (seg.missing) {
        console.log(`  ${label.padEnd(36)} not measured: no ${seg.missing} mark in the trace`);
      } else {
        console.log(`  ${label.padEnd(36)} ${String(seg.count).padStart(9)} ${seg.ms.toFixed(1).padStart(10)}`);
      }
    }
  }
  const defined = (r) => (r.functions == null ? "n/a" : String(r.functions));
  console.log(`  wasm functions defined: widget ${defined(widget)}, counter ${defined(counter)}`);
  console.log(`  (counts are the stable figure; compile times depend on the machine and its load)`);
}

if (process.env.BENCH_LIGHTHOUSE !== "0") {
  const scores = await lighthouseScores(appDir);
  console.log(`\nLighthouse (widget in mock mode, Lighthouse's default mobile profile, simulated throttling)`);
  if (scores.error) {
    console.log(`  not measured: ${scores.error}`);
  } else {
    const show = (x) => (x == null ? "n/a" : String(x));
    console.log(`  performance ${show(scores.performance)}, accessibility ${show(scores.accessibility)}, best practices ${show(scores.bestPractices)}`);
    console.log(`  ${"performance metric".padEnd(26)} ${"value".padStart(10)} ${"score".padStart(6)} ${"weight".padStart(7)}`);
    for (const m of scores.metrics) {
      const value =
        m.value == null ? (m.display ?? "n/a") : m.unit === "millisecond" ? `${Math.round(m.value)} ms` : m.value.toFixed(3);
      const weight = m.weight == null ? "n/a" : `${m.weight}%`;
      console.log(`  ${m.label.padEnd(26)} ${value.padStart(10)} ${show(m.score).padStart(6)} ${weight.padStart(7)}`);
    }
    if (scores.runtimeError) console.log(`  runtime error: ${scores.runtimeError}`);
  }
}
