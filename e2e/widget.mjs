// What the widget's journeys share: the demo accounts, the mock's state
// (the "server" side, read and written through its control API, as any
// client of the mock would) and signing in through the mock's sign-in page.
export const OLIVIA = "olivia.owner@example.com";
export const ADAM = "adam.agent@example.com";

/**
 * Sends a control request to the demo's mock, in the browser of `target` (a
 * Page or a Frame): handed to its Service Worker directly, the way the
 * worker handles an intercepted request, since the mock's own pages allow
 * no script to fetch; through the page's `fetch` while no worker runs yet.
 */
async function control(target, method, path, body) {
  const page = typeof target.page === "function" ? target.page() : target;
  const mockWorker = () =>
    page
      .context()
      .serviceWorkers()
      .find((w) => new URL(w.url()).pathname === "/mock-sw.js");
  // The widget paints before the mock's worker has taken the page over.
  if (!mockWorker()) await mockReady(target);
  const worker = mockWorker();
  const viaWorker = ([method, path, body]) =>
    self
      .answer(new Request(new URL(path, self.location.origin), { method, body }))
      .then(async (response) => ({ status: response.status, text: await response.text() }));
  const viaPage = async ([method, path, body]) => {
    const response = await fetch(path, { method, body });
    return { status: response.status, text: await response.text() };
  };
  const args = [method, path, body];
  // A worker the browser has just stopped is started again by the page.
  const answer = worker
    ? await worker.evaluate(viaWorker, args).catch(() => target.evaluate(viaPage, args))
    : await target.evaluate(viaPage, args);
  if (answer.status !== 200) throw new Error(`${method} ${path}: ${answer.status} ${answer.text}`);
  return JSON.parse(answer.text);
}

/** Waits until the demo's mock backend answers `target`'s requests. */
export async function mockReady(target) {
  await target.waitForFunction(() => navigator.serviceWorker?.controller != null, null, { timeout: 20_000 });
}

/** The mock backend's whole state (`GET /__mock/state`). */
export function mockState(page) {
  return control(page, "GET", "/__mock/state");
}

/** Changes the mock's state in place: `change` edits it, then it is put back. */
export async function changeMockState(page, change) {
  const state = await mockState(page);
  change(state);
  await control(page, "PUT", "/__mock/state", JSON.stringify(state));
}

/** Waits until `check` holds of the mock's state. */
export async function waitForMockState(page, what, check, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check(await mockState(page))) return;
    if (Date.now() > deadline) throw new Error(`the mock's state never showed ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
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

