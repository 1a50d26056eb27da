// The widget inside a stand-in for the LiveChat Agent App (e2e/agent-host/),
// served from another origin: the handshake, plugin_inited, an answer to
// every host call, the selected customer, the host's theme, and frames from
// a foreign origin or another window that change nothing. Trusted and plain
// connections, at the sidebar's 320 px.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { assertAccessible, journey, useBrowser } from "./harness.mjs";
import { serve } from "./serve.mjs";
import { mockState } from "./widget.mjs";

const env = await useBrowser();
const MARKER = "@@livechat/postmessenger";
const ADA = {
  id: "S1550000000.a1b2c3",
  name: "Ada Lovelace",
  email: "ada@example.com",
  geolocation: { country: "United Kingdom", country_code: "GB", city: "London" },
  chat: { id: "RX4T2Q0J2P", groupID: "0" },
  source: "chats",
};

/** The host page's own server: another port, so another origin. */
async function hostServer() {
  return serve("e2e/agent-host");
}

/** A journey whose widget allows exactly `allowed` as its host. */
async function embedded(name, hostUrl, allowed) {
  const j = await journey(env.browser, env.server, name, { viewport: { width: 360, height: 760 } });
  const shipped = JSON.parse(await readFile("public/config.json", "utf8"));
  await j.page.route(`${env.server.url}/config.json`, (route) =>
    route.fulfill({
      contentType: "application/json",
      body: JSON.stringify({ ...shipped, host_origins: [allowed] }),
    }),
  );
  return j;
}

const widgetFrame = (page) => page.frameLocator("iframe[title='Billing widget']");
const log = (page) => page.evaluate(() => window.hostLog.map((entry) => entry.data));
/** The frame that holds the widget, for checks that run inside it. */
const widgetFrameOf = (page) => page.frames().find((f) => f.url().startsWith(env.server.url));

