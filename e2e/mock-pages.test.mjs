// Journey: the mock's own sign-in and confirmation pages in the browser
// demo. The demo's mock backend (a Service Worker running the mock's code)
// serves the very pages the native mock-server serves, at this origin's
// /mock/* addresses, through real navigations and form posts; its state has
// the native server's format. A first visit straight to one of those
// addresses loads the widget, which starts the mock and loads it again.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DESKTOP, SIDEBAR, assertAccessibleInBothThemes, journey, launch } from "./harness.mjs";
import { startMockServer } from "./mock-server.mjs";
import { mockReady, mockState } from "./widget.mjs";

// RFC 7636 appendix B: any valid S256 challenge will do for the page.
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

let env;
let api;
before(async () => {
  env = await launch();
  api = await startMockServer();
});
after(async () => {
  api?.close();
  await env?.browser.close();
  await env?.server.close();
});

function authorizeUrl(j, params) {
  const query = new URLSearchParams({
    client_id: "demo-client",
    redirect_uri: j.url("/auth/callback"),
    state: "st4te",
    utm_source: "ignored",
    ...params,
  });
  return j.url(`/mock/authorize?${query}`);
}

/**
 * The address the browser is sent back to, as it arrives (the widget's
 * callback page then cleans it from the address bar at once).
 */
function nextCallback(page) {
  return new Promise((resolve) => {
    const seen = (frame) => {
      if (frame !== page.mainFrame() || !frame.url().includes("/auth/callback")) return;
      page.off("framenavigated", seen);
      resolve(new URL(frame.url()));
    };
    page.on("framenavigated", seen);
  });
}

describe("mock sign-in page", () => {
  for (const viewport of [DESKTOP, SIDEBAR]) {
    test(`code flow at ${viewport.width} px: a first visit starts the mock; choosing an account returns ?code&state`, async () => {
      const j = await journey(env.browser, env.server, `mock-sign-in-code-${viewport.width}`, { viewport });
      const { page, step } = j;
      await step("open the sign-in page before the mock runs in this browser", async () => {
        await page.goto(authorizeUrl(j, {
          response_type: "code",
          code_challenge: CHALLENGE,
          code_challenge_method: "S256",
        }));
        await page.getByTestId("mock-sign-in").waitFor();
        assert.equal(await page.getByRole("button", { name: /Olivia Owner/ }).count(), 1);
        await page.getByTestId("mock-test-mode").waitFor();
        assert.equal(await page.getByTestId("mock-client").innerText(), "demo-client");
        await assertAccessibleInBothThemes(page, "the mock sign-in page");
      });
      await j.screenshot("account-picker");
      await step("pick Olivia: back on the callback with a code and the same state", async () => {
        const callback = nextCallback(page);
        await page.getByTestId("mock-account-olivia.owner@example.com").click();
        const back = await callback;
        assert.equal(back.searchParams.get("state"), "st4te");
        assert.match(back.searchParams.get("code") ?? "", /^\S{10,}$/);
        assert.equal(back.hash, "");
      });
      await j.close();
    });
  }

  test("implicit flow: the token comes back in the fragment", async () => {
    const j = await journey(env.browser, env.server, "mock-sign-in-implicit");
    const { page, step } = j;
    let back;
    await step("choose an account", async () => {
      await page.goto(authorizeUrl(j, { response_type: "token" }));
      const callback = nextCallback(page);
      await page.getByTestId("mock-account-adam.agent@example.com").click();
      back = await callback;
    });
    await step("the fragment has the real shape", async () => {
      const fragment = new URLSearchParams(back.hash.slice(1));
      assert.match(fragment.get("access_token") ?? "", /^dal:/);
      assert.equal(fragment.get("token_type"), "Bearer");
      assert.equal(fragment.get("expires_in"), "28800");
      assert.equal(fragment.get("state"), "st4te");
      assert.equal(fragment.get("scope"), "billing_manage");
    });
    await j.close();
  });

  test("deny returns access_denied", async () => {
    const j = await journey(env.browser, env.server, "mock-sign-in-deny");
    const { page, step } = j;
    await step("deny", async () => {
      await page.goto(authorizeUrl(j, { response_type: "code", code_challenge: CHALLENGE }));
      const callback = nextCallback(page);
      await page.getByTestId("mock-deny").click();
      const back = await callback;
      assert.equal(back.searchParams.get("error"), "access_denied");
      assert.equal(back.searchParams.get("state"), "st4te");
    });
    await j.close();
  });

  test("a return address on another site is refused, with no way onward", async () => {
    const j = await journey(env.browser, env.server, "mock-sign-in-foreign-redirect");
    const { page, step } = j;
    await step("the page explains and offers no account", async () => {
      await page.goto(authorizeUrl(j, { response_type: "token", redirect_uri: "https://evil.example/steal" }));
      await page.getByTestId("mock-refused").waitFor();
      assert.match(await page.getByTestId("mock-refused-reason").innerText(), /not registered/);
      assert.equal(await page.locator('[data-testid^="mock-account-"]').count(), 0);
      assert.equal(new URL(page.url()).pathname, "/mock/authorize");
      await assertAccessibleInBothThemes(page, "the mock sign-in page, refused");
    });
    await j.screenshot("refused");
    await j.close();
  });

  test("a malformed request is explained", async () => {
    const j = await journey(env.browser, env.server, "mock-sign-in-malformed");
    const { page, step } = j;
    await step("no client id", async () => {
      await page.goto(j.url("/mock/authorize?response_type=token&redirect_uri=x"));
      await page.getByTestId("mock-refused").waitFor();
      assert.match(await page.getByTestId("mock-refused-code").innerText(), /^invalid_request$/);
      await assertAccessibleInBothThemes(page, "the mock sign-in page, malformed request");
    });
    await j.close();
  });
});

