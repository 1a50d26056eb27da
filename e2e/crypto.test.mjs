// Crypto checkout journeys (mock mode, release build): pay in bitcoin to a
// receipt; underpay, then pay the rest too late; let a quote expire on a
// server whose clock is ahead of the device and get a new one; and logos
// falling back when Bidali's image server cannot be reached.
//
// The QR code is decoded from the page's pixels with jsQR, and the copy
// buttons are checked by reading the clipboard back.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import jsQR from "jsqr";
import { assertAccessible, journey, useBrowser, SIDEBAR } from "./harness.mjs";
import { changeMockState, mockState } from "./widget.mjs";

const env = await useBrowser();

/** Bidali's logo server, when it answers: a coin of the bundled set. */
function remoteLogo(url) {
  const protocol = new URL(url).pathname.split("/").pop().replace(/\.png$/, "");
  const file = /^[a-z]+$/.test(protocol) ? `public/currencies/${protocol}.svg` : "public/currencies/generic.svg";
  return readFileSync(existsSync(file) ? file : "public/currencies/generic.svg");
}
const REMOTE_LOGOS = "https://assets.bidali.com/**";
const MINUTE = 60_000;

/** Moves the mock server's clock (not the device's) forward. */
async function advanceServerClock(page, ms) {
  await changeMockState(page, (state) => {
    state.clock_offset_ms += ms;
  });
}

/** Reads the QR code on the page: draws its SVG to a canvas, then jsQR. */
async function decodeQr(page) {
  const image = await page.getByTestId("payment-qr").evaluate(async (svg) => {
    const size = 400;
    const markup = new XMLSerializer().serializeToString(svg);
    const img = new Image();
    img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(markup);
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = size;
    canvas.height = size;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(img, 0, 0, size, size);
    return { size, data: Array.from(ctx.getImageData(0, 0, size, size).data) };
  });
  const code = jsQR(Uint8ClampedArray.from(image.data), image.size, image.size);
  assert.ok(code, "the QR code decodes");
  return code.data;
}

/** Every logo on the page has loaded: no broken image anywhere. */
async function assertNoBrokenImages(page) {
  const broken = await page.evaluate(() =>
    Array.from(document.images)
      .filter((img) => !img.complete || img.naturalWidth === 0)
      .map((img) => img.src),
  );
  assert.deepEqual(broken, [], "no broken images");
}

async function logoSources(page) {
  return page.locator("[data-testid^=logo-]").evaluateAll((els) =>
    Object.fromEntries(els.map((el) => [el.dataset.testid, el.dataset.source])),
  );
}

/** Starts a payment from the form and lands on its page. */
async function startPayment(j, { amount, email } = {}) {
  const { page } = j;
  await page.getByTestId("crypto-form").waitFor();
  if (amount) await page.getByTestId("crypto-amount").fill(amount);
  if (email) await page.getByTestId("crypto-email").fill(email);
  await page.getByTestId("crypto-submit").click();
  await page.waitForURL(/\/crypto\/[^/?]+$/);
  await page.getByTestId("quote-list").waitFor();
  return page.url().split("/crypto/")[1];
}

async function choose(page, protocol) {
  await page.getByTestId(`quote-${protocol}`).getByTestId("quote-choose").click();
  await page.getByTestId("pay-panel").waitFor();
  await page.waitForURL(new RegExp(`\\?pay=${protocol}$`));
  // The button that chose is gone: the focus goes on from the pay panel.
  await page.waitForFunction(() => document.activeElement?.id === "pay-heading");
}

/** Console errors other than the unreachable logo server's. */
function unexpected(errors) {
  return errors.filter((e) => !/Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|CONNECTION_REFUSED)/.test(e));
}

async function verdictTitle(page) {
  return page.getByTestId("crypto-verdict-title").textContent();
}

async function waitForVerdict(page, title, timeout = 45_000) {
  await page.waitForFunction(
    (title) => document.querySelector("[data-testid=crypto-verdict-title]")?.textContent === title,
    title,
    { timeout },
  );
}