test("trusted connection: handshake, plugin_inited, every call answered, customer and theme", async () => {
  const host = await hostServer();
  const allowed = host.url; // http://127.0.0.1:<port>
  const j = await embedded("agent-app-trusted", host.url, allowed);
  const { page, step, screenshot } = j;
  try {
    await page.goto(`${host.url}/?mode=trusted&widget=${encodeURIComponent(env.server.url + "/")}`);

    await step("the widget answers the handshake as the SDK does, then says plugin_inited", async () => {
      await page.waitForFunction(() => window.hostState.connected, null, { timeout: 15_000 });
      await page.waitForFunction(() => window.hostLog.some((e) => e.data.type === "call"));
      const frames = await log(page);
      const handshakeAnswer = frames.find((f) => f.type === "response" && f.request === null);
      const { owner, instance } = await page.evaluate(() => window.hostEnvelope);
      assert.deepEqual(handshakeAnswer, {
        [MARKER]: true,
        owner,
        instance,
        type: "response",
        request: null,
        data: { error: false, result: {} },
      });
      assert.ok(!("@@livechat/4way" in handshakeAnswer), "no 4-way marker");
      const inited = frames.find((f) => f.type === "call");
      assert.equal(inited.request, 0);
      assert.deepEqual(inited.data, {
        method: "handle",
        args: [{ plugin_id: "billing-widget-test", message: "plugin_inited", data: null }],
      });
      const origins = await page.evaluate(() => [...new Set(window.hostLog.map((e) => e.origin))]);
      assert.deepEqual(origins, [env.server.url], "every frame from the widget's own origin");
    });

    await step("customer_profile: answered by request id, the customer shows", async () => {
      const request = await page.evaluate((ada) => window.hostCall("customer_profile", ada), ADA);
      await page.waitForFunction((r) => window.hostLog.some((e) => e.data.type === "response" && e.data.request === r), request);
      const answer = (await log(page)).find((f) => f.type === "response" && f.request === request);
      assert.deepEqual(answer.data, { error: false });
      await widgetFrame(page).getByTestId("host-customer-name").filter({ hasText: "Ada Lovelace" }).waitFor();
      assert.equal(await widgetFrame(page).getByTestId("host-customer-email").textContent(), "ada@example.com");
      await assertAccessible(widgetFrameOf(page), "the embedded shop with the customer");
      await screenshot("customer");
    });

    await step("change_theme: dark applies at once", async () => {
      const request = await page.evaluate(() => window.hostCall("change_theme", { theme: "dark" }));
      await page.waitForFunction((r) => window.hostLog.some((e) => e.data.type === "response" && e.data.request === r), request);
      await widgetFrame(page).locator("html[data-theme=dark]").waitFor({ state: "attached" });
      await assertAccessible(widgetFrameOf(page), "the embedded shop, dark");
      await screenshot("dark");
    });

    await step("an unknown host event is answered too", async () => {
      const request = await page.evaluate(() => window.hostCall("message_box_text", { value: "hi" }));
      await page.waitForFunction((r) => window.hostLog.some((e) => e.data.type === "response" && e.data.request === r), request);
    });

    await step("the crypto form takes the customer as the buyer", async () => {
      await widgetFrame(page).getByRole("link", { name: "Crypto" }).click();
      const email = widgetFrame(page).getByTestId("crypto-email");
      await email.waitFor();
      await page.waitForFunction(
        () => document.querySelector("iframe").contentDocument?.querySelector("[data-testid=crypto-email]")?.value,
      ).catch(() => {});
      assert.equal(await email.inputValue(), "ada@example.com");
      assert.equal(await widgetFrame(page).getByTestId("crypto-first-name").inputValue(), "Ada");
      assert.equal(await widgetFrame(page).getByTestId("crypto-last-name").inputValue(), "Lovelace");
      await assertAccessible(widgetFrameOf(page), "the embedded crypto form, dark, prefilled");
      await screenshot("crypto-prefilled");
    });

    await step("the same frames from another window or origin change nothing", async () => {
      const before = (await log(page)).length;
      const { owner, instance } = await page.evaluate(() => window.hostEnvelope);
      const hostile = [
        { [MARKER]: true, owner, instance, type: "handshake", request: null, data: {} },
        {
          [MARKER]: true, owner, instance, type: "call", request: 900,
          data: { method: "handle", args: [{ event_name: "livechat:customer_profile", event_data: { name: "Mallory", email: "m@evil.example" } }] },
        },
        {
          [MARKER]: true, owner, instance, type: "call", request: 901,
          data: { method: "handle", args: [{ event_name: "livechat:change_theme", event_data: { theme: "light" } }] },
        },
        { event_name: "livechat:customer_profile", event_data: { name: "Mallory" } },
      ];
      // A sibling frame on a foreign origin (localhost, not 127.0.0.1) ...
      const foreign = host.url.replace("127.0.0.1", "localhost");
      await page.evaluate((url) => window.addSibling(url), `${foreign}/sibling.html?frames=${encodeURIComponent(JSON.stringify(hostile))}`);
      // ... and one on the allowed origin itself: still not the parent.
      await page.evaluate((url) => window.addSibling(url), `${host.url}/sibling.html?frames=${encodeURIComponent(JSON.stringify(hostile))}`);
      await page.waitForTimeout(1_000);
      assert.equal(await widgetFrame(page).getByTestId("host-customer-name").textContent(), "Ada Lovelace");
      await widgetFrame(page).locator("html[data-theme=dark]").waitFor({ state: "attached" });
      const after = (await log(page)).slice(before);
      assert.deepEqual(after, [], "no answer to any hostile frame");
    });
    assert.deepEqual(j.consoleErrors, []);
  } finally {
    await j.close();
    await host.close();
  }
});

test("a host on an origin that is not allowed gets no answer at all", async () => {
  const host = await hostServer();
  const j = await embedded("agent-app-foreign-host", host.url, host.url);
  const { page, step } = j;
  try {
    await step("the handshake from localhost (only 127.0.0.1 is allowed) is ignored", async () => {
      const foreign = host.url.replace("127.0.0.1", "localhost");
      await page.goto(`${foreign}/?mode=trusted&widget=${encodeURIComponent(env.server.url + "/")}`);
      await widgetFrame(page).getByTestId("page-home").waitFor();
      await page.waitForFunction(() => window.hostState.handshakesSent >= 6, null, { timeout: 10_000 });
      await page.waitForTimeout(600);
      assert.equal(await page.evaluate(() => window.hostState.connected), false);
      assert.deepEqual(await log(page), [], "the widget sent nothing to a foreign host");
      await page.evaluate((ada) => window.hostCall("customer_profile", ada), ADA);
      await page.waitForTimeout(500);
      assert.equal(await widgetFrame(page).getByTestId("host-customer").count(), 0);
    });
  } finally {
    await j.close();
    await host.close();
  }
});

