// Journeys: the release widget in live mode against the native mock-server
// over real HTTP: two processes, two origins, as a live deployment talks to
// LiveChat. Sign-in with code + PKCE and the charge confirmation happen on
// the mock's own pages; the widget's own in-page mock plays no part.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { SIDEBAR, assertAccessible, journey, launch } from "./harness.mjs";
import { startMockServer } from "./mock-server.mjs";

const env = {};
before(async () => {
  Object.assign(env, await launch());
  env.mock = await startMockServer();
});
after(async () => {
  await env.browser?.close();
  await env.server?.close();
  env.mock?.close();
});

/** A journey whose config.json is live mode pointed at the mock-server. */
async function liveJourney(name, options) {
  const j = await journey(env.browser, env.server, name, options);
  const shipped = await (await fetch(j.url("/config.json"))).json();
  const mock = env.mock.url;
  const body = JSON.stringify({
    ...shipped,
    mode: "live",
    allow_mock_backend: true,
    livechat: {
      ...shipped.livechat,
      accounts_url: `${mock}/`,
      billing_api_url: mock,
      client_id: "live-widget-under-test",
      oauth_flow: "code",
    },
    bidali: { ...shipped.bidali, api_url: mock },
    plans: { api_url: `${mock}/api/v01` },
    confirmation_origins: [mock],
  });
  await j.page.route("**/config.json", (route) =>
    route.fulfill({ status: 200, contentType: "application/json", body }),
  );
  // Every request the widget sends to the mock, by method and path.
  j.sent = [];
  j.page.on("request", (request) => {
    if (request.url().startsWith(mock)) j.sent.push(`${request.method()} ${new URL(request.url()).pathname}`);
  });
  return j;
}

async function signInOnTheMock(j, account) {
  const { page } = j;
  await page.goto(j.url("/"));
  await page.getByTestId("page-home").waitFor();
  await page.getByTestId("sign-in-to-buy").first().click();
  await page.waitForURL((url) => url.href.startsWith(env.mock.url));
  await page.getByTestId("mock-test-mode").waitFor();
  await page.getByRole("button", { name: new RegExp(account) }).click();
  await page.getByTestId("session-bar").waitFor();
}

async function outcome(page) {
  await page.waitForFunction(() => {
    const el = document.querySelector('[data-testid="return-phase"]');
    return el && ["finished", "failed", "gave-up", "not-found"].includes(el.dataset.phase);
  }, null, { timeout: 30_000 });
  return {
    phase: await page.getByTestId("return-phase").getAttribute("data-phase"),
    title: (await page.getByTestId("return-outcome-title").textContent())?.trim(),
  };
}

describe("live mode against mock-server", () => {
  test("sign in with code + PKCE, buy, confirm on the mock's page, activate once, paid", async () => {
    const j = await liveJourney("live-mock-server-direct");
    const { page, step } = j;
    await step("the TEST MODE banner shows: the backend is a mock", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("test-mode-banner").waitFor();
    });
    await step("sign in on the mock's own page, by code + PKCE", async () => {
      await signInOnTheMock(j, "Olivia Owner");
      assert.ok(j.sent.includes("POST /v2/token"), j.sent.join(", "));
      assert.doesNotMatch(page.url(), /code=|state=/);
    });
    await step("buy: the confirmation page is the mock's", async () => {
      await page.locator('[data-item-id="chat-transcripts-export"]').getByTestId("buy").click();
      await page.waitForURL((url) => url.href.startsWith(`${env.mock.url}/mock/confirm?`));
      await page.getByTestId("mock-confirm").waitFor();
      await assertAccessible(page, "the mock-server's confirmation page");
    });
    await j.screenshot("confirmation-page");
    await step("accept: back on the widget's return page, activated once, then paid", async () => {
      await page.getByTestId("mock-accept").click();
      await page.waitForURL(/\/return\?id=.+&type=direct_charge/);
      const result = await outcome(page);
      assert.equal(result.phase, "finished");
      assert.equal(result.title, "Payment complete");
      const activations = j.sent.filter((line) => /^PUT \/v1\/direct_charge\/.+\/activate$/.test(line));
      assert.equal(activations.length, 1, j.sent.join(", "));
    });
    await j.screenshot("paid");
    await j.close();
  });

  test("a subscription, confirmed on the mock's page", async () => {
    const j = await liveJourney("live-mock-server-subscription", { viewport: SIDEBAR });
    const { page, step } = j;
    await signInOnTheMock(j, "Ada Admin");
    await step("subscribe and accept on the mock's page", async () => {
      await page.locator('[data-item-id="pro-monthly"]').getByTestId("buy").click();
      await page.waitForURL((url) => url.href.startsWith(`${env.mock.url}/mock/confirm?`));
      await page.getByTestId("mock-accept").click();
      await page.waitForURL(/type=recurrent_charge/);
      const result = await outcome(page);
      assert.equal(result.phase, "finished");
      assert.equal(result.title, "Free trial started");
    });
    await j.screenshot("trial");
    await j.close();
  });

  test("a denied sign-in comes back as declined", async () => {
    const j = await liveJourney("live-mock-server-denied");
    const { page, step } = j;
    await page.goto(j.url("/"));
    await page.getByTestId("sign-in-to-buy").first().click();
    await page.waitForURL((url) => url.href.startsWith(env.mock.url));
    await page.getByTestId("mock-deny").click();
    await step("the widget says access was declined", async () => {
      await page.getByTestId("sign-in-failed").waitFor();
      assert.match(await page.getByTestId("sign-in-failed-message").textContent(), /declined access/i);
    });
    await j.close();
  });
});
