// Journeys: the native mock-server as a sign-in service for any app. A plain
// HTML client on its own origin (e2e/oauth-client/, its own client_id and
// loopback redirect URI) signs in on the mock's own pages by the implicit
// grant and by code + PKCE, is denied, and sees requests the mock cannot
// answer refused without any redirect or secret on the page.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DESKTOP, SIDEBAR, assertAccessible, journey, launch } from "./harness.mjs";
import { startMockServer } from "./mock-server.mjs";
import { serve } from "./serve.mjs";

const env = {};
before(async () => {
  Object.assign(env, await launch());
  env.mock = await startMockServer({ args: ["--client", "registered-app=https://app.example.com/callback"] });
  env.client = await serve("e2e/oauth-client");
});
after(async () => {
  await env.browser?.close();
  await env.server?.close();
  await env.client?.close();
  env.mock?.close();
});

/** A journey on the client's origin (the widget's server is not used). */
async function clientJourney(name, viewport = DESKTOP) {
  const j = await journey(env.browser, env.client, name, { viewport });
  j.open = () => j.page.goto(`${env.client.url}/?mock=${encodeURIComponent(env.mock.url)}`);
  return j;
}

async function outcome(page) {
  const result = page.locator("#result[data-outcome]");
  await result.waitFor();
  return { outcome: await result.getAttribute("data-outcome"), text: await result.textContent() };
}

/** Every text the page shows or holds in its markup. */
async function pageText(page) {
  return page.evaluate(() => document.documentElement.outerHTML);
}

describe("mock-server signs in another app", () => {
  for (const [flow, button, account, accountId] of [
    ["implicit grant", "#implicit", "Olivia Owner", "a1f2c3d4-0001-4e5f-8a9b-0c1d2e3f4a01"],
    ["code + PKCE", "#code", "Ada Admin", "a1f2c3d4-0003-4e5f-8a9b-0c1d2e3f4a03"],
  ]) {
    test(`by the ${flow}, on the mock's own page`, async () => {
      const j = await clientJourney(`mock-oauth-${button.slice(1)}`);
      const { page, step } = j;
      await j.open();
      await step("the mock's sign-in page, in test mode", async () => {
        await page.locator(button).click();
        await page.waitForURL((url) => url.href.startsWith(env.mock.url));
        await page.getByTestId("mock-test-mode").waitFor();
        assert.match(await page.getByTestId("mock-client").textContent(), /another-app/);
        await assertAccessible(page, `the mock's sign-in page (${flow})`);
      });
      await j.screenshot("sign-in");
      await step("choosing an account goes back to the app, which checks the state", async () => {
        await page.getByRole("button", { name: new RegExp(account) }).click();
        await page.waitForURL((url) => url.href.startsWith(env.client.url));
        const result = await outcome(page);
        assert.equal(result.outcome, "signed-in", result.text);
        assert.equal(result.text, `Signed in as account ${accountId}`);
      });
      await step("the app's address holds no secret afterwards", async () => {
        assert.doesNotMatch(page.url(), /access_token|code=/);
      });
      await j.screenshot("signed-in");
      await j.close();
    });
  }

  test("deny comes back as access_denied with the state", async () => {
    const j = await clientJourney("mock-oauth-deny");
    const { page, step } = j;
    await j.open();
    await page.locator("#code").click();
    await page.getByTestId("mock-deny").click();
    await step("the app is told, with its own state", async () => {
      const result = await outcome(page);
      assert.equal(result.outcome, "error", result.text);
      assert.match(result.text, /access_denied/);
    });
    await j.close();
  });

  for (const viewport of [DESKTOP, SIDEBAR]) {
    test(`a redirect URI the mock cannot vouch for is refused, going nowhere (${viewport.width} px)`, async () => {
      const j = await clientJourney(`mock-oauth-refused-${viewport.width}`, viewport);
      const { page, step } = j;
      for (const [label, clientId, redirectUri] of [
        ["an unregistered client off loopback", "stranger", "https://evil.example.net/steal"],
        ["a registered client with another URI", "registered-app", "https://app.example.com/elsewhere"],
      ]) {
        await step(label, async () => {
          const query = new URLSearchParams({ response_type: "token", client_id: clientId, redirect_uri: redirectUri });
          const target = `${env.mock.url}/mock/authorize?${query}`;
          const response = await page.goto(target);
          assert.equal(response.status(), 400);
          assert.equal(page.url(), target, "no redirect");
          await page.getByTestId("mock-refused").waitFor();
          assert.equal(await page.locator('[data-testid^="mock-account-"]').count(), 0, "no account to choose");
          assert.doesNotMatch(await pageText(page), /dal:/, "no token or code on the page");
          await assertAccessible(page, `the refusal page (${label})`);
        });
      }
      await j.screenshot("refused");
      await j.close();
    });
  }

  test("the sign-in page at sidebar width", async () => {
    const j = await clientJourney("mock-oauth-sidebar", SIDEBAR);
    await j.open();
    await j.page.locator("#implicit").click();
    await j.page.getByTestId("mock-test-mode").waitFor();
    await j.screenshot("sign-in-320");
    await j.close();
  });
});
