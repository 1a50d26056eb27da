// Journey: the app shell in a real browser, against the release build in
// mock mode. Routes work on direct navigation and reload, unknown paths show
// not-found, both themes apply, the layout fits a 320 px sidebar, and a bad
// configuration is explained on the page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DESKTOP, SIDEBAR, assertAccessible, journey, useBrowser } from "./harness.mjs";
import { startMockServer } from "./mock-server.mjs";

const env = await useBrowser();

const SECTIONS = [
  ["/charges", "page-charges", "Charges"],
  ["/subscriptions", "page-subscriptions", "Subscriptions"],
  ["/ledger", "page-ledger", "Ledger"],
  ["/crypto", "page-crypto", "Crypto"],
  ["/plans", "page-plans", "Plans"],
];

describe("app shell", () => {
  test("loads the shop in mock mode with the TEST MODE banner", async () => {
    const j = await journey(env.browser, env.server, "shell-home");
    const { page, step } = j;
    await step("open the home page", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("page-home").waitFor();
    });
    await step("the TEST MODE banner is visible", async () => {
      const banner = page.getByTestId("test-mode-banner");
      assert.ok(await banner.isVisible(), "banner hidden");
      assert.match(await banner.innerText(), /TEST MODE/);
      await assertAccessible(page, "the shop, signed out");
    });
    await step("and stays in view at the bottom of a long page", async () => {
      await page.setViewportSize({ width: 360, height: 400 });
      await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
      assert.ok(await page.evaluate(() => window.scrollY) > 0, "the page scrolled");
      const box = await page.getByTestId("test-mode-banner").boundingBox();
      assert.ok(box && box.y >= 0 && box.y < 5, `banner at ${JSON.stringify(box)}`);
      await page.evaluate(() => window.scrollTo(0, 0));
    });
    await step("the catalog comes from config.json", async () => {
      assert.equal(await page.getByTestId("catalog-item").count(), 4);
      await page.getByText("Chat transcripts export").waitFor();
    });
    await step("the app recorded its mount and ready marks", async () => {
      const marks = await page.evaluate(() =>
        performance.getEntriesByType("mark").map((m) => m.name),
      );
      assert.ok(marks.includes("app-mounted"), `marks: ${marks}`);
      assert.ok(marks.includes("app-ready"), `marks: ${marks}`);
    });
    await j.screenshot("home-light");
    await step("no errors in the console", async () => {
      assert.deepEqual(j.consoleErrors, []);
    });
    await j.close();
  });

  test("index.html's app shell paints the header before the wasm, and nothing moves when the app takes over", async () => {
    const j = await journey(env.browser, env.server, "shell-static");
    const { page, step } = j;
    const headerBox = () => page.locator("header.app-header").boundingBox();
    const navBox = () => page.locator("nav.app-nav").boundingBox();
    let staticHeader;
    let staticNav;
    await step("with the wasm unreachable, the header, navigation and a page skeleton are shown", async () => {
      await page.route(/_bg\.wasm$/, (route) => route.abort("internetdisconnected"));
      await page.goto(j.url("/"));
      await page.locator("#boot .page-skeleton[role=status]").waitFor();
      assert.equal(await page.locator("#boot .brand-name").innerText(), "LiveChat Billing");
      assert.equal(await page.locator("#boot nav a").count(), 6);
      staticHeader = await headerBox();
      staticNav = await navBox();
      await page.unroute(/_bg\.wasm$/);
    });
    await j.screenshot("static-shell");
    await step("the app mounts in its place: same header, same navigation, no layout shift", async () => {
      await page.addInitScript(() => {
        window.layoutShifts = [];
        new PerformanceObserver((list) => window.layoutShifts.push(...list.getEntries().map((e) => e.value)))
          .observe({ type: "layout-shift", buffered: true });
      });
      await page.goto(j.url("/"));
      await page.getByTestId("catalog").waitFor();
      await page.getByTestId("test-mode-banner").waitFor();
      assert.equal(await page.locator("#boot").count(), 0, "the static shell is gone");
      assert.deepEqual(await headerBox(), staticHeader);
      assert.deepEqual(await navBox(), staticNav);
      // Shifts are reported a frame after they happen.
      await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
      assert.deepEqual(await page.evaluate(() => window.layoutShifts), [], "layout shifts while loading");
    });
    await j.close();
  });

  test("every section is reachable by link, direct navigation and reload", async () => {
    const j = await journey(env.browser, env.server, "shell-routes");
    const { page, step } = j;
    await page.goto(j.url("/"));
    await page.getByTestId("page-home").waitFor();
    for (const [path, testid, linkText] of SECTIONS) {
      await step(`follow the ${linkText} link`, async () => {
        const before = env.server.requests.length;
        await page.getByRole("link", { name: linkText, exact: true }).click();
        await page.getByTestId(testid).waitFor();
        assert.ok(await page.getByTestId("test-mode-banner").isVisible(), `no TEST MODE banner on ${path}`);
        const heading = await page.locator("h1").first().innerText();
        assert.equal(await page.title(), `${heading} · LiveChat Billing`, "the tab names the page");
        assert.equal(new URL(page.url()).pathname, path);
        // Client-side routing: neither the document nor the main module was
        // fetched again (a page's own chunk may be: the build is split).
        const fetched = env.server.requests.slice(before);
        // (The demo's mock worker may load its own files meanwhile.)
        const widgetFiles = fetched.filter((p) => !p.startsWith("/mock-sw.js") && !p.startsWith("/mock-backend/"));
        assert.ok(!widgetFiles.some((p) => p.endsWith("_bg.wasm") || p === path), `refetched: ${widgetFiles}`);
        const current = page.getByRole("link", { name: linkText, exact: true });
        assert.equal(await current.getAttribute("aria-current"), "page");
        await assertAccessible(page, `${path}, signed out`);
      });
    }
    for (const [path, testid] of SECTIONS) {
      await step(`open ${path} directly and reload it`, async () => {
        await page.goto(j.url(path));
        await page.getByTestId(testid).waitFor();
        await page.reload();
        await page.getByTestId(testid).waitFor();
      });
    }
    await j.screenshot("plans-after-reload");
    await step("back and forward move between sections", async () => {
      await page.goto(j.url("/"));
      await page.getByRole("link", { name: "Ledger", exact: true }).click();
      await page.getByTestId("page-ledger").waitFor();
      await page.goBack();
      await page.getByTestId("page-home").waitFor();
      await page.goForward();
      await page.getByTestId("page-ledger").waitFor();
    });
    await step("no errors in the console", async () => {
      assert.deepEqual(j.consoleErrors, []);
    });
    await j.close();
  });

  test("an unknown address shows not-found with a way back", async () => {
    const j = await journey(env.browser, env.server, "shell-not-found");
    const { page, step } = j;
    await step("open an unknown path", async () => {
      await page.goto(j.url("/no/such/page"));
      await page.getByTestId("page-not-found").waitFor();
      assert.equal(await page.getByTestId("not-found-path").innerText(), "/no/such/page");
      await assertAccessible(page, "the not-found page");
    });
    await j.screenshot("not-found");
    await step("the link leads back to the shop", async () => {
      await page.getByRole("link", { name: "Go to the shop" }).click();
      await page.getByTestId("page-home").waitFor();
    });
    await j.close();
  });

  test("dark theme from the Agent App's theme parameter and from the switch", async () => {
    const j = await journey(env.browser, env.server, "shell-theme");
    const { page, step } = j;
    const background = () =>
      page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await step("?theme=dark applies dark colours at once", async () => {
      await page.goto(j.url("/?theme=dark&plugin_id=demo"));
      await page.getByTestId("page-home").waitFor();
      assert.equal(await page.locator("html").getAttribute("data-theme"), "dark");
      assert.equal(await background(), "rgb(19, 19, 23)");
      await assertAccessible(page, "the shop, dark, embedded");
    });
    await j.screenshot("home-dark");
    await step("the switch turns the light theme on and says so", async () => {
      const toggle = page.getByTestId("theme-toggle");
      assert.equal(await toggle.getAttribute("aria-pressed"), "true");
      await toggle.click();
      assert.equal(await page.locator("html").getAttribute("data-theme"), "light");
      assert.equal(await toggle.getAttribute("aria-pressed"), "false");
      assert.equal(await background(), "rgb(246, 246, 247)");
    });
    await j.close();
  });

  test("the system dark preference applies when nothing is chosen", async () => {
    const j = await journey(env.browser, env.server, "shell-system-dark", { colorScheme: "dark" });
    const { page, step } = j;
    await step("dark colours without a data-theme attribute", async () => {
      await page.goto(j.url("/"));
      await page.getByTestId("page-home").waitFor();
      assert.equal(await page.locator("html").getAttribute("data-theme"), null);
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, "rgb(19, 19, 23)");
      assert.equal(await page.getByTestId("theme-toggle").getAttribute("aria-pressed"), "true");
    });
    await j.close();
  });

  test("fits a 320 px Agent App sidebar without horizontal scrolling", async () => {
    for (const [label, scheme] of [["light", "light"], ["dark", "dark"]]) {
      const j = await journey(env.browser, env.server, `shell-sidebar-${label}`, {
        viewport: SIDEBAR,
        colorScheme: scheme,
      });
      const { page, step } = j;
      for (const path of ["/", "/charges", "/no/such/page"]) {
        await step(`no horizontal overflow on ${path}`, async () => {
          await page.goto(j.url(path));
          await page.locator("main [data-testid^=page-]").waitFor();
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
          );
          assert.equal(overflow, 0, `page is ${overflow}px wider than the viewport`);
          await assertAccessible(page, `${path} at 320 px, ${label}`);
        });
      }
      await page.goto(j.url("/"));
      await page.getByTestId("page-home").waitFor();
      await j.screenshot(`sidebar-home-${label}`);
      await j.close();
    }
  });
});

