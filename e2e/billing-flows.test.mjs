// Journeys: signing in with LiveChat and buying through the Billing API, in
// mock mode against the release build. Every round trip is a real
// navigation through the mock's own sign-in and confirmation pages, and the
// mock's state (its control API) is read to check what the server saw.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SIDEBAR, assertAccessible, journey, useBrowser } from "./harness.mjs";
import { OLIVIA, changeMockState, mockState, signIn, waitForMockState } from "./widget.mjs";

const env = await useBrowser();

/** Serves config.json with `change` applied (e.g. the implicit flow). */
async function withConfig(page, change) {
  await page.route(/\/config\.json$/, async (route) => {
    const response = await route.fetch();
    const config = await response.json();
    change(config);
    await route.fulfill({ response, json: config });
  });
}

/** Buys catalog item `itemId` and waits on the mock confirmation page. */
async function buy(j, itemId) {
  const { page } = j;
  const card = page.locator(`[data-item-id="${itemId}"]`);
  await card.getByTestId("buy").click();
  await page.waitForURL(/\/mock\/confirm\?/);
  await page.getByTestId("mock-confirm").waitFor();
}

/** Waits until the return page has nothing more to wait for. */
async function outcome(page, { timeout = 30_000 } = {}) {
  const phase = page.getByTestId("return-phase");
  await page.waitForFunction(
    () => {
      const el = document.querySelector('[data-testid="return-phase"]');
      return el && ["finished", "failed", "gave-up", "not-found", "awaiting-buyer"].includes(el.dataset.phase);
    },
    null,
    { timeout },
  );
  return {
    phase: await phase.getAttribute("data-phase"),
    title: (await page.getByTestId("return-outcome-title").textContent({ timeout: 1_000 }).catch(() => null))?.trim(),
    status: (await page.getByTestId("return-status").textContent({ timeout: 1_000 }).catch(() => null))?.trim(),
  };
}

async function stepStates(page) {
  return page.$$eval('[data-testid="status-timeline"] li', (items) =>
    Object.fromEntries(items.map((li) => [li.dataset.testid.replace(/^step-/, ""), li.dataset.state])),
  );
}

function assertNoSecretsInAddress(page) {
  const url = new URL(page.url());
  for (const key of ["code", "state", "access_token", "token_type", "expires_in", "error"]) {
    assert.equal(url.searchParams.get(key), null, `${key} left in the query: ${page.url()}`);
    assert.ok(!url.hash.includes(`${key}=`), `${key} left in the fragment: ${page.url()}`);
  }
}

