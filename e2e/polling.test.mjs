// Journey: what waiting costs. The return page and the crypto page poll the
// billing services; with the page's clock under the test's control (fake
// timers), a 10-minute wait is simulated in moments and every request the
// page makes is counted by the mock (`request_counts` in its state):
//   - the return page checks on its schedule, stops at the deadline with a
//     way to refresh, and asks nothing more afterwards;
//   - while the tab is hidden it asks nothing at all, and checks at once
//     when it is shown again;
//   - leaving a page that polls (the return page, the crypto payment page
//     with its countdown) leaves no timer, listener or request behind.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertAccessible, journey, useBrowser } from "./harness.mjs";
import { changeMockState, mockState, signIn } from "./widget.mjs";

const env = await useBrowser();
const MINUTE = 60_000;

// The return page's schedule (domain::polling::PollConfig::default): first
// check after 2 s, then 2.5 s growing x1.5 up to 30 s, each delay shortened
// by up to 20% (jitter), for 3 minutes of visible, online time.
const SCHEDULE = { first: 2_000, base: 2_500, growth: 1.5, cap: 30_000, jitter: 0.2, deadline: 3 * MINUTE };

/** How many checks fit in the deadline with delays scaled by `factor`. */
function checksWithin({ first, base, growth, cap, deadline }, factor) {
  let at = first * factor;
  let delay = base;
  let checks = 0;
  while (at <= deadline) {
    checks += 1;
    at += Math.min(delay, cap) * factor;
    delay *= growth;
  }
  return checks;
}

/** Requests the mock answered whose method and path match `pattern`. */
async function requests(page, pattern) {
  const counts = (await mockState(page)).request_counts ?? {};
  return Object.entries(counts)
    .filter(([key]) => pattern.test(key))
    .reduce((sum, [, n]) => sum + n, 0);
}

/** Lets the charge stay in the gateway for `ms` of mock time. */
async function slowGateway(page, ms) {
  await changeMockState(page, (state) => {
    state.scenario.gateway_step_ms = ms;
  });
}

/** Buys the first one-time item and accepts it on the mock's page. */
async function buyAndAccept(page) {
  await page.getByTestId("buy").first().click();
  await page.waitForURL(/\/mock\/confirm\?/);
  await page.getByTestId("mock-accept").click();
  await page.waitForURL(/\/return\?/);
  await page.locator('[data-testid="return-phase"][data-phase="checking"]').waitFor();
  const id = new URL(page.url()).searchParams.get("id");
  assert.ok(id, `the return address names the charge: ${page.url()}`);
  return new RegExp(`^GET \\S*/${id}$`);
}

async function phase(page) {
  return page.getByTestId("return-phase").getAttribute("data-phase");
}

/** Makes the page report itself hidden (or visible) and tell its listeners. */
async function setHidden(page, hidden) {
  await page.evaluate((h) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => h });
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => (h ? "hidden" : "visible") });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

/**
 * Counts the page's live timers and its window/document listeners by event
 * type. Installed after the fake clock, so it wraps the fake timers. It also
 * hands out small timer ids, as browsers do: the fake clock's ids exceed the
 * 32 bits that web-sys keeps of a handle, so the app could not clear them.
 */