describe("bad configuration is explained on the page", () => {
  const cases = [
    ["missing-file", { status: 404, body: "not found" }, /was not found \(HTTP 404\)/],
    ["invalid-json", { status: 200, body: '{"mode": "mock",' }, /not valid JSON/],
    ["unknown-mode", { status: 200, body: "MODE:staging" }, /Unknown mode "staging"/],
    ["insecure-live-url", { status: 200, body: "INSECURE" }, /must use https in live mode/],
  ];

  for (const [name, reply, expected] of cases) {
    test(name, async () => {
      const j = await journey(env.browser, env.server, `config-${name}`, { viewport: SIDEBAR });
      const { page, step } = j;
      await step("serve the broken configuration", async () => {
        const shipped = await (await fetch(j.url("/config.json"))).json();
        let body = reply.body;
        if (body.startsWith("MODE:")) body = JSON.stringify({ ...shipped, mode: body.slice(5) });
        if (body === "INSECURE") {
          body = JSON.stringify({
            ...shipped,
            mode: "live",
            livechat: { ...shipped.livechat, client_id: "abc", billing_api_url: "http://billing.example.com" },
          });
        }
        await page.route("**/config.json", (route) =>
          route.fulfill({ status: reply.status, contentType: "application/json", body }),
        );
      });
      await step("the page names the problem", async () => {
        await page.goto(j.url("/"));
        const message = page.getByTestId("config-error-message");
        await message.waitFor();
        assert.match(await message.innerText(), expected);
        assert.equal(await page.getByRole("alert").count(), 1);
        await assertAccessible(page, `the configuration error page (${name})`);
      });
      await step("no panic in the console", async () => {
        const panics = j.consoleErrors.filter((e) => /panicked|unreachable/i.test(e));
        assert.deepEqual(panics, []);
      });
      await j.screenshot(name);
      await j.close();
    });
  }
});

