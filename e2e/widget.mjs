// What the widget's journeys share: the demo accounts, the mock's saved
// state (the "server" side, in localStorage) and signing in through the
// mock's sign-in page.
import assert from "node:assert/strict";

export const STATE_KEY = "billing-widget.mock-state";
export const OLIVIA = "olivia.owner@example.com";
export const ADAM = "adam.agent@example.com";

/** The mock backend's state as the page saved it. */
export async function mockState(page) {
  const text = await page.evaluate((key) => localStorage.getItem(key), STATE_KEY);
  assert.ok(text, "the mock saved its state");
  return JSON.parse(text);
}

/** From `start` (the shop), through the mock sign-in page, back signed in. */
export async function signIn(j, account = OLIVIA, start = "/") {
  const { page } = j;
  await page.goto(j.url(start));
  await page.getByTestId("sign-in-to-buy").first().click();
  await page.waitForURL(/\/mock\/authorize\?/);
  await page.getByTestId(`mock-account-${account}`).click();
  await page.getByTestId("session-bar").waitFor();
}
