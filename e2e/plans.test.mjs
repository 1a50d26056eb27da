// Journeys: the recurring billing plans manager (/plans) in mock mode
// against the release build: create a plan, find it with a filter, load it
// by *code, change it, and a validation error that loses nothing.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SIDEBAR, assertAccessible, journey, useBrowser } from "./harness.mjs";
import { mockState } from "./widget.mjs";

const env = await useBrowser();

/** The rows of the plans list on screen, once it has loaded. */
async function rows(page) {
  await page.getByTestId("list-results").waitFor();
  return page.getByTestId("plan-row").evaluateAll((els) =>
    els.map((el) => ({ id: el.dataset.id, cycle: el.dataset.cycle, active: el.dataset.active, text: el.textContent })),
  );
}

/** The mock's plans, as the "server" keeps them. */
async function serverPlans(page) {
  return (await mockState(page)).plans.plans;
}

async function fill(page, values) {
  for (const [testid, value] of Object.entries(values)) {
    await page.getByTestId(testid).fill(value);
  }
}

describe("billing plans", () => {
  test("create a plan, find it with a filter, load it by *code, change it", async () => {
    const j = await journey(env.browser, env.server, "plans-manage");
    const { page, step } = j;
    await step("the list shows the seeded plans, an unknown cycle as it is", async () => {
      await page.goto(j.url("/"));
      await page.getByRole("link", { name: "Plans" }).click();
      const shown = await rows(page);
      assert.deepEqual(shown.map((r) => r.id), ["5001", "5002", "5003", "5004"]);
      assert.equal(shown[3].cycle, "X");
      assert.match(shown[3].text, /“X”/);
      assert.equal(shown[2].active, "false");
      await assertAccessible(page, "the plans list");
    });
    await j.screenshot("list");
    await step("create a plan with money typed as dollars", async () => {
      await page.getByTestId("plan-new-link").click();
      await page.getByTestId("plan-form").waitFor();
      await fill(page, {
        "plan-field-name": "Team monthly",
        "plan-field-amount": "19.99",
        "plan-field-tax": "2.50",
        "plan-field-code": "team-monthly",
        "plan-field-account": "1001",
      });
      await page.getByTestId("plan-field-cycle").selectOption("M");
      await assertAccessible(page, "the new plan form");
    });
    await j.screenshot("create-form");
    await step("one click creates one plan and opens it", async () => {
      await page.getByTestId("plan-submit").click();
      await page.getByTestId("plan-saved").waitFor();
      await page.waitForURL(/\/plans\/5005\?saved=created$/);
      assert.equal(await page.getByTestId("plan-detail-name").textContent(), "Team monthly");
      assert.equal(await page.getByTestId("plan-detail-amount").textContent(), "$19.99");
      const created = (await serverPlans(page)).filter((p) => p.name === "Team monthly");
      assert.equal(created.length, 1);
      assert.equal(created[0].amount, 1999);
      assert.equal(created[0].taxAmount, 250);
      assert.equal(created[0].billingCycleType, "M");
      assert.equal(created[0].code, "team-monthly");
      await assertAccessible(page, "a plan's detail, just created");
    });
    await j.screenshot("created");
    await step("find it with the name filter, kept in the address", async () => {
      await page.goto(j.url("/plans"));
      await rows(page);
      await page.getByTestId("plan-filter-name").fill("team");
      await page.getByTestId("plan-filter-apply").click();
      await page.waitForURL(/\/plans\?name=team$/);
      const shown = await rows(page);
      assert.deepEqual(shown.map((r) => r.id), ["5005"]);
      await page.reload();
      assert.deepEqual((await rows(page)).map((r) => r.id), ["5005"]);
      assert.equal(await page.getByTestId("plan-filter-name").inputValue(), "team");
      await assertAccessible(page, "the plans list, filtered");
    });
    await j.screenshot("filtered");
    await step("load a plan by *code", async () => {
      await page.getByTestId("plan-open-ref").fill("*custom-x");
      await page.getByTestId("plan-open-submit").click();
      await page.waitForURL(/\/plans\/\*custom-x$/);
      await page.getByTestId("plan-detail").waitFor();
      assert.equal(await page.getByTestId("plan-detail-id").textContent(), "5004");
      assert.equal(await page.getByTestId("plan-field-cycle").inputValue(), "X");
      assert.ok(await page.getByTestId("plan-field-code").getAttribute("readonly") !== null);
      assert.ok(await page.getByTestId("plan-field-account").getAttribute("readonly") !== null);
      await assertAccessible(page, "a plan's detail, loaded by code");
    });
    await j.screenshot("loaded-by-code");
    await step("modify it: the unknown cycle code is kept", async () => {
      await fill(page, { "plan-field-name": "Custom cycle, renamed", "plan-field-amount": "55.10" });
      await page.getByTestId("plan-submit").click();
      await page.getByTestId("plan-saved").waitFor();
      await page.getByText("Custom cycle, renamed").first().waitFor();
      const plan = (await serverPlans(page)).find((p) => p.id === 5004);
      assert.equal(plan.name, "Custom cycle, renamed");
      assert.equal(plan.amount, 5510);
      assert.equal(plan.billingCycleType, "X");
      assert.equal(plan.code, "custom-x");
    });
    await j.screenshot("modified");
    await step("deactivate it", async () => {
      await page.getByTestId("plan-toggle-active").click();
      await page.locator('[data-testid="plan-detail"][data-active="false"]').waitFor();
      const plan = (await serverPlans(page)).find((p) => p.id === 5004);
      assert.equal(plan.isActive, false);
      assert.equal(plan.billingCycleType, "X");
    });
    await j.screenshot("deactivated");
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("a validation error is shown on its field and nothing is lost from the form", async () => {
    const j = await journey(env.browser, env.server, "plans-validation");
    const { page, step } = j;
    const typed = {
      "plan-field-name": "Agency quarterly",
      "plan-field-amount": "12.345",
      "plan-field-tax": "1",
      "plan-field-code": "agency-q",
      "plan-field-account": "1001",
    };
    await step("a bad amount is refused before sending", async () => {
      await page.goto(j.url("/plans/new"));
      await page.getByTestId("plan-form").waitFor();
      await fill(page, typed);
      await page.getByTestId("plan-field-cycle").selectOption("Q");
      await page.getByTestId("plan-submit").click();
      await page.getByTestId("plan-field-amount-error").waitFor();
      await page.getByTestId("plan-form-errors").waitFor();
      assert.equal(await page.getByTestId("plan-field-amount").getAttribute("aria-invalid"), "true");
      assert.equal(await page.getByTestId("plan-field-name").getAttribute("aria-invalid"), null);
      const focused = await page.evaluate(() => document.activeElement?.id);
      assert.equal(focused, "plan-field-amount");
      await assertAccessible(page, "the new plan form, with an error");
    });
    await j.screenshot("validation-error");
    await step("nothing typed was lost and nothing was sent", async () => {
      for (const [testid, value] of Object.entries(typed)) {
        assert.equal(await page.getByTestId(testid).inputValue(), value, testid);
      }
      assert.equal(await page.getByTestId("plan-field-cycle").inputValue(), "Q");
      assert.ok(await page.getByTestId("plan-field-active").isChecked());
      assert.equal((await serverPlans(page)).length, 4);
    });
    await step("fixing the amount creates the plan", async () => {
      await page.getByTestId("plan-field-amount").fill("12.34");
      await page.getByTestId("plan-submit").click();
      await page.getByTestId("plan-saved").waitFor();
      const created = (await serverPlans(page)).find((p) => p.code === "agency-q");
      assert.equal(created.amount, 1234);
      assert.equal(created.billingCycleType, "Q");
    });
    await j.screenshot("fixed-and-created");
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("the sidebar width shows the list and the forms without horizontal scrolling", async () => {
    const j = await journey(env.browser, env.server, "plans-sidebar", { viewport: SIDEBAR, colorScheme: "dark" });
    const { page, step } = j;
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await step("the list fits 320 px", async () => {
      await page.goto(j.url("/plans"));
      assert.equal((await rows(page)).length, 4);
      assert.ok((await overflow()) <= 0, "the list scrolls sideways");
      await assertAccessible(page, "the plans list, dark, 320 px");
    });
    await j.screenshot("list-320-dark");
    await step("the new plan form fits 320 px", async () => {
      await page.goto(j.url("/plans/new"));
      await page.getByTestId("plan-form").waitFor();
      await page.getByTestId("plan-submit").click();
      await page.getByTestId("plan-field-name-error").waitFor();
      assert.ok((await overflow()) <= 0, "the form scrolls sideways");
      await assertAccessible(page, "the new plan form with errors, dark, 320 px");
    });
    await j.screenshot("new-320-dark");
    await step("a plan's detail fits 320 px", async () => {
      await page.goto(j.url("/plans/*custom-x"));
      await page.getByTestId("plan-detail").waitFor();
      assert.ok((await overflow()) <= 0, "the detail scrolls sideways");
      await assertAccessible(page, "a plan's detail, dark, 320 px");
    });
    await j.screenshot("detail-320-dark");
    await j.close();
  });
});
