// Shared set-up for the end-to-end journeys: the system Chromium driven by
// playwright-core, the built app served from dist/, screenshots for every
// key screen, an axe-core accessibility check, and failures that name the
// step they happened in.
import { mkdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
let axeSource;

export const SCREENSHOTS = process.env.E2E_SCREENSHOTS ?? "e2e/screenshots";
const DIST = process.env.E2E_DIST ?? "dist";

/** Widths the widget must work at: the Agent App sidebar and a desktop page. */
export const SIDEBAR = { width: 320, height: 720 };
export const DESKTOP = { width: 1280, height: 800 };

// Chromium flags for a closed network and a root user (see toolchain notes).
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function launch() {
  const server = await serve(DIST);
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_BIN ?? "/usr/bin/chromium",
    args: CHROMIUM_ARGS,
  });
  return { server, browser };
}

/**
 * A journey: one page, its console errors collected, screenshots saved
 * under SCREENSHOTS/<journey>/. `step` runs one named step; when it fails
 * the error names the journey and step and a screenshot of the failure is kept.
 */
export async function journey(browser, server, name, { viewport = DESKTOP, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ viewport, colorScheme });
  const page = await context.newPage();
  const consoleErrors = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") consoleErrors.push(msg.text());
  });
  page.on("pageerror", (err) => consoleErrors.push(String(err)));
  const dir = join(SCREENSHOTS, name);
  await mkdir(dir, { recursive: true });
  let shot = 0;

  const screenshot = async (label) => {
    shot += 1;
    const file = join(dir, `${String(shot).padStart(2, "0")}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  };

  const step = async (label, body) => {
    try {
      await body();
    } catch (err) {
      const file = await screenshot(`FAILED-${label.replace(/\W+/g, "-")}`).catch(() => "none");
      err.message = `[${name}] step "${label}" failed: ${err.message}\n  screenshot: ${file}`;
      throw err;
    }
  };

  return {
    page,
    consoleErrors,
    screenshot,
    step,
    url: (path) => server.url + path,
    close: () => context.close(),
  };
}

/**
 * One browser and static server for a test file: started before its first
 * test, closed after its last. The returned object is filled in by then.
 */
export async function useBrowser() {
  const { after, before } = await import("node:test");
  const env = {};
  before(async () => Object.assign(env, await launch()));
  after(async () => {
    await env.browser?.close();
    await env.server?.close();
  });
  return env;
}

/**
 * Runs axe-core on what `target` (a Page, or the Frame that holds the widget
 * when it runs embedded) shows now. Serious and critical violations fail with
 * each rule, its impact, help text and first targets; moderate and minor ones
 * are printed as a warning line.
 */
export async function assertAccessible(target, label) {
  if (!(await target.evaluate(() => typeof window.axe === "object"))) {
    // Evaluated rather than added as a <script>: no tag in the page's markup,
    // and a page under its Content-Security-Policy can be checked too.
    axeSource ??= await readFile(AXE, "utf8");
    await target.evaluate(`${axeSource}\n;undefined`);
  }
  const violations = await target.evaluate(async () => {
    const results = await window.axe.run(document, { resultTypes: ["violations"] });
    return results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(" ")),
      summary: (v.nodes[0]?.failureSummary ?? "").replace(/\s+/g, " ").trim(),
    }));
  });
  const describe = (v) => {
    const more = v.targets.length > 3 ? ` (+${v.targets.length - 3} more)` : "";
    return `  ${v.id} [${v.impact}] ${v.help}: ${v.targets.slice(0, 3).join(", ")}${more}\n    ${v.summary.slice(0, 300)}`;
  };
  const blocking = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  const minor = violations.filter((v) => !blocking.includes(v));
  if (minor.length > 0) {
    console.warn(`axe warning on ${label}: ${minor.map((v) => `${v.id} [${v.impact}]`).join(", ")}`);
  }
  if (blocking.length > 0) {
    throw new Error(`accessibility violations on ${label}:\n${blocking.map(describe).join("\n")}`);
  }
}

/**
 * `assertAccessible` on `page` as it is, in the light theme and in the dark
 * one (the system theme, which the stylesheet follows), then back to the
 * theme the page had.
 */
export async function assertAccessibleInBothThemes(page, label) {
  const wasDark = await page.evaluate(() => matchMedia("(prefers-color-scheme: dark)").matches);
  for (const colorScheme of ["light", "dark"]) {
    await page.emulateMedia({ colorScheme });
    await assertAccessible(page, `${label} (${colorScheme})`);
  }
  await page.emulateMedia({ colorScheme: wasDark ? "dark" : "light" });
}