test("pays in bitcoin to a receipt: quotes with logos, QR, copy buttons, countdown", async () => {
  const j = await journey(env.browser, env.server, "crypto-bitcoin-paid");
  const { page, step, screenshot } = j;
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: env.server.url });
  await page.route(REMOTE_LOGOS, (route) => route.fulfill({ status: 200, contentType: "image/svg+xml", body: remoteLogo(route.request().url()) }));
  let id;
  try {
    await step("the form is filled from the catalog; a bad amount is refused before any request", async () => {
      await page.goto(j.url("/crypto"));
      await page.getByTestId("crypto-form").waitFor();
      assert.equal(await page.getByTestId("crypto-amount").inputValue(), "19.00");
      assert.equal(await page.getByTestId("crypto-description").inputValue(), "Chat transcripts export");
      await page.getByTestId("crypto-amount").fill("1,50");
      await page.getByTestId("crypto-submit").click();
      await page.getByTestId("crypto-amount-error").waitFor();
      assert.equal(await page.getByTestId("crypto-amount").getAttribute("aria-invalid"), "true");
      assert.equal(await page.evaluate(() => document.activeElement?.id), "crypto-amount");
      const state = await mockState(page).catch(() => ({ bidali: { charges: [] } }));
      assert.equal(state.bidali.charges.length, 0, "nothing was sent");
      await assertAccessible(page, "the crypto form, with an error");
      await screenshot("bad-amount");
    });

    await step("a charge is created with the exact amount and the buyer", async () => {
      id = await startPayment(j, { amount: "150", email: "ana.buyer@example.com" });
      const state = await mockState(page);
      assert.equal(state.bidali.charges.length, 1);
      assert.equal(state.bidali.charges[0].amount, "150");
      assert.equal(await page.getByTestId("crypto-fiat").textContent(), "$150.00");
    });

    await step("every quote shows its logo, amount and rate exactly as sent", async () => {
      // What the server holds is what it sent.
      const charge = (await mockState(page)).bidali.charges.find((c) => c.id === id);
      const rows = await page.getByTestId("quote-list").locator("li").evaluateAll((lis) => lis.map((li) => li.dataset.protocol));
      assert.deepEqual(rows, ["bitcoin", "ethereum", "dai", "litecoin", "bitcoincash"]);
      for (const quote of charge.quotes) {
        const row = page.getByTestId(`quote-${quote.protocol}`);
        assert.equal(await row.getByTestId("quote-amount").textContent(), `${quote.amount} ${quote.ticker}`);
        assert.equal(await row.getByTestId("quote-rate").textContent(), `1 USD = ${quote.rate} ${quote.ticker}`);
      }
      const sources = await logoSources(page);
      assert.deepEqual(Object.values(sources), Array(5).fill("remote"), JSON.stringify(sources));
      await assertNoBrokenImages(page);
      const clock = await page.getByTestId("countdown-clock").textContent();
      assert.match(clock, /^1[45]:\d\d$/, `a fresh quote has about 15 minutes: ${clock}`);
      await assertAccessible(page, "the crypto quote list");
      await screenshot("quotes");
    });

    await step("choosing bitcoin shows the address, amount and a QR code of the BIP21 link", async () => {
      // The buyer takes their time: the mock's payer acts every 4 minutes
      // of server time, which the journey moves on by hand.
      await changeMockState(page, (state) => {
        state.scenario.gateway_step_ms = 4 * MINUTE;
      });
      await choose(page, "bitcoin");
      const amount = (await page.getByTestId("pay-amount").textContent()).replace(/ BTC$/, "");
      const address = await page.getByTestId("pay-address").textContent();
      assert.match(address, /^[13bc][A-Za-z0-9]{20,}$/);
      assert.equal(await decodeQr(page), `bitcoin:${address}?amount=${amount}`);
      assert.equal(await page.getByTestId("pay-wallet-link").getAttribute("href"), `bitcoin:${address}?amount=${amount}`);
      await screenshot("pay-bitcoin");

      await page.getByTestId("copy-address").click();
      await page.getByTestId("copy-address-status").filter({ hasText: "on the clipboard" }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), address);
      await page.getByTestId("copy-amount").click();
      await page.getByTestId("copy-amount-status").filter({ hasText: "on the clipboard" }).waitFor();
      assert.equal(await page.evaluate(() => navigator.clipboard.readText()), amount);
      await assertAccessible(page, "the crypto pay panel, copied");
    });

    await step("offline, checking pauses and says so; back online, it resumes at once", async () => {
      await page.context().setOffline(true);
      await page.getByTestId("crypto-paused").waitFor();
      // The payer acts now, but nothing is read while offline.
      await advanceServerClock(page, 4 * MINUTE);
      await page.waitForTimeout(2_500);
      assert.equal(await page.getByTestId("crypto-status").getAttribute("data-code"), "100");
      await screenshot("offline");
      await page.context().setOffline(false);
      await page.getByTestId("crypto-paused").waitFor({ state: "detached" });
    });

    await step("the payment is seen, then confirmed block by block", async () => {
      await waitForVerdict(page, "Confirming payment");
      assert.match(await page.getByTestId("crypto-verdict-detail").textContent(), /0 of 2 confirmations/);
      assert.equal(await page.getByTestId("pay-panel").count(), 0, "nothing more to send");
      await assertAccessible(page, "the crypto payment, confirming");
      await screenshot("confirming");
      await advanceServerClock(page, 4 * MINUTE);
      await page.getByTestId("crypto-verdict-detail").filter({ hasText: "1 of 2 confirmations" }).waitFor();
      await advanceServerClock(page, 4 * MINUTE);
    });

    await step("paid: the receipt lists the payment", async () => {
      await waitForVerdict(page, "Paid");
      const receipt = page.getByTestId("crypto-receipt");
      await receipt.waitFor();
      const state = await mockState(page);
      const charge = state.bidali.charges.find((c) => c.id === id);
      assert.equal(charge.status_code, 300);
      const btc = charge.quotes.find((q) => q.protocol === "bitcoin");
      assert.equal(await page.getByTestId("receipt-paid").textContent(), `${btc.amount} BTC`);
      assert.equal(await page.getByTestId("receipt-fiat").textContent(), "$150.00");
      assert.equal(await page.getByTestId("receipt-transactions").locator("li").count(), 1);
      assert.equal(await page.getByTestId("pay-panel").count(), 0, "nothing more to pay");
      const events = await page.getByTestId("crypto-timeline").locator("li").evaluateAll((lis) => lis.map((li) => li.dataset.type));
      assert.deepEqual(events, [
        "CHARGE_CREATED",
        "BITCOIN_TRANSACTION_CREATED",
        "BITCOIN_TRANSACTION_CONFIRMED",
        "BITCOIN_TRANSACTION_CONFIRMED",
      ]);
      await assertAccessible(page, "the crypto receipt");
      await screenshot("receipt");
    });

    await step("a reload shows the same receipt without asking to pay again", async () => {
      await page.reload();
      await page.getByTestId("crypto-receipt").waitFor();
      assert.equal(await verdictTitle(page), "Paid");
      assert.equal(await page.getByTestId("quote-list").count(), 0);
      await page.getByTestId("receipt-new").click();
      await page.getByTestId("crypto-resume").waitFor();
    });
    assert.deepEqual(j.consoleErrors, []);
  } finally {
    await j.close();
  }
});