describe("live mode", () => {
  test("pointed at the mock backend: no TEST MODE banner, and the mock's answers are refused", async () => {
    const mock = await startMockServer();
    const j = await journey(env.browser, env.server, "live-on-mock");
    const { page, step } = j;
    try {
      await step("serve a live configuration whose APIs are the mock-server", async () => {
        const shipped = await (await fetch(j.url("/config.json"))).json();
        const body = JSON.stringify({
          ...shipped,
          mode: "live",
          livechat: { ...shipped.livechat, client_id: "abc", billing_api_url: mock.url },
          bidali: { ...shipped.bidali, api_url: mock.url },
        });
        await page.route("**/config.json", (route) =>
          route.fulfill({ status: 200, contentType: "application/json", body }),
        );
      });
      await step("live mode shows no TEST MODE banner", async () => {
        await page.goto(j.url("/"));
        await page.getByTestId("page-home").waitFor();
        assert.equal(await page.getByTestId("test-mode-banner").count(), 0);
      });
      await step("an answer from the mock backend is refused, not shown as data", async () => {
        await page.goto(j.url("/crypto/5f0c0a6e-1c2d-4e5f-8a9b-0c1d2e3f4a5b"));
        const refused = page.getByTestId("crypto-load-error");
        await refused.waitFor();
        assert.match(await refused.innerText(), /mock backend/);
        assert.equal(await page.getByTestId("crypto-not-found").count(), 0);
        await assertAccessible(page, "live mode refusing the mock backend");
      });
      await j.screenshot("live-refuses-mock");
    } finally {
      await j.close();
      mock.close();
    }
  });
});