test("plain connection: raw frames both ways, only with the allowed origin", async () => {
  const host = await hostServer();
  const j = await embedded("agent-app-plain", host.url, host.url);
  const { page, step, screenshot } = j;
  try {
    await page.goto(`${host.url}/?mode=plain&widget=${encodeURIComponent(env.server.url + "/")}`);

    await step("plugin_inited arrives as a raw frame", async () => {
      await page.waitForFunction(() => window.hostLog.length > 0, null, { timeout: 15_000 });
      assert.deepEqual((await log(page))[0], { plugin_id: "billing-widget-test", message: "plugin_inited", data: null });
    });

    await step("customer_profile and change_theme, raw, take effect", async () => {
      await widgetFrame(page).getByTestId("page-home").waitFor();
      await page.evaluate((ada) => window.hostSend("customer_profile", ada), ADA);
      await widgetFrame(page).getByTestId("host-customer-name").filter({ hasText: "Ada Lovelace" }).waitFor();
      await page.evaluate(() => window.hostSend("change_theme", { theme: "dark" }));
      await widgetFrame(page).locator("html[data-theme=dark]").waitFor({ state: "attached" });
      await screenshot("plain-dark");
    });

    await step("raw frames from a foreign sibling change nothing", async () => {
      const hostile = [
        { event_name: "livechat:customer_profile", event_data: { name: "Mallory" } },
        { event_name: "livechat:change_theme", event_data: { theme: "light" } },
      ];
      const foreign = host.url.replace("127.0.0.1", "localhost");
      await page.evaluate((url) => window.addSibling(url), `${foreign}/sibling.html?frames=${encodeURIComponent(JSON.stringify(hostile))}`);
      await page.waitForTimeout(800);
      assert.equal(await widgetFrame(page).getByTestId("host-customer-name").textContent(), "Ada Lovelace");
      await widgetFrame(page).locator("html[data-theme=dark]").waitFor({ state: "attached" });
    });
    assert.deepEqual(j.consoleErrors, []);
  } finally {
    await j.close();
    await host.close();
  }
});

