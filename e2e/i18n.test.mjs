// Journeys: the page's language. `?lang=pl` shows the shop and a refused
// return link in Polish; a Polish browser (Chromium locale pl-PL) buys, sees
// the outcome, the charges list and a crypto payment in Polish with Polish
// money and dates; an English browser still gets English.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertAccessible, journey, useBrowser } from "./harness.mjs";
import { signIn } from "./widget.mjs";

const env = await useBrowser();

const NBSP = "\u00a0";
const POLISH_DATE = /^\d{1,2} (sty|lut|mar|kwi|maj|cze|lip|sie|wrz|paź|lis|gru) \d{4}$/;

/** The harness's browser, with every new context in a Polish locale. */
function polishBrowser() {
  return {
    newContext: (options) => env.browser.newContext({ ...options, locale: "pl-PL" }),
  };
}

async function htmlLang(page) {
  return page.evaluate(() => document.documentElement.lang);
}

describe("languages", () => {
  test("?lang=pl shows the shop in Polish with Polish money", async () => {
    const j = await journey(env.browser, env.server, "i18n-shop-lang-pl");
    const { page, step } = j;
    await step("open the shop with ?lang=pl", async () => {
      await page.goto(j.url("/?lang=pl"));
      await page.getByTestId("page-home").waitFor();
    });
    await step("the page says it is Polish and speaks Polish", async () => {
      assert.equal(await htmlLang(page), "pl");
      assert.equal((await page.locator("h1").first().textContent()).trim(), "Sklep");
      assert.match(await page.getByTestId("test-mode-banner").innerText(), /TRYB TESTOWY/);
      await page.getByRole("link", { name: "Płatności", exact: true }).waitFor();
      await page.getByRole("link", { name: "Subskrypcje", exact: true }).waitFor();
      assert.equal(await page.getByTestId("sign-in-to-buy").first().innerText(), "Zaloguj się, aby kupić");
    });
    await step("prices have a decimal comma and the code after them", async () => {
      const prices = await page.getByTestId("catalog-price").allTextContents();
      assert.equal(prices[0], `19,00${NBSP}USD`);
      assert.ok(prices.includes(`290,00${NBSP}USD`), `prices: ${prices}`);
      await page.getByText("co miesiąc, 14-dniowy bezpłatny okres próbny").waitFor();
    });
    await step("the Polish shop is accessible", async () => {
      await assertAccessible(page, "the shop in Polish");
    });
    await j.screenshot("shop-pl");
    await step("a tampered return link is explained in Polish", async () => {
      await page.goto(j.url("/return?lang=pl&id=%3Cscript%3E&type=direct_charge"));
      const refused = page.getByTestId("return-invalid");
      await refused.waitFor();
      assert.match(
        await refused.innerText(),
        /Nic nie zostało pobrane ani aktywowane: adres powrotu zawiera znaczniki w parametrze „id”\./,
      );
    });
    assert.deepEqual(j.consoleErrors, []);
    await j.close();
  });

  test("a Polish browser buys and sees the outcome and the charges list in Polish", async () => {
    const j = await journey(polishBrowser(), env.server, "i18n-polish-browser");
    const { page, step } = j;
    await step("sign in from the Polish shop", async () => {
      await signIn(j);
      assert.equal(await htmlLang(page), "pl");
      await page.getByText("Zalogowano przez LiveChat").waitFor();
    });
    await step("buy the transcripts export and accept it", async () => {
      const item = page.locator('[data-item-id="chat-transcripts-export"]');
      assert.equal((await item.getByTestId("buy").innerText()).trim(), "Kup");
      await item.getByTestId("buy").click();
      await page.waitForURL(/\/mock\/confirm\?/);
      await page.getByTestId("mock-accept").click();
      await page.waitForFunction(
        () => document.querySelector('[data-testid="return-outcome-title"]')?.textContent?.includes("Płatność zakończona"),
        null,
        { timeout: 30_000 },
      );
      const steps = await page.$$eval('[data-testid="status-timeline"] li', (items) =>
        items.map((li) => li.textContent.replace(/\s+/g, " ").trim()),
      );
      assert.ok(steps[0].includes("Zamówienie utworzone"), steps.join(" | "));
      assert.ok(steps.at(-1).includes("Opłacona") && steps.at(-1).includes("zrobione"), steps.join(" | "));
      await assertAccessible(page, "the return page in Polish");
    });
    await j.screenshot("return-pl");
    await step("the charges list shows Polish money, a Polish date and a Polish count", async () => {
      await page.getByRole("link", { name: "Płatności", exact: true }).click();
      await page.getByTestId("list-results").waitFor();
      const row = page.getByTestId("charge-row").first();
      const text = await row.textContent();
      assert.ok(text.includes(`19,00${NBSP}USD`), `row: ${text}`);
      assert.match((await row.locator("time").first().textContent()).trim(), POLISH_DATE);
      assert.match(text, /Opłacona|Przetwarzanie płatności|Zaakceptowana/);
      assert.equal(
        (await page.getByTestId("list-announce").textContent()).trim(),
        "Strona 1: pokazano 1 płatność.",
      );
      await assertAccessible(page, "the charges list in Polish");
    });
    await j.screenshot("charges-pl");
    await step("a crypto payment shows its price, wallet link and headings in Polish", async () => {
      await page.getByRole("link", { name: "Kryptowaluty", exact: true }).click();
      await page.getByTestId("crypto-form").waitFor();
      assert.equal(await page.getByTestId("crypto-amount").inputValue(), "19,00");
      await page.getByTestId("crypto-email").fill("ana.buyer@example.com");
      await page.getByTestId("crypto-submit").click();
      await page.waitForURL(/\/crypto\/[^/?]+$/);
      await page.getByTestId("quote-list").waitFor();
      assert.equal(await page.getByTestId("crypto-fiat").textContent(), `19,00${NBSP}USD`);
      assert.equal(await page.getByRole("list", { name: "Wybierz walutę" }).count(), 1);
      await page.getByTestId("quote-bitcoin").getByTestId("quote-choose").click();
      await page.getByTestId("pay-panel").waitFor();
      assert.equal((await page.getByTestId("pay-wallet-link").textContent()).trim(), "Otwórz w portfelu");
      assert.ok(await page.getByRole("link", { name: "← Nowa płatność" }).isVisible());
      await assertAccessible(page, "the crypto payment page in Polish");
    });
    await j.screenshot("crypto-pl");
    // The currency logos' remote host is unreachable offline: the page
    // falls back to the bundled logos, and the browser logs the misses.
    const offlineLogos = /Failed to load resource: net::ERR_(NAME_NOT_RESOLVED|CONNECTION_REFUSED)/;
    assert.deepEqual(j.consoleErrors.filter((e) => !offlineLogos.test(e)), []);
    await j.close();
  });

  test("an English browser still gets English", async () => {
    const j = await journey(env.browser, env.server, "i18n-english-default");
    const { page, step } = j;
    await step("the shop is in English with English money", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("page-home").waitFor();
      assert.equal(await htmlLang(page), "en");
      assert.equal((await page.locator("h1").first().textContent()).trim(), "Shop");
      assert.equal((await page.getByTestId("catalog-price").first().textContent()), "$19.00");
    });
    await j.close();
  });
});