describe("sign in with LiveChat", () => {
  test("authorization code with PKCE: back where the user was, address bar clean", async () => {
    const j = await journey(env.browser, env.server, "sign-in-code-pkce");
    const { page, step } = j;
    let authorize;
    await step("the shop offers sign-in instead of buying", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("sign-in-to-buy").first().waitFor();
      assert.equal(await page.getByTestId("buy").count(), 0);
    });
    await step("standalone, the shop explains how to add the widget to LiveChat", async () => {
      await page.getByTestId("setup-instructions").waitFor();
      await assertAccessible(page, "the shop, signed out, with the setup instructions");
    });
    await j.screenshot("signed-out-shop");
    await step("the authorize request carries a PKCE S256 challenge and a state", async () => {
      await page.getByTestId("sign-in-to-buy").first().click();
      await page.waitForURL(/\/mock\/authorize\?/);
      authorize = new URL(page.url()).searchParams;
      assert.equal(authorize.get("response_type"), "code");
      assert.equal(authorize.get("code_challenge_method"), "S256");
      assert.match(authorize.get("code_challenge"), /^[A-Za-z0-9_-]{43}$/);
      assert.match(authorize.get("state"), /^[A-Za-z0-9_-]{22}$/);
      assert.equal(authorize.get("client_id"), "billing-widget-demo");
      assert.equal(authorize.get("redirect_uri"), j.url("/auth/callback"));
      await page.getByTestId("mock-sign-in").waitFor();
      await assertAccessible(page, "the mock sign-in page");
    });
    await j.screenshot("mock-sign-in");
    await step("after choosing an account the widget is signed in, on the shop", async () => {
      await page.getByTestId(`mock-account-${OLIVIA}`).click();
      await page.getByTestId("session-bar").waitFor();
      assert.equal(new URL(page.url()).pathname, "/");
      assertNoSecretsInAddress(page);
      assert.match(await page.getByTestId("session-scopes").textContent(), /billing_manage, ledger_read/);
      assert.ok((await page.getByTestId("buy").count()) > 0);
    });
    await step("the token is kept in memory, never in the widget's storage", async () => {
      const token = (await mockState(page)).oauth.tokens.at(-1).access_token;
      const widgetStorage = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
      assert.ok(!widgetStorage.includes(token), widgetStorage);
      assert.equal(await page.evaluate(() => sessionStorage.getItem("billing-widget.oauth.handoff")), null);
    });
    await step("a reload keeps the sign-in (handed over for the reload only)", async () => {
      await page.reload();
      await page.getByTestId("session-bar").waitFor();
      assert.equal(await page.evaluate(() => sessionStorage.getItem("billing-widget.oauth.handoff")), null);
      await assertAccessible(page, "the shop, signed in");
    });
    await j.screenshot("signed-in-shop");
    await step("sign out forgets the token and revokes it", async () => {
      await page.getByTestId("sign-out").focus();
      await page.keyboard.press("Enter");
      await page.getByTestId("sign-in-to-buy").first().waitFor();
      // The button is gone; the keyboard carries on from the page's content.
      assert.equal(await page.evaluate(() => document.activeElement?.id), "main");
      await waitForMockState(page, "the token revoked", (state) => state.oauth.tokens.length === 0);
    });
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("implicit grant (configured fallback): the token never stays in the address bar", async () => {
    const j = await journey(env.browser, env.server, "sign-in-implicit", { viewport: SIDEBAR });
    const { page, step } = j;
    await withConfig(page, (config) => {
      config.livechat.oauth_flow = "implicit";
    });
    await step("the authorize request asks for a token", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("sign-in-to-buy").first().click();
      await page.waitForURL(/\/mock\/authorize\?/);
      const params = new URL(page.url()).searchParams;
      assert.equal(params.get("response_type"), "token");
      assert.equal(params.get("code_challenge"), null);
    });
    await step("back signed in, with the fragment removed", async () => {
      await page.getByTestId("mock-account-adam.agent@example.com").click();
      await page.getByTestId("session-bar").waitFor();
      assertNoSecretsInAddress(page);
      assert.equal(new URL(page.url()).hash, "");
      assert.match(await page.getByTestId("session-scopes").textContent(), /billing_manage/);
      await assertAccessible(page, "the shop, signed in, 320 px");
    });
    await j.screenshot("signed-in-320");
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("denied access: a clear screen, a clean address, and a way to try again", async () => {
    const j = await journey(env.browser, env.server, "sign-in-denied");
    const { page, step } = j;
    await step("deny on the sign-in page", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("sign-in-to-buy").first().click();
      await page.waitForURL(/\/mock\/authorize\?/);
      await page.getByTestId("mock-deny").click();
      await page.getByTestId("sign-in-failed").waitFor();
    });
    await step("the message says access was declined; the URL holds no error or state", async () => {
      assert.match(await page.getByTestId("sign-in-failed-message").textContent(), /declined access/i);
      assertNoSecretsInAddress(page);
      await assertAccessible(page, "sign-in failed");
    });
    await j.screenshot("denied");
    await step("a forged answer (state that was never sent) is refused", async () => {
      await page.goto(j.url("/auth/callback?code=dal%3Aforged&state=AAAAAAAAAAAAAAAAAAAAAA"));
      await page.getByTestId("sign-in-failed").waitFor();
      assert.match(await page.getByTestId("sign-in-failed-message").textContent(), /sign in again/i);
      assertNoSecretsInAddress(page);
      assert.equal(await page.getByTestId("session-bar").count(), 0);
    });
    await step("sign in again works", async () => {
      await page.getByTestId("sign-in-again").click();
      await page.waitForURL(/\/mock\/authorize\?/);
      await page.getByTestId(`mock-account-${OLIVIA}`).click();
      await page.getByTestId("session-bar").waitFor();
    });
    await j.close();
  });

  test("the loop guard stops a third redirect within 30 seconds", async () => {
    const j = await journey(env.browser, env.server, "sign-in-loop-guard");
    const { page, step } = j;
    await step("two sign-ins that are abandoned", async () => {
      for (let i = 0; i < 2; i += 1) {
        await page.goto(j.url("/"));
        await page.getByTestId("sign-in-to-buy").first().click();
        await page.waitForURL(/\/mock\/authorize\?/);
      }
    });
    await step("the third is refused with the wait, and nothing navigates", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("sign-in-to-buy").first().click();
      await page.getByTestId("buy-input-error").waitFor();
      assert.match(await page.getByTestId("buy-input-error").textContent(), /Too many sign-in attempts/);
      // The quantity itself is fine: the field is not marked invalid.
      assert.notEqual(await page.getByTestId("quantity").first().getAttribute("aria-invalid"), "true");
      await assertAccessible(page, "the shop, sign-in refused by the loop guard");
      assert.equal(new URL(page.url()).pathname, "/");
    });
    await j.screenshot("refused");
    await j.close();
  });
});