test("inside the Agent App, sign-in and payment open in popups and the widget carries on", async () => {
  const host = await hostServer();
  const j = await embedded("agent-app-popups", host.url, host.url);
  const { page, step, screenshot } = j;
  const context = page.context();
  const widget = widgetFrame(page);
  try {
    await page.goto(`${host.url}/?mode=trusted&widget=${encodeURIComponent(env.server.url + "/")}`);
    await page.waitForFunction(() => window.hostState.connected, null, { timeout: 15_000 });

    await step("sign in: the LiveChat page opens in a popup, which hands the answer back and closes", async () => {
      const popupOpened = context.waitForEvent("page");
      await widget.getByTestId("sign-in-to-buy").first().click();
      const popup = await popupOpened;
      await popup.getByTestId("mock-sign-in").waitFor();
      await assertAccessible(popup, "the mock sign-in page in a popup");
      const closed = popup.waitForEvent("close");
      await popup.getByTestId("mock-account-olivia.owner@example.com").click();
      await closed;
      await widget.getByTestId("session-bar").waitFor();
      const frameUrl = page.frames().find((f) => f.url().startsWith(env.server.url)).url();
      for (const secret of ["code=", "state=", "access_token"]) {
        assert.ok(!frameUrl.includes(secret), `${secret} left in the widget's address: ${frameUrl}`);
      }
      await assertAccessible(widgetFrameOf(page), "the embedded shop, signed in");
      await screenshot("signed-in");
    });

    await step("buy: the confirmation page opens in a popup; accepting it brings the widget to the return page", async () => {
      const popupOpened = context.waitForEvent("page");
      await widget.getByTestId("buy").first().click();
      const popup = await popupOpened;
      await popup.getByTestId("mock-confirm").waitFor();
      await widget.getByTestId("buy-in-popup").waitFor();
      await assertAccessible(widgetFrameOf(page), "the embedded shop, confirming in a popup");
      await screenshot("confirming-in-popup");
      const closed = popup.waitForEvent("close");
      await popup.getByTestId("mock-accept").click();
      await closed;
      await widget.getByTestId("page-charge-return").waitFor();
      await widget.locator('[data-testid="return-phase"][data-phase="finished"]').waitFor({ timeout: 30_000 });
      assert.equal((await widget.getByTestId("return-outcome-title").textContent()).trim(), "Payment complete");
      // The outcome also goes to the Agent App as a toast.
      await page.waitForFunction(() =>
        window.hostLog.some((e) => e.data.type === "call" && e.data.data.args[0].message === "set_toast"),
      );
      const toast = await page.evaluate(
        () => window.hostLog.find((e) => e.data.type === "call" && e.data.data.args[0].message === "set_toast").data.data.args[0].data,
      );
      assert.deepEqual(toast, { content: "Payment complete", kind: "success" });
      await assertAccessible(widgetFrameOf(page), "the embedded return page, paid");
      await screenshot("paid");
    });

    await step("or pay in LiveChat's own window: the intent goes to the host, its answer is followed", async () => {
      const frame = page.frames().find((f) => f.url().startsWith(env.server.url));
      const chargeId = (await mockState(frame)).livechat.direct_charges[0].id;
      await widget.getByRole("link", { name: "Shop", exact: true }).first().click();
      const calls = () =>
        page.evaluate(() => window.hostLog.filter((e) => e.data.type === "call").map((e) => e.data.data.args[0]));
      const before = (await calls()).length;
      // Two clicks in one task, before the button can show it is disabled:
      // one payment window only.
      await widget.getByTestId("buy-in-host").first().evaluate((button) => {
        button.click();
        button.click();
      });
      await page.waitForFunction((n) => window.hostLog.filter((e) => e.data.type === "call").length >= n + 2, before);
      await widget.locator('[data-testid="buy-host-state"][data-state="waiting"]').waitFor();
      await page.waitForTimeout(300);
      const sent = (await calls()).slice(before);
      assert.deepEqual(
        sent.map((call) => call.message),
        ["register_transaction_pending", "register_transaction_success"],
        "a double click sends the intent once",
      );
      const [pending, success] = sent;
      assert.equal(pending.message, "register_transaction_pending");
      const intent = pending.data.paymentIntent;
      assert.equal(intent.name, "Chat transcripts export");
      assert.equal(intent.price, 1900);
      assert.equal(intent.quantity, 1);
      assert.equal(intent.return_url, null);
      assert.equal(intent.metadata.type, "direct_charge");
      assert.equal(intent.metadata.isExternalTransaction, true);
      assert.ok(intent.metadata.icon.startsWith(env.server.url + "/"), intent.metadata.icon);
      assert.equal(success.message, "register_transaction_success");
      await widget.locator('[data-testid="buy-host-state"][data-state="waiting"]').waitFor();

      await page.evaluate((id) => window.hostCall("transaction_declined", { chargeId: id }), chargeId);
      await widget.locator('[data-testid="buy-host-state"][data-state="declined"]').waitFor();
      await assertAccessible(widgetFrameOf(page), "the embedded shop, declined in LiveChat's window");
      await screenshot("declined-in-host");

      await widget.getByTestId("buy-in-host").first().click();
      await widget.locator('[data-testid="buy-host-state"][data-state="waiting"]').waitFor();
      await page.evaluate((id) => window.hostCall("transaction_accepted", { chargeId: id }), chargeId);
      await widget.getByTestId("page-charge-return").waitFor();
      await widget.locator('[data-testid="return-phase"][data-phase="finished"]').waitFor({ timeout: 30_000 });
    });
    assert.deepEqual(j.consoleErrors, []);
  } finally {
    await j.close();
    await host.close();
  }
});