function trackTimersAndListeners() {
  const live = new Map();
  let nextId = 1;
  const wrapTimer = (set, clear, repeat) => {
    const originalSet = window[set];
    const originalClear = window[clear];
    window[set] = function (fn, ms, ...rest) {
      const id = nextId++;
      const run = typeof fn === "function"
        ? (...args) => {
          if (!repeat) live.delete(id);
          return fn(...args);
        }
        : fn;
      live.set(id, { inner: originalSet.call(window, run, ms, ...rest), label: `${set}(${ms} ms)` });
      return id;
    };
    window[clear] = function (id) {
      const timer = live.get(id);
      live.delete(id);
      if (timer) originalClear.call(window, timer.inner);
    };
  };
  wrapTimer("setTimeout", "clearTimeout", false);
  wrapTimer("setInterval", "clearInterval", true);
  const listeners = new Map();
  for (const target of [window, document]) {
    const add = target.addEventListener;
    const remove = target.removeEventListener;
    const name = target === window ? "window" : "document";
    target.addEventListener = function (type, fn, options) {
      const key = `${name}:${type}`;
      listeners.set(key, (listeners.get(key) ?? 0) + 1);
      return add.call(this, type, fn, options);
    };
    target.removeEventListener = function (type, fn, options) {
      const key = `${name}:${type}`;
      listeners.set(key, (listeners.get(key) ?? 0) - 1);
      return remove.call(this, type, fn, options);
    };
  }
  window.__liveWork = () => ({
    timers: live.size,
    pending: [...live.values()].map((t) => t.label),
    listeners: Object.fromEntries([...listeners].filter(([key]) => /visibilitychange|online|offline|message/.test(key))),
  });
}

/**
 * Moves the page's fake clock `ms` on a second at a time, so that each check
 * the page starts is answered (by the mock's worker, on the real clock)
 * before the next one is due, as on a real clock.
 */
async function passTime(page, ms) {
  for (let passed = 0; passed < ms; passed += 1_000) {
    await page.clock.runFor(Math.min(1_000, ms - passed));
    await page.waitForTimeout(2);
  }
}

/** Within 30 s the page asks for `charge` again. */
async function assertPolls(page, charge) {
  const before = await requests(page, charge);
  await page.clock.runFor(30_000);
  assert.ok((await requests(page, charge)) > before, "it polls");
}

/**
 * After the page was left: 10 more minutes bring no request for `charge`,
 * and the live timers and listeners are back to the `baseline` page's.
 */
async function assertNothingLeftBehind(page, charge, baseline) {
  // Answers in flight land; a check's wait would still be pending.
  await page.clock.runFor(1_000);
  const soon = await page.evaluate(() => window.__liveWork());
  assert.ok(soon.timers <= baseline.timers, `live timers just after leaving: ${soon.pending}; baseline: ${baseline.pending}`);
  await page.clock.runFor(4_000);
  const left = await requests(page, charge);
  await page.clock.runFor(10 * MINUTE);
  assert.equal(await requests(page, charge), left, "no request after leaving");
  const now = await page.evaluate(() => window.__liveWork());
  assert.deepEqual(now.listeners, baseline.listeners, "listeners back to the baseline");
  assert.ok(now.timers <= baseline.timers, `live timers: ${now.pending}; baseline: ${baseline.pending}`);
}

/**
 * The page's clock under the test's control, with browser-like timer ids.
 * The mock's simulated network delay is off: its worker waits on the real
 * clock, which the page's fake one would outrun.
 */
async function fakeClock(page) {
  await page.clock.install();
  await page.addInitScript(trackTimersAndListeners);
  await page.addInitScript(() => localStorage.setItem("billing-widget.mock-network-delay", "0"));
}

