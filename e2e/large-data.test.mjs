// Journey: the mock's 10,000 generated entries (developer panel) page
// correctly in the charge list and the ledger: first, middle and last pages,
// the page past the end, and a status filter over the whole set. No timing
// is asserted here; `make bench` prints the latency figures.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { journey, useBrowser } from "./harness.mjs";
import { mockState, signIn } from "./widget.mjs";

const env = await useBrowser();

/** The developer panel's "List 10000 generated entries". */
async function listBulkEntries(page) {
  await page.getByTestId("dev-panel").locator("summary").click();
  await page.getByTestId("dev-bulk").click();
  await page.getByText("Listing 10000 generated charges and ledger lines.").waitFor();
}

/** The rows on screen once the list has loaded. */
async function rows(page, testid) {
  await page.getByTestId("list-results").waitFor();
  return page.getByTestId(testid).evaluateAll((els) =>
    els.map((el) => ({ status: el.dataset.status, text: el.textContent })),
  );
}

/** The number in "Bulk item 123: ...", "Bulk sale 123: ..." or "Refund of bulk sale 123: ...". */
const number = (text) => Number(/bulk (?:item|sale) (\d+):/i.exec(text)?.[1]);

describe("large data set", () => {
  test("10,000 charges and ledger lines page 20 at a time to the last page", async () => {
    const j = await journey(env.browser, env.server, "large-data");
    const { page, step } = j;
    await signIn(j);
    await listBulkEntries(page);
    await step("the saved state holds the set's recipe, not 10,000 charges", async () => {
      const state = await mockState(page);
      assert.equal(state.livechat.bulk.count, 10000);
      assert.ok(JSON.stringify(state).length < 20000);
    });
    await step("charges page 1: items 1 to 20", async () => {
      await page.goto(j.url("/charges"));
      const shown = await rows(page, "charge-row");
      assert.deepEqual(shown.map((r) => number(r.text)), Array.from({ length: 20 }, (_, i) => i + 1));
      assert.ok(await page.getByTestId("page-prev").isDisabled());
    });
    await j.screenshot("charges-page-1");
    await step("charges page 2 by Next: items 21 to 40", async () => {
      await page.getByTestId("page-next").click();
      await page.waitForURL(/[?&]page=2/);
      const shown = await rows(page, "charge-row");
      assert.equal(number(shown[0].text), 21);
      assert.equal(shown.length, 20);
    });
    await step("a middle page, 250: items 4,981 to 5,000", async () => {
      await page.goto(j.url("/charges?page=250"));
      const shown = await rows(page, "charge-row");
      assert.equal(shown.length, 20);
      assert.equal(number(shown[0].text), 4981);
      assert.equal(number(shown[19].text), 5000);
    });
    await step("the last page, 500: items 9,981 to 10,000; 501 is empty", async () => {
      await page.goto(j.url("/charges?page=500"));
      const shown = await rows(page, "charge-row");
      assert.deepEqual(shown.map((r) => number(r.text)), Array.from({ length: 20 }, (_, i) => 9981 + i));
      await page.getByTestId("page-next").click();
      await page.waitForURL(/[?&]page=501/);
      await page.getByTestId("no-more").waitFor();
      assert.equal(await page.getByTestId("charge-row").count(), 0);
    });
    await j.screenshot("charges-page-500");
    await step("the failed filter shows only failed charges, newest first", async () => {
      await page.goto(j.url("/charges?status=failed&page=40"));
      const shown = await rows(page, "charge-row");
      assert.equal(shown.length, 20);
      assert.ok(shown.every((r) => r.status === "failed"));
      const numbers = shown.map((r) => number(r.text));
      assert.deepEqual([...numbers].sort((a, b) => a - b), numbers);
    });
    await step("ledger: 20 lines a page, the last on page 500", async () => {
      await page.goto(j.url("/ledger"));
      let shown = await rows(page, "ledger-row");
      assert.equal(shown.length, 20);
      assert.equal(number(shown[0].text), 1);
      await page.goto(j.url("/ledger?page=500"));
      shown = await rows(page, "ledger-row");
      assert.equal(shown.length, 20);
      assert.equal(number(shown[19].text), 10000);
      await page.goto(j.url("/ledger?page=501"));
      await page.getByTestId("no-more").waitFor();
    });
    await j.screenshot("ledger-page-500");
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });
});