describe("an expired sign-in", () => {
  test("a 401 while buying asks to sign in again, and the form is kept", async () => {
    const j = await journey(env.browser, env.server, "sign-in-expired");
    const { page, step } = j;
    await signIn(j);
    await step("the server forgets the token (it expired there)", async () => {
      await changeMockState(page, (state) => {
        for (const token of state.oauth.tokens) token.expires_at_ms = 1;
      });
    });
    await step("buying shows why it failed and offers sign-in; the quantity stays", async () => {
      const card = page.locator('[data-item-id="chat-transcripts-export"]');
      await card.getByTestId("quantity").fill("3");
      await card.getByTestId("buy").click();
      await card.getByTestId("buy-error").waitFor();
      assert.match(await card.getByTestId("buy-error").textContent(), /sign-in has expired/i);
      await card.getByTestId("sign-in-to-buy").waitFor();
      assert.equal(await card.getByTestId("quantity").inputValue(), "3");
      assert.equal(await page.getByTestId("session-bar").count(), 0);
      assert.equal((await mockState(page)).livechat.direct_charges.length, 0);
      await assertAccessible(page, "the shop, sign-in expired while buying");
    });
    await j.screenshot("expired");
    await step("after signing in again, the quantity typed is still there and is bought", async () => {
      const card = page.locator('[data-item-id="chat-transcripts-export"]');
      await card.getByTestId("sign-in-to-buy").click();
      await page.waitForURL(/\/mock\/authorize\?/);
      await page.getByTestId(`mock-account-${OLIVIA}`).click();
      await page.getByTestId("session-bar").waitFor();
      assert.equal(await card.getByTestId("quantity").inputValue(), "3");
      await card.getByTestId("buy").click();
      await page.waitForURL(/\/mock\/confirm\?/);
      const [charge] = (await mockState(page)).livechat.direct_charges;
      assert.equal(charge.quantity, 3);
    });
    await j.close();
  });
});

