// The Agent App's details sidebar is 300-360 px wide. Signed in, with data
// on every list, each page fits 300 px without horizontal scrolling in both
// themes, and every control reached with Tab shows where the focus is.
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertAccessible, journey, useBrowser } from "./harness.mjs";
import { signIn } from "./widget.mjs";

const env = await useBrowser();
const NARROWEST = { width: 300, height: 700 };
const PAGES = ["/", "/charges", "/subscriptions", "/ledger", "/crypto", "/plans", "/plans/new"];

/** Tabs through the page; returns the controls whose focus is not visible. */
async function unseenFocus(page, presses) {
  const unseen = [];
  await page.locator("body").focus();
  for (let i = 0; i < presses; i += 1) {
    await page.keyboard.press("Tab");
    const found = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      const style = getComputedStyle(el);
      const outlined = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2;
      const ringed = style.boxShadow && style.boxShadow !== "none";
      const name = `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ""} "${(el.textContent || el.value || "").trim().slice(0, 30)}"`;
      return { visible: outlined || ringed, name };
    });
    if (found && !found.visible) unseen.push(found.name);
  }
  return unseen;
}

for (const scheme of ["light", "dark"]) {
  test(`every page fits 300 px and shows keyboard focus (${scheme})`, async () => {
    const j = await journey(env.browser, env.server, `sidebar-300-${scheme}`, { viewport: NARROWEST, colorScheme: scheme });
    const { page, step, screenshot } = j;
    try {
      await step("sign in and add sample charges", async () => {
        await signIn(j);
        await page.locator("[data-testid=dev-panel] summary").click();
        await page.getByTestId("dev-sample-charges").click();
        await page.getByTestId("dev-message").filter({ hasText: "Added" }).waitFor();
        await assertAccessible(page, `the developer panel, open, 300 px, ${scheme}`);
      });
      for (const path of PAGES) {
        await step(`${path}: no horizontal scrolling, focus always visible`, async () => {
          await page.goto(j.url(path));
          await page.locator("main [data-testid^=page-]").first().waitFor();
          await page.waitForLoadState("networkidle");
          await page.waitForTimeout(700);
          const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
          assert.equal(overflow, 0, `${path} is ${overflow}px wider than 300 px`);
          assert.deepEqual(await unseenFocus(page, 12), [], `${path}: focus not visible on these`);
          await assertAccessible(page, `${path} at 300 px, ${scheme}`);
          await screenshot(path === "/" ? "home" : path.slice(1).replace(/\//g, "-"));
        });
      }
      assert.deepEqual(j.consoleErrors, []);
    } finally {
      await j.close();
    }
  });
}
