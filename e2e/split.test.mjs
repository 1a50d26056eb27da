// Journey: the release build cut by route (scripts/split-wasm.mjs). The shop
// needs only the main module; every other page's code is a chunk fetched on
// the way there, or before (on idle, on hover); a chunk that cannot be
// fetched shows a notice with a retry instead of breaking the app; every
// route works when opened directly and reloaded.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { assertAccessible, journey, useBrowser } from "./harness.mjs";
import { OLIVIA, mockState, signIn } from "./widget.mjs";

const env = await useBrowser();
const DIST = process.env.E2E_DIST ?? "dist";

/** A chunk of the split build: an area's module or a piece areas share. */
const CHUNK = /\/(split|chunk)_[a-z0-9_]+-[0-9a-f]{16}\.wasm$/;
const isChunk = (url) => CHUNK.test(new URL(url).pathname);
/** The chunk that holds the pages of one area (src/ui/lazy_pages.rs). */
const areaChunk = (area) => new RegExp(`/split_${area}-[0-9a-f]{16}\\.wasm$`);

// Every route, with the page it shows when opened with nothing set up
// (signed out, unknown ids, no sign-in or payment in progress).
const ROUTES = [
  ["/", "page-home"],
  ["/auth/callback", "page-sign-in-callback"],
  ["/return", "page-charge-return"],
  ["/charges", "page-charges"],
  ["/charges/ch_unknown", "page-charge-detail"],
  ["/subscriptions", "page-subscriptions"],
  ["/subscriptions/sub_unknown", "page-subscription-detail"],
  ["/ledger", "page-ledger"],
  ["/crypto", "page-crypto"],
  ["/crypto/chg_unknown", "page-crypto-charge"],
  ["/plans", "page-plans"],
  ["/plans/new", "page-plan-new"],
  ["/plans/plan_unknown", "page-plan-detail"],
];