describe("one-time purchase (direct charge)", () => {
  test("buy, confirm, activate once, poll to paid; reload and a second tab do not activate again", async () => {
    const j = await journey(env.browser, env.server, "direct-charge-success");
    const { page, step } = j;
    await signIn(j);
    await step("one click creates exactly one charge and opens its confirmation page", async () => {
      const card = page.locator('[data-item-id="chat-transcripts-export"]');
      await card.getByTestId("buy").dblclick();
      await page.waitForURL(/\/mock\/confirm\?/);
      const state = await mockState(page);
      assert.equal(state.livechat.direct_charges.length, 1);
      assert.equal(state.livechat.direct_charges[0].status, "pending");
      await page.getByTestId("mock-confirm").waitFor();
      await assertAccessible(page, "the mock confirmation page");
    });
    await j.screenshot("confirmation-page");
    await step("accept: back on the return page, which activates and polls", async () => {
      await page.getByTestId("mock-accept").click();
      await page.waitForURL(/\/return\?id=.+&type=direct_charge/);
      await page.getByTestId("return-flow").waitFor();
    });
    await step("the timeline shows processing before the final status", async () => {
      await page.waitForFunction(() =>
        ["activated", "processing"].some((k) =>
          document.querySelector(`[data-testid="step-${k}"]`)?.dataset.state === "current"),
      );
      await assertAccessible(page, "the return page, processing");
    });
    await j.screenshot("processing");
    await step("paid", async () => {
      const result = await outcome(page);
      assert.equal(result.phase, "finished");
      assert.equal(result.title, "Payment complete");
      assert.equal(result.status, "Paid");
      const states = await stepStates(page);
      assert.deepEqual(Object.values(states), ["done", "done", "done", "done", "done"]);
      await assertAccessible(page, "the return page, paid");
    });
    await j.screenshot("paid");
    await step("reloading the return page shows paid and sends no activation", async () => {
      await page.reload();
      const result = await outcome(page);
      assert.equal(result.title, "Payment complete");
      const [charge] = (await mockState(page)).livechat.direct_charges;
      assert.equal(charge.status, "success");
      assert.equal(charge.activation_requests, 1);
    });
    await step("a second tab on the same return address signs in, shows paid, still one activation", async () => {
      const second = await page.context().newPage();
      await second.goto(page.url());
      // A tab starts without a token: it signs in and comes back to the charge.
      await second.getByTestId("sign-in").waitFor();
      await assertAccessible(second, "the return page, asking to sign in");
      await second.getByTestId("sign-in").click();
      await second.waitForURL(/\/mock\/authorize\?/);
      await second.getByTestId(`mock-account-${OLIVIA}`).click();
      await second.waitForURL(/\/return\?id=/);
      const result = await outcome(second);
      assert.equal(result.title, "Payment complete");
      const [charge] = (await mockState(second)).livechat.direct_charges;
      assert.equal(charge.activation_requests, 1);
      await second.close();
    });
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("reloading while the charge is still accepted does not activate twice", async () => {
    const j = await journey(env.browser, env.server, "direct-charge-reload-early");
    const { page, step } = j;
    await signIn(j);
    await buy(j, "chat-transcripts-export");
    await step("accept, then reload as soon as the activation went out", async () => {
      await page.getByTestId("mock-accept").click();
      await page.waitForURL(/\/return\?/);
      await waitForMockState(
        page,
        "the activation",
        (state) => state.livechat.direct_charges[0]?.activation_requests === 1,
      );
      await page.reload();
    });
    await step("the page follows the same charge to paid with one activation", async () => {
      const result = await outcome(page);
      assert.equal(result.title, "Payment complete");
      const [charge] = (await mockState(page)).livechat.direct_charges;
      assert.equal(charge.activation_requests, 1);
    });
    await j.close();
  });

  test("a card that fails: the timeline and the outcome say so", async () => {
    const j = await journey(env.browser, env.server, "direct-charge-failed");
    const { page, step } = j;
    await signIn(j, OLIVIA, "/?mock_scenario=card_declined");
    await buy(j, "chat-transcripts-export");
    await step("accept, then the gateway fails the payment", async () => {
      await page.getByTestId("mock-accept").click();
      const result = await outcome(page);
      assert.equal(result.title, "Payment failed");
      assert.equal(result.status, "Payment failed");
      assert.equal(await page.getByTestId("return-outcome").getAttribute("data-good"), "false");
      const states = await stepStates(page);
      assert.equal(states.paid, "failed");
      await assertAccessible(page, "the return page, payment failed");
    });
    await j.screenshot("failed");
    await j.close();
  });

  test("declining on the confirmation page: nothing is charged or activated", async () => {
    const j = await journey(env.browser, env.server, "direct-charge-declined", { viewport: SIDEBAR });
    const { page, step } = j;
    await signIn(j);
    await page.locator('[data-item-id="sentiment-pack"]').getByTestId("quantity").fill("3");
    await buy(j, "sentiment-pack");
    await step("the per-agent item keeps the quantity sent: price × 3 accounts", async () => {
      const details = await page.getByTestId("mock-charge-details").textContent();
      assert.match(details, /× 3 accounts/);
      assert.match(details, /\$15\.00/, details);
    });
    await step("decline", async () => {
      await page.getByTestId("mock-decline").click();
      const result = await outcome(page);
      assert.equal(result.title, "Purchase declined");
      const states = await stepStates(page);
      assert.equal(states.confirmed, "failed");
      const [charge] = (await mockState(page)).livechat.direct_charges;
      assert.equal(charge.status, "declined");
      assert.equal(charge.activation_requests, 0);
      await assertAccessible(page, "the return page, declined, 320 px");
    });
    await j.screenshot("declined-320");
    await j.close();
  });

  test("a return that needs a fresh sign-in resumes the same charge afterwards", async () => {
    const j = await journey(env.browser, env.server, "return-needs-sign-in");
    const { page, step } = j;
    let returnUrl;
    await signIn(j);
    await buy(j, "chat-transcripts-export");
    await step("accept, then lose the sign-in (a new tab has no token)", async () => {
      await page.getByTestId("mock-accept").click();
      await page.waitForURL(/\/return\?/);
      returnUrl = page.url();
      await outcome(page);
    });
    const fresh = await page.context().newPage();
    await step("the return page asks to sign in, and comes back to the same charge", async () => {
      await fresh.goto(returnUrl);
      await fresh.getByTestId("sign-in").click();
      await fresh.waitForURL(/\/mock\/authorize\?/);
      await fresh.getByTestId(`mock-account-${OLIVIA}`).click();
      await fresh.waitForURL(/\/return\?id=/);
      assert.equal(new URL(fresh.url()).search, new URL(returnUrl).search);
      const result = await outcome(fresh);
      assert.equal(result.title, "Payment complete");
    });
    await fresh.close();
    await j.close();
  });

  test("another customer's return link is not found and activates nothing", async () => {
    const j = await journey(env.browser, env.server, "return-someone-elses");
    const { page, step } = j;
    let id;
    await signIn(j);
    await buy(j, "chat-transcripts-export");
    await step("Olivia accepts, but her return page never loads", async () => {
      id = new URL(page.url()).searchParams.get("id");
      await page.route(/\/return\?/, (route) => route.abort());
      await page.getByTestId("mock-accept").click();
    });
    const other = await page.context().newPage();
    await step("someone from another organization opens her return link", async () => {
      await other.goto(j.url("/"));
      await other.getByTestId("sign-in-to-buy").first().click();
      await other.waitForURL(/\/mock\/authorize\?/);
      await other.getByTestId("mock-account-ada.admin@example.com").click();
      await other.getByTestId("session-bar").waitFor();
      const [charge] = (await mockState(other)).livechat.direct_charges;
      assert.equal(charge.status, "accepted", "accepted and waiting for activation");
      await other.goto(j.url(`/return?id=${id}&type=direct_charge`));
      assert.equal((await outcome(other)).phase, "not-found");
    });
    await step("her charge was neither activated nor changed", async () => {
      const state = await mockState(other);
      const activations = Object.entries(state.request_counts ?? {}).filter(([key]) => /activate/.test(key));
      assert.deepEqual(activations, []);
      assert.equal(state.livechat.direct_charges[0].status, "accepted");
    });
    await other.close();
    await j.close();
  });

  test("a tampered return address is refused without any request", async () => {
    const j = await journey(env.browser, env.server, "return-tampered");
    const { page, step } = j;
    await signIn(j);
    const chargeReads = async () =>
      Object.entries((await mockState(page)).request_counts ?? {})
        .filter(([key]) => /_charge/.test(key))
        .reduce((sum, [, n]) => sum + n, 0);
    await step("markup in the id, a wrong type, a repeated id: refused before any request", async () => {
      const before = await chargeReads();
      for (const search of [
        "?id=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&type=direct_charge",
        "?id=5de3bc8e-0000-4000-8000-000000000000&type=gift_card",
        "?id=a1&id=a2&type=direct_charge",
      ]) {
        await page.goto(j.url(`/return${search}`));
        await page.getByTestId("return-invalid").waitFor();
        assert.equal(await page.locator("main img").count(), 0, search);
      }
      assert.equal(await chargeReads(), before, "no charge was read or activated");
      await assertAccessible(page, "the return page, invalid address");
    });
    await step("an unknown id is explained", async () => {
      await page.goto(j.url("/return?id=no-such-charge&type=direct_charge"));
      const result = await outcome(page);
      assert.equal(result.phase, "not-found");
      const notFound = page.getByTestId("return-not-found");
      assert.match(await notFound.innerText(), /another LiveChat account/);
      // The way forward: the charges this account does have.
      await notFound.getByRole("link").click();
      await page.getByTestId("page-charges").waitFor();
      await page.goBack();
      await page.getByTestId("return-not-found").waitFor();
      await assertAccessible(page, "the return page, unknown charge");
    });
    await j.screenshot("unknown-id");
    await j.close();
  });
});

/**
 * Presses Tab until the focus is on `selector` (at most `max` presses) and
 * checks the focus is visible there. Fails naming where the focus went.
 */
async function tabTo(page, selector, max = 40) {
  const visited = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const where = await page.evaluate((selector) => {
      const el = document.activeElement;
      return {
        matches: !!el?.matches(selector),
        visible: !!el?.matches(":focus-visible"),
        name: el ? `${el.tagName.toLowerCase()}[${el.dataset.testid ?? el.textContent.trim().slice(0, 30)}]` : "none",
      };
    }, selector);
    visited.push(where.name);
    if (where.matches) {
      assert.ok(where.visible, `the focus on ${selector} is visible`);
      return;
    }
  }
  assert.fail(`Tab never reached ${selector}; it went: ${visited.join(" → ")}`);
}

describe("keyboard only", () => {
  test("sign in, buy, confirm and see it paid without a pointer", async () => {
    const j = await journey(env.browser, env.server, "keyboard-only-buy");
    const { page, step } = j;
    await step("sign in: Tab to the shop's sign-in, then to Olivia's account", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("page-home").waitFor();
      await tabTo(page, '[data-testid="sign-in-to-buy"]');
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/mock\/authorize\?/);
      await tabTo(page, `[data-testid="mock-account-${OLIVIA}"]`);
      await page.keyboard.press("Enter");
      await page.getByTestId("session-bar").waitFor();
    });
    await step("buy: Tab to a Buy button and press Enter once", async () => {
      await tabTo(page, '[data-item-id="chat-transcripts-export"] [data-testid="buy"]');
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/mock\/confirm\?/);
      assert.equal((await mockState(page)).livechat.direct_charges.length, 1);
    });
    await step("confirm with the keyboard: back on the return page, paid", async () => {
      await tabTo(page, '[data-testid="mock-accept"]');
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/return\?id=.+&type=direct_charge/);
      const result = await outcome(page);
      assert.equal(result.title, "Payment complete");
      await assertAccessible(page, "the return page, paid, reached by keyboard");
    });
    await j.screenshot("paid");
    await step("the outcome's links are reachable by Tab", async () => {
      await tabTo(page, '[data-testid="return-outcome"] a[href="/charges"]');
      await page.keyboard.press("Enter");
      await page.waitForURL(/\/charges$/);
      await page.getByTestId("charge-row").first().waitFor();
    });
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });
});

