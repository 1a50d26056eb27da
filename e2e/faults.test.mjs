// Journey: the error screens, reached through the mock's fault injection
// and checked with axe in both themes. Each says what happened and offers
// its way forward; none makes a second charge.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertAccessible, journey, useBrowser } from "./harness.mjs";
import { changeMockState, mockState, signIn } from "./widget.mjs";

const env = await useBrowser();

/** Queues faults in the mock's state; each hits requests under its path. */
async function injectFaults(page, faults) {
  await changeMockState(page, (state) => {
    state.faults.faults.push(...faults);
  });
}

const fault = (path_prefix, kind, extra = {}, times = 1) => ({ path_prefix, fault: { kind, ...extra }, times });

for (const colorScheme of ["light", "dark"]) {
  describe(`error screens (${colorScheme})`, () => {
    test("buying: an error after the work, and a lookup that fails too", async () => {
      const j = await journey(env.browser, env.server, `faults-buy-${colorScheme}`, { colorScheme });
      const { page, step } = j;
      const card = page.locator('[data-item-id="chat-transcripts-export"]');
      await signIn(j);
      await step("a gateway timeout after the charge was made: it is found, not made again", async () => {
        await injectFaults(page, [fault("/v1/direct_charge", "error_after_work", { status: 504 })]);
        await card.getByTestId("buy").click();
        const recovered = card.getByTestId("buy-recovered");
        await recovered.waitFor({ timeout: 20_000 });
        assert.match(await recovered.innerText(), /no second charge/);
        assert.equal((await mockState(page)).livechat.direct_charges.length, 1);
        await assertAccessible(page, `the shop, a charge found after a 504 (${colorScheme})`);
      });
      await step("a 500 after the work and an unreadable list: the outcome is left open", async () => {
        await injectFaults(page, [
          fault("/v1/direct_charge", "error_after_work", { status: 500 }),
          fault("/v1/direct_charge", "status", { status: 503 }, 3),
        ]);
        await card.getByTestId("buy").click();
        const unknown = card.getByTestId("buy-unknown");
        await unknown.waitFor({ timeout: 20_000 });
        assert.match(await unknown.innerText(), /before buying again/);
        await assertAccessible(page, `the shop, outcome unknown (${colorScheme})`);
      });
      await step("a refusal before any work offers a retry at once", async () => {
        await page.reload();
        await injectFaults(page, [fault("/v1/direct_charge", "status", { status: 503 })]);
        await card.getByTestId("buy").click();
        const refused = card.getByTestId("buy-error");
        await refused.waitFor();
        assert.ok(await refused.getByTestId("error-retry").isVisible());
        await assertAccessible(page, `the shop, a 503 on create (${colorScheme})`);
      });
      await j.close();
    });

    test("lists, the return page and crypto: every failure says what to do", async () => {
      const j = await journey(env.browser, env.server, `faults-pages-${colorScheme}`, { colorScheme });
      const { page, step } = j;
      await signIn(j);
      await step("a list the server keeps refusing: a retry that works", async () => {
        await injectFaults(page, [fault("/v1/direct_charge", "status", { status: 503 }, 3)]);
        await page.getByRole("link", { name: "Charges", exact: true }).first().click();
        const notice = page.getByTestId("error-notice");
        await notice.waitFor({ timeout: 20_000 });
        await assertAccessible(page, `the charges list, unavailable (${colorScheme})`);
        await notice.getByTestId("error-retry").click();
        await page.getByTestId("status-filter").waitFor();
      });
      await step("rate limited: the retry waits as long as the server asked", async () => {
        await injectFaults(page, [fault("/v1/recurrent_charge", "rate_limited", { retry_after_secs: 5 })]);
        await page.getByRole("link", { name: "Subscriptions", exact: true }).first().click();
        const retry = page.getByTestId("error-notice").getByTestId("error-retry");
        await retry.waitFor();
        assert.ok(await retry.isDisabled(), "the button waits");
        assert.match(await retry.innerText(), /\d+ s/);
        await assertAccessible(page, `the subscriptions list, rate limited (${colorScheme})`);
      });
      await step("the return page behind a proxy's error page", async () => {
        await injectFaults(page, [fault("/v1/direct_charge", "html_page", {}, 3)]);
        await page.goto(j.url("/return?id=5de3bc8e-1c2d-4e5f-8a9b-0c1d2e3f4a5b&type=direct_charge"));
        const failed = page.getByTestId("return-error");
        await failed.waitFor({ timeout: 20_000 });
        assert.match(await failed.innerText(), /502/);
        await assertAccessible(page, `the return page, a proxy error (${colorScheme})`);
      });
      await step("crypto: Bidali unavailable when starting a payment", async () => {
        await page.goto(j.url("/crypto"));
        await injectFaults(page, [fault("/charges", "status", { status: 503 })]);
        await page.getByTestId("crypto-submit").click();
        const failed = page.getByTestId("crypto-create-error");
        await failed.waitFor();
        // Named as the service the buyer was dealing with, not LiveChat's billing.
        assert.match(await failed.innerText(), /The crypto payment service is temporarily unavailable/);
        assert.equal((await mockState(page)).bidali.charges.length, 0, "nothing was created");
        await assertAccessible(page, `crypto, Bidali unavailable (${colorScheme})`);
      });
      await j.screenshot("crypto-unavailable");
      await step("crypto: a 429 while checking the payment says how long the wait is", async () => {
        await page.getByTestId("crypto-submit").click();
        await page.waitForURL(/\/crypto\/[^/?]+$/);
        await page.getByTestId("quote-list").waitFor();
        const id = page.url().split("/crypto/")[1];
        await injectFaults(page, [fault(`/charges/${id}`, "rate_limited", { retry_after_secs: 9 })]);
        const slowed = page.getByTestId("crypto-slowed-down");
        await slowed.waitFor({ timeout: 30_000 });
        assert.match(await slowed.innerText(), /asked to be checked less often.*about 9 s/s);
        await assertAccessible(page, `crypto, checks slowed down (${colorScheme})`);
        await j.screenshot("crypto-slowed-down");
        await slowed.waitFor({ state: "detached", timeout: 20_000 });
      });
      await j.close();
    });
  });
}
