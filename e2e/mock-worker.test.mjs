// Journey: the demo's mock backend as a Service Worker beside the widget.
// The widget paints without waiting for it and loads none of its files;
// the worker then answers the configured services' URLs, so the widget's
// requests are the ones live mode sends. Where no Service Worker may run,
// the demo says so instead of hanging.
import { test } from "node:test";
import assert from "node:assert/strict";
import { useBrowser } from "./harness.mjs";
import { mockReady, mockState } from "./widget.mjs";

const env = await useBrowser();

test("the widget loads none of the mock; the worker answers the services' own URLs", async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    const pageRequests = [];
    page.on("request", (request) => pageRequests.push(request.url()));
    const workerRequests = [];
    context.on("request", (request) => {
      if (request.serviceWorker()) workerRequests.push(new URL(request.url()).pathname);
    });
    await page.goto(env.server.url + "/?mock_scenario=card_declined");
    await page.getByTestId("page-home").waitFor();
    // The scenario was set through the worker, on the control route.
    assert.equal((await mockState(page)).scenario.name, "card_declined");
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), "the worker controls the page");
    const mockFiles = pageRequests.filter((url) => /mock-sw\.js|mock-backend\//.test(url));
    assert.deepEqual(mockFiles, [], "the page itself fetches none of the mock's files");
    assert.ok(workerRequests.some((path) => path.endsWith("/backend_bg.wasm")), `the worker loads the mock: ${workerRequests}`);

    // A request to the Billing API's real address is answered by the mock.
    const answer = await page.evaluate(async () => {
      const response = await fetch("https://billing.livechatinc.com/v1/ledger", { headers: { Authorization: "Bearer nope" } });
      return { status: response.status, mock: response.headers.get("X-Mock-Backend"), date: response.headers.get("Date") };
    });
    assert.equal(answer.status, 401, "an unknown token is refused, as the real API does");
    assert.equal(answer.mock, "billing-widget", "and the answer says it is the mock's");
    assert.ok(answer.date, "its headers stay readable across origins");
  } finally {
    await context.close();
  }
});

test("the mock's state outlives the page: a reload and a second tab see it", async () => {
  const context = await env.browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(env.server.url + "/");
    await page.getByTestId("page-home").waitFor();
    await mockReady(page);
    const set = await page.evaluate(() =>
      fetch("/__mock/scenario", { method: "PUT", body: JSON.stringify({ name: "crypto_expired" }) }).then((r) => r.status),
    );
    assert.equal(set, 200);
    await page.reload();
    await page.getByTestId("page-home").waitFor();
    assert.equal((await mockState(page)).scenario.name, "crypto_expired");
    const second = await context.newPage();
    await second.goto(env.server.url + "/charges");
    assert.equal((await mockState(second)).scenario.name, "crypto_expired");
  } finally {
    await context.close();
  }
});

test("where no Service Worker may run, the demo explains instead of hanging", async () => {
  const context = await env.browser.newContext({ serviceWorkers: "block" });
  try {
    const page = await context.newPage();
    await page.goto(env.server.url + "/mock/confirm?id=abc&type=direct_charge");
    const failed = page.getByTestId("mock-start-failed");
    await failed.waitFor({ timeout: 30_000 });
    assert.match(await failed.innerText(), /mock backend could not start/);
  } finally {
    await context.close();
  }
});