describe("subscriptions (recurrent charges)", () => {
  test("subscribe with a free trial", async () => {
    const j = await journey(env.browser, env.server, "subscription-trial");
    const { page, step } = j;
    await signIn(j);
    await buy(j, "pro-monthly");
    await step("the confirmation page states the trial", async () => {
      assert.match(await page.getByTestId("mock-charge-details").textContent(), /Trial14 days free first/);
    });
    await step("accept: activated once, then the trial starts", async () => {
      await page.getByTestId("mock-accept").click();
      await page.waitForURL(/type=recurrent_charge/);
      const result = await outcome(page);
      assert.equal(result.title, "Free trial started");
      const [sub] = (await mockState(page)).livechat.recurrent_charges;
      assert.equal(sub.activation_requests, 1);
      assert.ok(sub.trial_ends_ms > Date.now());
      await assertAccessible(page, "the return page, free trial started");
    });
    await j.screenshot("trial");
    await j.close();
  });

  test("a subscription whose payment cannot be collected is shown frozen, with what to do", async () => {
    const j = await journey(env.browser, env.server, "subscription-frozen", { viewport: SIDEBAR });
    const { page, step } = j;
    await signIn(j, OLIVIA, "/?mock_scenario=subscription_frozen");
    await buy(j, "pro-yearly");
    await step("accept, then the first payment fails", async () => {
      await page.getByTestId("mock-accept").click();
      const result = await outcome(page);
      assert.equal(result.title, "Subscription frozen");
      assert.match(await page.getByTestId("return-outcome").textContent(), /payment method/);
      await assertAccessible(page, "the return page, subscription frozen, 320 px");
    });
    await j.screenshot("frozen-320");
    await j.close();
  });

  test("a subscription waiting for the buyer can be declined from the return page", async () => {
    const j = await journey(env.browser, env.server, "subscription-awaiting");
    const { page, step } = j;
    await signIn(j);
    await buy(j, "pro-yearly");
    await step("come back without confirming", async () => {
      const id = new URL(page.url()).searchParams.get("id");
      await page.goto(j.url(`/return?id=${id}&type=recurrent_charge`));
      const result = await outcome(page);
      assert.equal(result.phase, "awaiting-buyer");
      assert.match(await page.getByTestId("return-confirm-link").getAttribute("href"), /\/mock\/confirm\?/);
      await assertAccessible(page, "the return page, awaiting the buyer");
    });
    await j.screenshot("awaiting");
    await step("decline", async () => {
      await page.getByTestId("return-decline").click();
      const result = await outcome(page);
      assert.equal(result.title, "Purchase declined");
    });
    await j.close();
  });
});
