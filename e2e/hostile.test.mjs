// Hostile input shown by the widget: names and descriptions with markup
// are text, never markup; a logo that is an SVG with a script, or a huge
// image, neither runs nor breaks the layout.
import { test } from "node:test";
import assert from "node:assert/strict";
import { journey, useBrowser, SIDEBAR } from "./harness.mjs";

const env = await useBrowser();
const MARKUP = `<img src=x onerror="window.__pwned=1"><b>bold</b>`;
const SCRIPTED_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><script>window.parent.__pwned = 2; window.__pwned = 2;</script><circle cx="5" cy="5" r="5" fill="red"/></svg>`;
const HUGE_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="20000" height="20000" viewBox="0 0 10 10"><rect width="10" height="10" fill="blue"/></svg>`;

async function pwned(page) {
  return page.evaluate(() => window.__pwned ?? null);
}

test("markup in a description or a plan name is shown as text", async () => {
  const j = await journey(env.browser, env.server, "hostile-markup", { viewport: SIDEBAR });
  const { page, step, screenshot } = j;
  await page.route("https://assets.bidali.com/**", (route) => route.abort("namenotresolved"));
  try {
    await step("a crypto payment described with markup", async () => {
      await page.goto(j.url("/crypto"));
      await page.getByTestId("crypto-description").fill(MARKUP);
      await page.getByTestId("crypto-submit").click();
      await page.getByTestId("quote-list").waitFor();
      assert.equal(await page.getByTestId("crypto-description").textContent(), MARKUP);
      assert.equal(await page.getByTestId("crypto-description").locator("img, b").count(), 0);
      await page.waitForTimeout(300);
      assert.equal(await pwned(page), null);
      await screenshot("crypto-markup");
    });
    await step("a plan named with markup", async () => {
      await page.goto(j.url("/plans/new"));
      await page.getByTestId("plan-field-name").fill(MARKUP);
      await page.getByTestId("plan-field-amount").fill("5");
      await page.getByTestId("plan-field-code").fill("markup-plan");
      await page.getByTestId("plan-field-account").fill("1001");
      await page.getByTestId("plan-submit").click();
      await page.getByTestId("plan-detail-name").waitFor();
      assert.equal(await page.getByTestId("plan-detail-name").textContent(), MARKUP);
      assert.equal(await page.getByTestId("plan-detail").locator("img, b").count(), 0);
      assert.equal(await pwned(page), null);
    });
  } finally {
    await j.close();
  }
});

test("a logo that is a scripted SVG or a huge image neither runs nor breaks the page", async () => {
  const j = await journey(env.browser, env.server, "hostile-logos", { viewport: SIDEBAR });
  const { page, step, screenshot } = j;
  await page.route("https://assets.bidali.com/**", (route) => {
    const huge = route.request().url().includes("ethereum");
    route.fulfill({ status: 200, contentType: "image/svg+xml", body: huge ? HUGE_SVG : SCRIPTED_SVG });
  });
  try {
    await step("the quotes show the logos, sized by the page, and no script ran", async () => {
      await page.goto(j.url("/crypto"));
      await page.getByTestId("crypto-submit").click();
      await page.getByTestId("quote-list").waitFor();
      await page.waitForFunction(() => Array.from(document.images).every((img) => img.complete));
      const boxes = await page.locator("[data-testid^=logo-]").evaluateAll((els) =>
        els.map((el) => [el.dataset.testid, el.dataset.source, Math.round(el.getBoundingClientRect().width)]),
      );
      for (const [testid, source, width] of boxes) {
        assert.equal(source, "remote", testid);
        assert.equal(width, 32, `${testid} is drawn 32 px wide`);
      }
      assert.equal(await pwned(page), null, "an SVG in an <img> runs no script");
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.equal(overflow, 0);
      await screenshot("hostile-logos");
    });
  } finally {
    await j.close();
  }
});