describe("polling in a long wait (fake clock)", () => {
  test("the return page: on schedule, stops at the deadline, silent while hidden", async () => {
    const j = await journey(env.browser, env.server, "polling-return-page");
    const { page, step } = j;
    let charge;
    await step("sign in and buy, with a gateway that takes an hour", async () => {
      await fakeClock(page);
      await signIn(j);
      await slowGateway(page, 60 * MINUTE);
      charge = await buyAndAccept(page);
    });

    await step("10 minutes of waiting: checks on the schedule, then a way to refresh", async () => {
      const before = await requests(page, charge);
      await passTime(page, 10 * MINUTE);
      assert.equal(await phase(page), "gave-up");
      await page.getByTestId("return-refresh").waitFor();
      const checks = (await requests(page, charge)) - before;
      const fewest = checksWithin(SCHEDULE, 1) - 1;
      const most = checksWithin(SCHEDULE, 1 - SCHEDULE.jitter) + 1;
      console.log(`return page: ${checks} checks in 10 simulated minutes (bounds ${fewest}..${most})`);
      assert.ok(checks >= fewest && checks <= most, `${checks} checks, expected ${fewest}..${most}`);
      await assertAccessible(page, "the return page after giving up");
      await j.screenshot("gave-up");
    });

    await step("after giving up, another 10 minutes cost nothing", async () => {
      const before = await requests(page, charge);
      await page.clock.runFor(10 * MINUTE);
      assert.equal(await requests(page, charge), before);
    });

    await step("refresh polls again; hidden, nothing is asked; shown, it checks at once", async () => {
      await page.getByTestId("return-refresh").click();
      // A second at a time: the mock's worker answers on the real clock, and
      // one 30 s jump can outrun its answer and time the check out.
      await passTime(page, 30_000);
      assert.equal(await phase(page), "checking");
      await setHidden(page, true);
      const hiddenFrom = await requests(page, charge);
      await page.clock.runFor(10 * MINUTE);
      assert.equal(await requests(page, charge), hiddenFrom, "no request while hidden");
      assert.equal(await phase(page), "paused", "the page says it is not checking");
      assert.match(await page.getByTestId("return-paused").innerText(), /paused while this tab is hidden or offline/);
      await setHidden(page, false);
      await page.clock.runFor(1_000);
      assert.equal(await requests(page, charge), hiddenFrom + 1, "one check as soon as shown");
      assert.equal(await phase(page), "checking");
    });
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("leaving a polling page leaves no timer, listener or request behind", async () => {
    const j = await journey(env.browser, env.server, "polling-leave");
    const { page, step } = j;
    let baseline;
    let charge;
    await step("the charges list, settled, is the baseline", async () => {
      await fakeClock(page);
      await signIn(j);
      await slowGateway(page, 60 * MINUTE);
      await page.getByRole("link", { name: "Charges" }).first().click();
      await page.getByTestId("status-filter").waitFor();
      await page.clock.runFor(5_000);
      baseline = await page.evaluate(() => window.__liveWork());
    });

    await step("the return page polls", async () => {
      await page.getByRole("link", { name: "Shop" }).first().click();
      charge = await buyAndAccept(page);
      await assertPolls(page, charge);
    });

    await step("leaving for the charges list stops it all", async () => {
      await page.getByRole("link", { name: "Charges" }).first().click();
      await page.getByTestId("status-filter").waitFor();
      await assertNothingLeftBehind(page, charge, baseline);
    });
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("leaving the crypto payment page stops its checks and its countdown", async () => {
    const j = await journey(env.browser, env.server, "polling-leave-crypto");
    const { page, step } = j;
    let baseline;
    let charge;
    await step("the crypto form, settled, is the baseline", async () => {
      await fakeClock(page);
      await page.goto(j.url("/crypto"));
      await page.getByTestId("crypto-form").waitFor();
      await slowGateway(page, 60 * MINUTE);
      await page.clock.runFor(5_000);
      baseline = await page.evaluate(() => window.__liveWork());
    });

    await step("paying in bitcoin: the page checks the charge and counts down", async () => {
      await page.getByTestId("crypto-submit").click();
      await page.waitForURL(/\/crypto\/[^/?]+$/);
      const id = page.url().split("/crypto/")[1];
      charge = new RegExp(`^GET \\S*/${id}$`);
      await page.getByTestId("quote-bitcoin").getByTestId("quote-choose").click();
      await page.getByTestId("pay-panel").waitFor();
      await assertPolls(page, charge);
    });

    await step("leaving for the form stops it all", async () => {
      await page.getByRole("link", { name: "Crypto" }).first().click();
      await page.getByTestId("crypto-form").waitFor();
      await assertNothingLeftBehind(page, charge, baseline);
    });
    // Bidali's logo server is out of reach here; the bundled logos stand in.
    const unexpected = j.consoleErrors.filter((e) => !/Failed to load resource: net::ERR_/.test(e));
    assert.deepEqual(unexpected, []);
    await j.close();
  });
});