describe("the wasm split by route", () => {
  test("the build has chunks, each cached for a year, and index.html preloads only the first screen", async () => {
    const html = await readFile(`${DIST}/index.html`, "utf8");
    const headers = await readFile(`${DIST}/_headers`, "utf8");
    const { readdir } = await import("node:fs/promises");
    const chunks = (await readdir(DIST)).filter((name) => CHUNK.test(`/${name}`));
    for (const area of ["lists", "crypto", "plans", "returns", "dev", "buy", "host_link", "sign_in"]) {
      assert.ok(
        chunks.some((name) => areaChunk(area).test(`/${name}`)),
        `no chunk for the ${area} pages in ${DIST}: ${chunks}`,
      );
    }
    for (const name of chunks) {
      assert.ok(!html.includes(name), `index.html fetches ${name} up front`);
      assert.match(headers, new RegExp(`^/${name}\\n  Cache-Control: public, max-age=31536000, immutable$`, "m"));
    }
    assert.match(html, /wasm-split-[0-9a-f]{16}\.js/, "the chunk loader is preloaded with the glue");
  });

  test("the small pieces the areas share are merged, and each area's files exist", async () => {
    const names = await (await import("node:fs/promises")).readdir(DIST);
    assert.ok(names.some((n) => /^chunk_small-[0-9a-f]{16}\.wasm$/.test(n)), "no merged chunk_small");
    const areas = JSON.parse(await readFile(`${DIST}/wasm-split.json`, "utf8"));
    for (const [area, files] of Object.entries(areas)) {
      assert.equal(new Set(files).size, files.length, `${area} lists a file twice`);
      for (const file of files) assert.ok(names.includes(file), `${area} needs ${file}, which is not in ${DIST}`);
      // Unmerged, the charges pages needed 29 files.
      assert.ok(files.length <= 12, `${area} needs ${files.length} files: ${files}`);
    }
    // The Polish texts are fetched before a Polish page paints: none of
    // the code only other areas share comes with them.
    assert.ok(!areas.texts_pl.some((f) => /^chunk_small-/.test(f)), `texts_pl needs ${areas.texts_pl}`);
  });

  test("the shop works with every chunk unreachable", async () => {
    const j = await journey(env.browser, env.server, "split-shop-alone");
    const { page, step } = j;
    const blocked = [];
    await page.route(isChunk, (route) => {
      blocked.push(new URL(route.request().url()).pathname);
      return route.abort("internetdisconnected");
    });
    await step("the shop is shown and usable", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("page-home").waitFor();
      assert.equal(await page.getByTestId("catalog-item").count(), 4);
      await page.getByTestId("session-bar").or(page.getByTestId("sign-in-to-buy").first()).waitFor();
    });
    await step("the next likely page's chunk was asked for once the shop was idle", async () => {
      const deadline = Date.now() + 5_000;
      while (!blocked.some((p) => areaChunk("lists").test(p)) && Date.now() < deadline) {
        await page.waitForTimeout(100);
      }
      assert.ok(blocked.some((p) => areaChunk("lists").test(p)), `prefetched: ${blocked}`);
    });
    await step("outside the Agent App, its protocol's code is never asked for", async () => {
      assert.ok(!blocked.some((p) => areaChunk("host_link").test(p)), `fetched: ${blocked}`);
    });
    await j.close();
  });

  test("a page whose chunk cannot be fetched says so, and retry shows it", async () => {
    const j = await journey(env.browser, env.server, "split-chunk-blocked");
    const { page, step } = j;
    let blocking = true;
    await page.route(areaChunk("plans"), (route) =>
      blocking ? route.abort("internetdisconnected") : route.continue(),
    );
    await page.goto(j.url("/"));
    await page.getByTestId("page-home").waitFor();
    await step("following a link to a page whose code is unreachable shows a notice", async () => {
      await page.getByRole("link", { name: "Plans", exact: true }).click();
      const notice = page.getByTestId("page-load-failed");
      await notice.waitFor();
      assert.equal(await notice.getAttribute("role"), "alert");
      assert.match(await notice.innerText(), /could not be loaded/i);
      assert.equal(new URL(page.url()).pathname, "/plans", "the address is the page's");
      await assertAccessible(page, "a page whose code could not be loaded");
    });
    await j.screenshot("page-load-failed");
    await step("a retry while still offline says it failed again, and the app still works", async () => {
      await page.getByTestId("page-load-retry").click();
      await page.getByTestId("page-load-failed-again").waitFor();
      await page.getByRole("link", { name: "Shop", exact: true }).click();
      await page.getByTestId("page-home").waitFor();
      await page.goBack();
      await page.getByTestId("page-load-failed").waitFor();
    });
    await step("once the chunk can be fetched, retry shows the page in place", async () => {
      blocking = false;
      await page.getByTestId("page-load-retry").click();
      await page.getByTestId("page-plans").waitFor();
      assert.equal(await page.getByTestId("page-load-failed").count(), 0);
    });
    await j.screenshot("page-after-retry");
    await step("the pages of that area now open without a new fetch", async () => {
      await page.goto(j.url("/plans"));
      await page.getByTestId("page-plans").waitFor();
      await page.getByTestId("plan-new-link").click();
      await page.getByTestId("page-plan-new").waitFor();
    });
    await step("nothing panicked", async () => {
      const panics = j.consoleErrors.filter((e) => /panicked|unreachable|RuntimeError/.test(e));
      assert.deepEqual(panics, []);
    });
    await j.close();
  });

  test("buying whose code cannot be fetched sends nothing, says so, and works on retry", async () => {
    const j = await journey(env.browser, env.server, "split-buy-blocked");
    const { page, step } = j;
    let blocking = true;
    const asked = [];
    await page.route(areaChunk("buy"), (route) => {
      asked.push(route.request().url());
      return blocking ? route.abort("internetdisconnected") : route.continue();
    });
    await signIn(j);
    const card = page.locator('[data-item-id="chat-transcripts-export"]');
    await step("the buying code was asked for once the shop was idle", async () => {
      const deadline = Date.now() + 5_000;
      while (asked.length === 0 && Date.now() < deadline) await page.waitForTimeout(100);
      assert.ok(asked.length > 0, "the buy chunk was not prefetched");
    });
    await step("Buy with that code unreachable: a notice, and no charge", async () => {
      await card.getByTestId("buy").click();
      const notice = card.getByTestId("buy-not-loaded");
      await notice.waitFor();
      assert.equal(await notice.getAttribute("role"), "alert");
      assert.match(await notice.innerText(), /Nothing was sent or charged/);
      assert.equal((await mockState(page)).livechat.direct_charges.length, 0);
      assert.equal(await card.getByTestId("buy").isDisabled(), false, "Buy can be pressed again");
      await assertAccessible(page, "the shop, buying code unreachable");
    });
    await step("try again once it can be fetched: one charge, and its confirmation page", async () => {
      blocking = false;
      await card.getByTestId("buy-try-again").click();
      await page.waitForURL(/\/mock\/confirm\?/);
      assert.equal((await mockState(page)).livechat.direct_charges.length, 1);
    });
    await j.close();
  });

  test("the developer panel's controls are fetched when it is first opened", async () => {
    const j = await journey(env.browser, env.server, "split-dev-panel");
    const { page, step } = j;
    let blocking = true;
    const asked = [];
    await page.route(areaChunk("dev"), (route) => {
      asked.push(route.request().url());
      return blocking ? route.abort("internetdisconnected") : route.continue();
    });
    await page.goto(j.url("/"));
    await page.getByTestId("page-home").waitFor();
    const panel = page.getByTestId("dev-panel");
    await step("closed, the panel costs no fetch", async () => {
      await page.waitForTimeout(500);
      assert.deepEqual(asked, []);
    });
    await step("opened with its code unreachable, it says so", async () => {
      await panel.locator("summary").click();
      await page.getByTestId("dev-load-failed").waitFor();
      assert.equal(await page.getByTestId("dev-load-failed").getAttribute("role"), "alert");
      await assertAccessible(page, "the developer panel, its code unreachable");
    });
    await step("retry shows the controls, read from the mock", async () => {
      blocking = false;
      await page.getByTestId("dev-load-retry").click();
      await page.getByTestId("dev-scenario").waitFor();
      assert.ok((await page.getByTestId("dev-scenario").locator("option").count()) > 1, "the mock's scenarios are listed");
      assert.equal(await page.getByTestId("dev-load-failed").count(), 0);
    });
    await step("closing and opening it again keeps the controls, with no new fetch", async () => {
      const fetches = asked.length;
      await panel.locator("summary").click();
      await panel.locator("summary").click();
      await page.getByTestId("dev-scenario").waitFor();
      assert.equal(asked.length, fetches);
    });
    await j.close();
  });

  test("signing in whose code cannot be fetched says so, leaves nothing behind, and works on retry", async () => {
    const j = await journey(env.browser, env.server, "split-sign-in-blocked");
    const { page, step } = j;
    let blocking = true;
    await page.route(areaChunk("sign_in"), (route) =>
      blocking ? route.abort("internetdisconnected") : route.continue(),
    );
    await page.goto(j.url("/"));
    await page.getByTestId("page-home").waitFor();
    await step("the click stays on the shop and says the sign-in could not start", async () => {
      await page.getByTestId("sign-in-to-buy").first().click();
      const problem = page.getByTestId("buy-input-error").first();
      await problem.waitFor();
      assert.match(await problem.innerText(), /could not start/i);
      assert.equal(new URL(page.url()).pathname, "/");
      const stored = await page.evaluate(() =>
        [...Object.keys(sessionStorage), ...Object.keys(localStorage)].filter((k) => k.includes("oauth")),
      );
      assert.deepEqual(stored, [], "no half-started sign-in is kept");
    });
    await step("once the code can be fetched, the same button signs in", async () => {
      blocking = false;
      await page.getByTestId("sign-in-to-buy").first().click();
      await page.waitForURL(/\/mock\/authorize\?/);
      await page.getByTestId(`mock-account-${OLIVIA}`).click();
      await page.getByTestId("session-bar").waitFor();
    });
    await j.close();
  });

  test("hovering a link fetches its page's chunk before the click", async () => {
    const j = await journey(env.browser, env.server, "split-prefetch-hover");
    const { page, step } = j;
    const fetched = [];
    page.on("request", (request) => {
      if (isChunk(request.url())) fetched.push(new URL(request.url()).pathname);
    });
    await page.goto(j.url("/"));
    await page.getByTestId("page-home").waitFor();
    await step("pointing at the Crypto link fetches the crypto pages' chunk", async () => {
      assert.ok(!fetched.some((p) => areaChunk("crypto").test(p)), "fetched before the hover");
      // Listen before hovering: on a fast machine the chunk can arrive while hover() is still returning.
      const arrived = page.waitForResponse((response) => areaChunk("crypto").test(new URL(response.url()).pathname));
      await page.getByRole("link", { name: "Crypto", exact: true }).hover();
      await arrived;
    });
    await step("the click then shows the page", async () => {
      await page.getByRole("link", { name: "Crypto", exact: true }).click();
      await page.getByTestId("page-crypto").waitFor();
    });
    await j.close();
  });

  test("every route opens directly and on reload", async () => {
    const j = await journey(env.browser, env.server, "split-deep-links");
    const { page, step } = j;
    for (const [path, testid] of ROUTES) {
      await step(`open ${path} directly, then reload it`, async () => {
        await page.goto(j.url(path));
        await page.getByTestId(testid).waitFor();
        await page.reload();
        await page.getByTestId(testid).waitFor();
        assert.equal(await page.getByTestId("page-load-failed").count(), 0);
      });
    }
    await step("no errors in the console", async () => {
      assert.deepEqual(j.consoleErrors, []);
    });
    await j.close();
  });
});