describe("mock confirmation page", () => {
  /** A charge made on the native server, its whole state then put into the demo's mock. */
  async function chargeInPage(j, returnPath) {
    const created = await api.request("POST", "/v1/direct_charge", {
      name: "Chat transcripts export",
      price: 1900,
      quantity: 2,
      return_url: j.url(returnPath),
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const state = await api.request("GET", "/__mock/state");
    await j.page.goto(j.url("/"));
    await j.page.getByTestId("page-home").waitFor();
    await mockReady(j.page);
    const put = await j.page.evaluate(
      (text) => fetch("/__mock/state", { method: "PUT", body: text }).then((r) => r.text()),
      JSON.stringify(state.body),
    );
    assert.equal(put, '{"replaced":true}', "the demo's mock reads the native server's state");
    return created.body.id;
  }

  test("accept returns to the widget with ?id&type, and only once", async () => {
    const j = await journey(env.browser, env.server, "mock-confirm-accept", { viewport: SIDEBAR });
    const { page, step } = j;
    const id = await chargeInPage(j, "/return");
    await step("the page shows the charge and its total", async () => {
      await page.goto(j.url(`/mock/confirm?id=${id}&type=direct_charge`));
      await page.getByTestId("mock-confirm").waitFor();
      assert.equal(await page.getByTestId("mock-charge-name").innerText(), "Chat transcripts export");
      assert.match(await page.getByTestId("mock-charge-total").innerText(), /\$38\.00/);
      await assertAccessibleInBothThemes(page, "the mock confirmation page");
    });
    await j.screenshot("confirm");
    await step("accept: back on the return URL", async () => {
      await page.getByTestId("mock-accept").click();
      await page.waitForURL(/\/return\?/);
      const back = new URL(page.url());
      assert.equal(back.searchParams.get("id"), id);
      assert.equal(back.searchParams.get("type"), "direct_charge");
    });
    await step("the charge was accepted and cannot be confirmed again", async () => {
      const charge = (await mockState(page)).livechat.direct_charges.find((c) => c.id === id);
      assert.notEqual(charge.status, "pending");
      await page.goto(j.url(`/mock/confirm?id=${id}`));
      await page.getByTestId("mock-confirm-not-pending").waitFor();
      assert.match(await page.getByTestId("mock-confirm-not-pending").innerText(), /already \w+; there is nothing to confirm/);
      assert.equal(await page.getByTestId("mock-accept").count(), 0);
      await assertAccessibleInBothThemes(page, "the mock confirmation page, already accepted");
    });
    await j.screenshot("already-accepted");
    await j.close();
  });

  test("decline returns too, and an unknown id is explained", async () => {
    const j = await journey(env.browser, env.server, "mock-confirm-decline");
    const { page, step } = j;
    const id = await chargeInPage(j, "/return");
    await step("decline", async () => {
      await page.goto(j.url(`/mock/confirm?id=${id}&type=direct_charge`));
      await page.getByTestId("mock-decline").click();
      await page.waitForURL(/\/return\?/);
    });
    await step("unknown id", async () => {
      await page.goto(j.url("/mock/confirm?id=does-not-exist"));
      await page.getByTestId("mock-confirm-problem").waitFor();
      await assertAccessibleInBothThemes(page, "the mock confirmation page, unknown charge");
    });
    await j.close();
  });
});

describe("developer panel", () => {
  test("picks a scenario, queues a fault and resets, all kept across reloads", async () => {
    const j = await journey(env.browser, env.server, "dev-panel");
    const { page, step } = j;
    await page.goto(j.url("/"));
    await page.getByTestId("page-home").waitFor();
    await step("open the panel and choose a scenario", async () => {
      await page.getByText("Mock backend (developer panel)").click();
      await page.getByTestId("dev-scenario").selectOption("card_declined");
      await page.getByTestId("dev-message").filter({ hasText: "card_declined" }).waitFor();
      assert.equal((await mockState(page)).scenario.direct_charge, "failed");
    });
    await step("queue a fault and add latency", async () => {
      await page.getByTestId("dev-fault").selectOption("rate_limited");
      await page.getByTestId("dev-fault-apply").click();
      await page.getByTestId("dev-latency").fill("400");
      await page.getByTestId("dev-latency").press("Enter");
      await page.getByTestId("dev-message").filter({ hasText: "400 ms" }).waitFor();
      const state = await mockState(page);
      assert.equal(state.faults.latency_ms, 400);
      assert.equal(state.faults.faults[0].fault.kind, "rate_limited");
      await assertAccessibleInBothThemes(page, "the developer panel, open");
    });
    await j.screenshot("panel");
    await step("the choice survives a reload", async () => {
      await page.reload();
      await page.getByText("Mock backend (developer panel)").click();
      // The panel asks the mock (GET /__mock/scenarios) when it opens.
      await page.waitForFunction(
        () => document.querySelector("[data-testid=dev-scenario]")?.value === "card_declined",
      );
      assert.equal(await page.getByTestId("dev-scenario").inputValue(), "card_declined");
    });
    await step("reset asks first, then starts afresh", async () => {
      page.once("dialog", (dialog) => dialog.accept());
      await page.getByTestId("dev-reset").click();
      await page.getByTestId("dev-message").filter({ hasText: "afresh" }).waitFor();
      const state = await mockState(page);
      assert.equal(state.scenario.name, "happy_path");
      assert.deepEqual(state.faults.faults, []);
    });
    await step("?mock_scenario= picks the scenario from the address bar", async () => {
      await page.goto(j.url("/?mock_scenario=crypto_overpaid"));
      await page.getByTestId("page-home").waitFor();
      assert.equal((await mockState(page)).scenario.crypto, "overpaid");
    });
    await j.close();
  });
});
