// Interaction latency with a large data set: the widget's charge list and
// ledger over the mock's 10,000 generated entries (developer panel, "List
// 10000 generated entries"), in headless Chromium against a release build.
//
// For each interaction (next page of the charges, a status filter, next page
// of the ledger) it prints the median and the worst time from the input to
// the frame that shows the new rows: the input's own timestamp to the first
// animation frame after the list's rows changed, plus a task, so the frame
// has been painted. The mock's simulated network delay (120-360 ms of
// random wait in the demo) is switched off, so the figure is the widget's
// own work: request building, the mock answering, decoding and rendering.
// The Event Timing API's worst `duration` for the same inputs (what INP
// reports) is printed next to it. Figures are reported, never asserted.
import { chromium } from "playwright-core";
import { serve } from "../e2e/serve.mjs";

const [appDir = "bench/out/app"] = process.argv.slice(2);
const ROUNDS = Number(process.env.BENCH_INTERACTIONS ?? 12);
const ACCOUNT = "olivia.owner@example.com";
const NETWORK_DELAY_KEY = "billing-widget.mock-network-delay";

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** In the page: records event durations and arms a "rows changed" timer. */
const INSTRUMENT = () => {
  window.__benchEvents = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (["click", "pointerup", "pointerdown", "change", "input"].includes(entry.name)) {
        window.__benchEvents.push({ name: entry.name, duration: entry.duration });
      }
    }
  }).observe({ type: "event", durationThreshold: 16, buffered: true });

  // Resolves with the ms from the next `inputType` event to the painted
  // frame after the first row of `rowSelector` changed text.
  window.__benchArm = (inputType, rowSelector) => {
    const first = () => document.querySelector(`[data-testid="list-results"] ${rowSelector}`);
    const before = first()?.textContent;
    return new Promise((resolve) => {
      addEventListener(
        inputType,
        (event) => {
          const start = event.timeStamp;
          const done = () => {
            observer.disconnect();
            requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - start), 0));
          };
          const changed = () => {
            const row = first();
            return row && row.textContent !== before;
          };
          const observer = new MutationObserver(() => changed() && done());
          observer.observe(document.body, { childList: true, subtree: true, characterData: true });
        },
        { capture: true, once: true },
      );
    });
  };
};

async function timed(page, inputType, rowSelector, act) {
  await page.evaluate(
    ([type, rows]) => {
      window.__benchPending = window.__benchArm(type, rows);
    },
    [inputType, rowSelector],
  );
  await act();
  return page.evaluate(() => window.__benchPending);
}

async function openList(page, url, rowTestId) {
  await page.goto(url);
  await page.getByTestId("list-results").waitFor();
  await page.getByTestId(rowTestId).first().waitFor();
}

function report(label, times) {
  console.log(
    `  ${label.padEnd(34)} median ${median(times).toFixed(1).padStart(6)} ms   max ${Math.max(...times).toFixed(1).padStart(6)} ms   (${times.length} inputs)`,
  );
}

const browser = await chromium.launch({
  executablePath: process.env.CHROME_BIN ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const server = await serve(appDir);
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript((key) => localStorage.setItem(key, "0"), NETWORK_DELAY_KEY);
  await context.addInitScript(INSTRUMENT);
  const page = await context.newPage();
  await page.goto(server.url + "/");
  await page.getByTestId("sign-in-to-buy").first().click();
  await page.waitForURL(/\/mock\/authorize\?/);
  await page.getByTestId(`mock-account-${ACCOUNT}`).click();
  await page.getByTestId("session-bar").waitFor();
  await page.getByTestId("dev-panel").locator("summary").click();
  await page.getByTestId("dev-bulk").click();
  await page.getByText("Listing 10000 generated charges and ledger lines.").waitFor();

  const pageNext = [];
  await openList(page, server.url + "/charges", "charge-row");
  for (let i = 0; i < ROUNDS; i += 1) {
    pageNext.push(await timed(page, "pointerdown", '[data-testid="charge-row"]', () =>
      page.getByTestId("page-next").click()));
  }
  const filters = [];
  const statuses = ["failed", "declined"];
  for (let i = 0; i < ROUNDS; i += 1) {
    const status = statuses[i % statuses.length];
    filters.push(await timed(page, "change", '[data-testid="charge-row"]', () =>
      page.getByTestId("status-filter").selectOption(status)));
  }
  const chargeEvents = await page.evaluate(() => window.__benchEvents.map((e) => e.duration));

  const ledgerNext = [];
  await openList(page, server.url + "/ledger", "ledger-row");
  for (let i = 0; i < ROUNDS; i += 1) {
    ledgerNext.push(await timed(page, "pointerdown", '[data-testid="ledger-row"]', () =>
      page.getByTestId("page-next").click()));
  }
  const ledgerEvents = await page.evaluate(() => window.__benchEvents.map((e) => e.duration));
  const lastPage = (await page.getByTestId("page-number").textContent()).trim();

  console.log(`\nLarge data: 10,000 charges and 10,000 ledger lines (mock, no simulated network delay)`);
  console.log(`  input to the new rows painted:`);
  report("charges: next page", pageNext);
  report("charges: status filter", filters);
  report(`ledger: next page (to ${lastPage})`, ledgerNext);
  const events = [...chargeEvents, ...ledgerEvents];
  console.log(
    `  Event Timing, worst input-to-next-paint duration (INP-like): ${events.length ? Math.max(...events).toFixed(0) + " ms" : "none above 16 ms"}`,
  );
  await context.close();
} finally {
  await server.close();
  await browser.close();
}
