// Journeys: the charges and subscriptions lists (20 a page, status filter,
// detail views), cancelling a subscription with its refund, and the ledger,
// in mock mode against the release build.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SIDEBAR, assertAccessible, assertAccessibleInBothThemes, journey, useBrowser } from "./harness.mjs";
import { ADAM, OLIVIA, mockState, signIn } from "./widget.mjs";

const env = await useBrowser();

/** The developer panel's "Add 45 sample charges". */
async function addSampleCharges(page) {
  await page.getByTestId("dev-panel").locator("summary").click();
  await page.getByTestId("dev-sample-charges").click();
  await page.getByText("Added 45 sample charges.").waitFor();
}

/** The rows of the list on screen, once it has loaded. */
async function rows(page, testid = "charge-row") {
  await page.getByTestId("list-results").waitFor();
  return page.getByTestId(testid).evaluateAll((els) =>
    els.map((el) => ({ status: el.dataset.status, text: el.textContent })),
  );
}

async function pageNumber(page) {
  return (await page.getByTestId("page-number").textContent()).trim();
}

describe("charges list", () => {
  test("45 charges page 20, 20, 5; the status filter narrows them; a row opens its detail", async () => {
    const j = await journey(env.browser, env.server, "charges-paging");
    const { page, step } = j;
    await signIn(j);
    await addSampleCharges(page);
    await step("page 1: twenty, newest first, Previous disabled", async () => {
      await page.getByRole("link", { name: "Charges" }).click();
      const shown = await rows(page);
      assert.equal(shown.length, 20);
      assert.match(shown[0].text, /Sample item 1\b/);
      assert.match(await pageNumber(page), /Page 1/);
      assert.ok(await page.getByTestId("page-prev").isDisabled());
      await assertAccessible(page, "the charges list");
    });
    await j.screenshot("page-1");
    await step("page 2: twenty more, in the address bar too", async () => {
      await page.getByTestId("page-next").click();
      await page.waitForURL(/[?&]page=2/);
      const shown = await rows(page);
      assert.equal(shown.length, 20);
      assert.match(shown[0].text, /Sample item 21\b/);
    });
    await step("page 3: the last five, Next disabled", async () => {
      await page.getByTestId("page-next").click();
      await page.waitForURL(/[?&]page=3/);
      const shown = await rows(page);
      assert.equal(shown.length, 5);
      assert.ok(await page.getByTestId("page-next").isDisabled());
    });
    await j.screenshot("page-3");
    await step("a reload stays on page 3; Previous goes back", async () => {
      await page.reload();
      assert.equal((await rows(page)).length, 5);
      await page.getByTestId("page-prev").click();
      await page.waitForURL(/[?&]page=2/);
      assert.equal((await rows(page)).length, 20);
    });
    await step("filter: failed shows the nine failed charges, from page 1", async () => {
      await page.getByTestId("status-filter").selectOption("failed");
      await page.waitForURL(/status=failed/);
      const shown = await rows(page);
      assert.equal(shown.length, 9);
      assert.ok(shown.every((row) => row.status === "failed"));
      assert.match(await pageNumber(page), /Page 1/);
      await assertAccessible(page, "the charges list, filtered");
    });
    await j.screenshot("filtered-failed");
    await step("filter: success pages 20 then 7", async () => {
      await page.getByTestId("status-filter").selectOption("success");
      await page.waitForURL(/status=success/);
      assert.equal((await rows(page)).length, 20);
      await page.getByTestId("page-next").click();
      await page.waitForURL(/page=2/);
      const shown = await rows(page);
      assert.equal(shown.length, 7);
      assert.ok(shown.every((row) => row.status === "success"));
    });
    await step("a row opens the charge's detail with its timeline", async () => {
      await page.getByTestId("charge-link").first().click();
      await page.waitForURL(/\/charges\/[^/?]+$/);
      await page.getByTestId("charge-detail").waitFor();
      assert.match(await page.getByTestId("charge-status").textContent(), /Paid/);
      const states = await page.$$eval('[data-testid="status-timeline"] li', (els) => els.map((el) => el.dataset.state));
      assert.deepEqual(states, ["done", "done", "done", "done", "done"]);
      await assertAccessibleInBothThemes(page, "a charge's detail");
    });
    await j.screenshot("detail");
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("the sidebar width shows the list without horizontal scrolling", async () => {
    const j = await journey(env.browser, env.server, "charges-sidebar", { viewport: SIDEBAR, colorScheme: "dark" });
    const { page, step } = j;
    await signIn(j);
    await addSampleCharges(page);
    await step("the list fits 320 px", async () => {
      await page.goto(j.url("/charges"));
      assert.equal((await rows(page)).length, 20);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `scrolls sideways by ${overflow}px`);
      await assertAccessible(page, "the charges list, dark, 320 px");
    });
    await j.screenshot("charges-320-dark");
    await j.close();
  });
});

describe("subscriptions", () => {
  test("cancel a paid subscription: the dialog states the refund, the ledger shows it", async () => {
    const j = await journey(env.browser, env.server, "subscription-cancel-refund");
    const { page, step } = j;
    await signIn(j);
    await step("subscribe to the yearly plan and wait until it is active", async () => {
      await page.locator('[data-item-id="pro-yearly"]').getByTestId("buy").click();
      await page.waitForURL(/\/mock\/confirm\?/);
      await page.getByTestId("mock-accept").click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="return-outcome-title"]')?.textContent?.includes("Subscription active"),
        null,
        { timeout: 30_000 },
      );
    });
    await step("the subscriptions list shows it active; its detail has the dates", async () => {
      await page.getByRole("link", { name: "Subscriptions" }).click();
      const shown = await rows(page, "subscription-row");
      assert.equal(shown.length, 1);
      assert.equal(shown[0].status, "active");
      await assertAccessible(page, "the subscriptions list");
      await page.getByTestId("subscription-link").first().click();
      await page.getByTestId("subscription-detail").waitFor();
      assert.match(await page.getByTestId("next-charge").textContent(), /\d{4}/);
      await assertAccessibleInBothThemes(page, "a subscription's detail");
    });
    await j.screenshot("active");
    let estimate;
    await step("cancel opens a dialog that states the proportional refund", async () => {
      await page.getByTestId("cancel-subscription").click();
      await page.getByTestId("cancel-dialog").waitFor();
      estimate = (await page.getByTestId("refund-estimate").textContent()).trim();
      assert.match(estimate, /\$\d[\d,]*\.\d\d/);
      await assertAccessibleInBothThemes(page, "the cancel dialog, open");
    });
    await j.screenshot("cancel-dialog");
    await step("keeping it changes nothing", async () => {
      await page.getByTestId("keep-subscription").click();
      assert.equal((await mockState(page)).livechat.recurrent_charges[0].status, "active");
    });
    await step("confirming cancels it once", async () => {
      await page.getByTestId("cancel-subscription").click();
      await page.getByTestId("confirm-cancel").click();
      await page.getByTestId("cancel-done").waitFor();
      assert.match(await page.getByTestId("subscription-status").textContent(), /Cancelled/);
      const [sub] = (await mockState(page)).livechat.recurrent_charges;
      assert.equal(sub.status, "cancelled");
      await assertAccessibleInBothThemes(page, "a subscription's detail, cancelled");
    });
    await step("the ledger lists the collection and the refund", async () => {
      await page.getByRole("link", { name: "Ledger" }).click();
      await page.getByTestId("balance").waitFor();
      // The balance and the entries are two requests; wait for the entries.
      await page.locator('[data-testid="ledger-row"][data-type="refund"]').waitFor();
      const types = await page.getByTestId("ledger-row").evaluateAll((els) => els.map((el) => el.dataset.type));
      assert.ok(types.includes("collection"), types.join());
      assert.ok(types.includes("refund"), types.join());
      const refund = page.locator('[data-testid="ledger-row"][data-type="refund"]');
      assert.match(await refund.getByTestId("ledger-amount").textContent(), /[-−]\s?\$/);
      await assertAccessibleInBothThemes(page, "the ledger");
    });
    await j.screenshot("ledger-with-refund");
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });
});

describe("ledger", () => {
  test("without the ledger_read permission the page says so and sends nothing", async () => {
    const j = await journey(env.browser, env.server, "ledger-missing-scope");
    const { page, step } = j;
    await signIn(j, ADAM);
    await step("Adam's sign-in has no ledger_read", async () => {
      await page.getByRole("link", { name: "Ledger" }).click();
      await page.getByTestId("missing-scope").waitFor();
      assert.match(await page.getByTestId("missing-scope").textContent(), /ledger_read/);
      assert.equal(await page.getByTestId("balance").count(), 0);
      await assertAccessible(page, "the ledger, missing permission");
    });
    await j.screenshot("missing-scope");
    await j.close();
  });
});
