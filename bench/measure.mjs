// Prints the benchmark figures for two release builds, the widget and a bare
// Leptos counter built the same way:
//   - per asset: raw, gzip and brotli bytes of wasm, JS and CSS, and totals;
//   - time from navigation to the app's first paint (the `app-mounted`
//     performance mark), median of several cold loads in headless Chromium,
//     and the widget/counter ratio, which is the figure that counts;
//   - for the widget: time to `app-ready` (configuration loaded) and the
//     number of requests a cold load makes;
//   - optionally the sizes of a live-only build (no bundled mock).
// Figures are reported, never asserted: wall-clock limits make flaky tests.
import { readdir, readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { serve } from "../e2e/serve.mjs";

const [appDir = "bench/out/app", baseDir = "bench/out/counter", liveDir] = process.argv.slice(2);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const KINDS = [".wasm", ".js", ".css"];

async function sizes(dir) {
  const rows = [];
  for (const name of (await readdir(dir)).sort()) {
    if (!KINDS.includes(extname(name))) continue;
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

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

async function paints(browser, dir, marks) {
  const server = await serve(dir);
  const times = Object.fromEntries(marks.map((m) => [m, []]));
  let requests = 0;
  try {
    for (let run = 0; run < RUNS; run += 1) {
      // A new context per run: a cold cache, as a first visit has.
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      let count = 0;
      page.on("request", () => (count += 1));
      await page.goto(server.url + "/");
      for (const mark of marks) {
        await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark);
        times[mark].push(await page.evaluate((m) => performance.getEntriesByName(m)[0].startTime, mark));
      }
      requests = count;
      await context.close();
    }
  } finally {
    await server.close();
  }
  return { medians: Object.fromEntries(marks.map((m) => [m, median(times[m])])), requests };
}

const kb = (n) => (n / 1024).toFixed(1).padStart(8);

function printSizes(title, { rows, total }) {
  console.log(`\n${title}`);
  console.log(`  ${"asset".padEnd(44)} ${"raw KiB".padStart(8)} ${"gzip".padStart(8)} ${"brotli".padStart(8)}`);
  for (const r of rows) console.log(`  ${r.asset.padEnd(44)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
  console.log(`  ${"total".padEnd(44)} ${kb(total.raw)} ${kb(total.gzip)} ${kb(total.brotli)}`);
}

const app = await sizes(appDir);
const base = await sizes(baseDir);
printSizes(`Widget (${appDir})`, app);
printSizes(`Bare Leptos counter (${baseDir})`, base);
if (liveDir) {
  printSizes(`Widget, live-only build without the mock (${liveDir})`, await sizes(liveDir));
}
for (const kind of ["wasm", "js", "css"]) {
  const sum = (s) => s.rows.filter((r) => r.kind === kind).reduce((n, r) => n + r.brotli, 0);
  if (sum(app) || sum(base)) {
    console.log(`  ${kind} brotli: widget ${kb(sum(app)).trim()} KiB, counter ${kb(sum(base)).trim()} KiB`);
  }
}
console.log(`  total brotli ratio widget/counter: ${(app.total.brotli / base.total.brotli).toFixed(2)}`);

const browser = await chromium.launch({
  executablePath: process.env.CHROME_BIN ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const widget = await paints(browser, appDir, ["app-mounted", "app-ready"]);
  const counter = await paints(browser, baseDir, ["app-mounted"]);
  const ratio = widget.medians["app-mounted"] / counter.medians["app-mounted"];
  console.log(`\nFirst app paint, median of ${RUNS} cold loads (ms from navigation start)`);
  console.log(`  widget  app-mounted ${widget.medians["app-mounted"].toFixed(1)} ms`);
  console.log(`  widget  app-ready   ${widget.medians["app-ready"].toFixed(1)} ms (configuration loaded)`);
  console.log(`  counter app-mounted ${counter.medians["app-mounted"].toFixed(1)} ms`);
  console.log(`  first-paint ratio widget/counter: ${ratio.toFixed(2)}`);
  console.log(`  requests on a cold load: widget ${widget.requests}, counter ${counter.requests}`);
} finally {
  await browser.close();
}