test("underpays in litecoin, is told exactly what is missing, then pays the rest too late", async () => {
  const j = await journey(env.browser, env.server, "crypto-underpaid-late", { viewport: SIDEBAR });
  const { page, step, screenshot } = j;
  await page.route(REMOTE_LOGOS, (route) => route.abort("namenotresolved"));
  try {
    await step("start and choose litecoin", async () => {
      await page.goto(j.url("/crypto?mock_scenario=crypto_underpaid_late"));
      await startPayment(j);
      await choose(page, "litecoin");
    });

    let outstanding;
    await step("part of the payment arrives: send X more, and the QR asks for the rest", async () => {
      await waitForVerdict(page, "Partially paid");
      const state = await mockState(page);
      const charge = state.bidali.charges[0];
      const due = charge.quotes.find((q) => q.protocol === "litecoin").amount;
      const sent = charge.transactions[0].amount;
      outstanding = (await page.getByTestId("pay-amount").textContent()).replace(/ LTC$/, "");
      // Exact decimals: what arrived plus what is asked for is what was due.
      const scale = (s) => BigInt(s.replace(".", "")) * 10n ** BigInt(8 - (s.split(".")[1]?.length ?? 0));
      assert.equal(scale(sent) + scale(outstanding), scale(due));
      const detail = await page.getByTestId("crypto-verdict-detail").textContent();
      assert.ok(detail.includes(`Send ${outstanding} LTC more`), detail);
      const address = await page.getByTestId("pay-address").textContent();
      assert.equal(await decodeQr(page), `litecoin:${address}?amount=${outstanding}`);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0, "no horizontal scrolling at 320 px");
      await assertAccessible(page, "the crypto payment, partially paid, 320 px");
      await screenshot("underpaid");
    });

    await step("the quote expires and the rest arrives late", async () => {
      await advanceServerClock(page, 16 * MINUTE);
      await waitForVerdict(page, "Paid too late");
      assert.equal(await page.getByTestId("crypto-verdict").getAttribute("data-next"), "contactseller");
      assert.equal(await page.getByTestId("pay-panel").count(), 0);
      assert.equal(await page.getByTestId("crypto-receipt").count(), 0, "late is not paid");
      assert.equal(await page.getByTestId("crypto-requote").count(), 0, "no new quote after money moved");
      const status = page.getByTestId("crypto-status");
      assert.equal(await status.getAttribute("data-code"), "420");
      await assertAccessible(page, "the crypto payment, paid too late, 320 px");
      await screenshot("late");
    });
    assert.deepEqual(unexpected(j.consoleErrors), []);
  } finally {
    await j.close();
  }
});

test("without a Date header the server's clock is read from the new charge's createdAt", async () => {
  const j = await journey(env.browser, env.server, "crypto-no-date", { viewport: SIDEBAR });
  const { page, step } = j;
  await page.route(REMOTE_LOGOS, (route) => route.abort("namenotresolved"));
  try {
    await step("the server is 16 minutes ahead and its answers carry no Date", async () => {
      await page.goto(j.url("/crypto"));
      await page.getByTestId("crypto-form").waitFor();
      await advanceServerClock(page, 16 * MINUTE);
      await changeMockState(page, (state) => {
        for (const path_prefix of ["/charges", "/quotes"]) {
          state.faults.faults.push({ path_prefix, fault: { kind: "no_date" }, times: 100 });
        }
      });
      // A fresh page: no clock learned from earlier answers.
      await page.reload();
    });
    await step("the countdown shows the quote's quarter of an hour, not 31 minutes", async () => {
      await startPayment(j, { amount: "20.00" });
      await choose(page, "bitcoin");
      const clock = await page.getByTestId("countdown-clock").textContent();
      assert.match(clock, /^1[45]:\d\d$/, clock);
      const state = await mockState(page);
      assert.ok(
        state.faults.faults.every((f) => f.times < 100),
        "the answers really came without Date",
      );
    });
    assert.deepEqual(unexpected(j.consoleErrors), []);
  } finally {
    await j.close();
  }
});

test("a quote expires by the server's clock, not the device's, and a new quote picks up the same currency", async () => {
  const j = await journey(env.browser, env.server, "crypto-expired-requote", { viewport: SIDEBAR, colorScheme: "dark" });
  const { page, step, screenshot } = j;
  await page.route(REMOTE_LOGOS, (route) => route.abort("namenotresolved"));
  let firstId;
  try {
    await step("start, choose ethereum: an EIP-681 link with the amount in wei", async () => {
      await page.goto(j.url("/crypto?mock_scenario=crypto_expired"));
      firstId = await startPayment(j, { amount: "42.50" });
      await choose(page, "ethereum");
      const address = await page.getByTestId("pay-address").textContent();
      const amount = (await page.getByTestId("pay-amount").textContent()).replace(/ ETH$/, "");
      const [whole, fraction = ""] = amount.split(".");
      const wei = (BigInt(whole) * 10n ** 18n + BigInt(fraction.padEnd(18, "0"))).toString();
      assert.equal(await decodeQr(page), `ethereum:${address}?value=${wei}`);
      await assertAccessible(page, "the crypto pay panel, dark, 320 px");
    });

    await step("the server's clock jumps 16 minutes ahead of the device: the countdown follows the server", async () => {
      await advanceServerClock(page, 16 * MINUTE);
      await waitForVerdict(page, "Quote expired");
      await page.getByTestId("countdown").and(page.locator("[data-expired=true]")).waitFor();
      assert.equal(await page.getByTestId("countdown-clock").textContent(), "0:00");
      assert.equal(await page.getByTestId("countdown-announcement").textContent(), "The quote has expired.");
      assert.equal(await page.getByTestId("crypto-status").getAttribute("data-code"), "410");
      assert.equal(await page.getByTestId("pay-panel").count(), 0, "no address to pay to once expired");
      await assertAccessible(page, "the crypto quote, expired, dark, 320 px");
      await screenshot("expired");
    });

    await step("a new quote is a new charge for the same amount, back on ethereum", async () => {
      await page.getByTestId("crypto-requote").click();
      await page.waitForURL((url) => !url.pathname.endsWith(firstId) && url.search === "?pay=ethereum");
      await page.getByTestId("pay-panel").waitFor();
      assert.equal(await page.getByTestId("crypto-fiat").textContent(), "$42.50");
      // The device clock is 16 minutes behind the server; the countdown
      // still shows a quarter of an hour, not 31 minutes.
      const clock = await page.getByTestId("countdown-clock").textContent();
      assert.match(clock, /^1[45]:\d\d$/, clock);
      const state = await mockState(page);
      assert.equal(state.bidali.charges.length, 2);
      await screenshot("new-quote");
    });
    assert.deepEqual(unexpected(j.consoleErrors), []);
  } finally {
    await j.close();
  }
});

test("logos fall back to the bundled ones, then to the generic coin, and never show broken", async () => {
  const j = await journey(env.browser, env.server, "crypto-logo-fallback", { viewport: SIDEBAR });
  const { page, step, screenshot } = j;
  await page.route(REMOTE_LOGOS, (route) => route.abort("connectionrefused"));
  // The bundled dai logo is missing too: the generic coin stands in.
  await page.route("**/currencies/dai.svg", (route) => route.fulfill({ status: 404, body: "" }));
  try {
    await step("the quote list shows local and generic logos", async () => {
      await page.goto(j.url("/crypto"));
      await startPayment(j);
      await page.waitForFunction(() =>
        Array.from(document.querySelectorAll("[data-testid^=logo-]")).every((el) => el.dataset.source !== "remote"),
      );
      await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
      assert.deepEqual(await logoSources(page), {
        "logo-bitcoin": "local",
        "logo-ethereum": "local",
        "logo-dai": "generic",
        "logo-litecoin": "local",
        "logo-bitcoincash": "local",
      });
      await assertNoBrokenImages(page);
      await assertAccessible(page, "the crypto quote list, fallback logos, 320 px");
      await screenshot("fallback-logos");
    });
  } finally {
    await j.close();
  }
});

test("every other outcome gets its own verdict and way forward, and only paid ones a receipt", async () => {
  const j = await journey(env.browser, env.server, "crypto-outcomes", { viewport: SIDEBAR });
  const { page, step, screenshot } = j;
  await page.route(REMOTE_LOGOS, (route) => route.abort("namenotresolved"));
  const outcomes = [
    // scenario, status code, verdict title, what the page offers next
    ["crypto_overpaid", 310, "Paid", "receipt"],
    ["crypto_review", 417, "Under review", "contactseller"],
    ["crypto_refunded", 450, "Refunded", "contactseller"],
    ["crypto_failure", 400, "Payment failed", "contactseller"],
    ["crypto_error", 500, "Payment error", "contactseller"],
  ];
  try {
    for (const [scenario, code, title, next] of outcomes) {
      await step(`${scenario}: ${title}`, async () => {
        await page.goto(j.url(`/crypto?mock_scenario=${scenario}`));
        await startPayment(j);
        await choose(page, "bitcoin");
        // Everything the payer and the network will do happens at once.
        await advanceServerClock(page, 2 * MINUTE);
        await page.locator(`[data-testid=crypto-status][data-code="${code}"]`).waitFor({ timeout: 20_000 });
        assert.equal(await verdictTitle(page), title);
        assert.equal(await page.getByTestId("crypto-verdict").getAttribute("data-next"), next);
        assert.equal(await page.getByTestId("crypto-receipt").count(), next === "receipt" ? 1 : 0);
        assert.equal(await page.getByTestId("pay-panel").count(), 0);
        if (scenario === "crypto_overpaid") {
          assert.match(await page.getByTestId("crypto-verdict-detail").textContent(), /more than required/);
        }
        await assertAccessible(page, `the crypto payment, ${title}, 320 px`);
        await screenshot(scenario);
      });
    }
    assert.deepEqual(unexpected(j.consoleErrors), []);
  } finally {
    await j.close();
  }
});
